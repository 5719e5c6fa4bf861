"""Governance bodies (boards) that oversee the plan."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from wsoa.models import Concern, LocalArea, Organisation, TimeStampedModel


class BoardQuerySet(models.QuerySet):
    def for_area(self, area: LocalArea) -> BoardQuerySet:
        return self.filter(area=area)

    def matching_name(self, name: str) -> BoardQuerySet:
        return self.filter(Q(name__iexact=name) | Q(short_name__iexact=name))


class Board(TimeStampedModel):
    """A governance body: SEND Partnership Board, a CCG governing body, a performance board…"""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=100, blank=True, help_text="How plans abbreviate it, e.g. AfC PQI Board."
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="boards"
    )
    activity = models.TextField("remit", blank=True, help_text="What it does, as written.")
    frequency = models.CharField(
        max_length=100, blank=True, help_text="How often it meets, as written: Monthly, Termly…"
    )
    concerns = models.ManyToManyField(Concern, blank=True, related_name="boards")
    is_active = models.BooleanField(default=True)

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="board_name_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet):
    def for_board(self, board: Board) -> MeetingQuerySet:
        return self.filter(board=board)

    def held_before(self, moment) -> MeetingQuerySet:
        return self.filter(starts_at__lt=moment)


class Meeting(TimeStampedModel):
    """One meeting of a board."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True, help_text='A place, or "Virtual".')

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["board", "-starts_at"]
        indexes = [models.Index(fields=["board", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.board} — {self.starts_at:%d %B %Y}"
