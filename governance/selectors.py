"""Reads for the board and meeting pages and the whole-area view (the meeting dashboard
itself is governance.dashboard)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions import status
from actions.models import Action
from actions.selectors import with_rating_shown
from governance.models import (
    BoardMember,
    BoardPack,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
)
from wsoa.models import Board, LocalArea, Plan, RatingLevel


def board_page_meetings(board: Board, *, now: datetime.datetime | None = None) -> dict:
    meetings = list(Meeting.objects.for_board(board).order_by("starts_at"))
    now = now or timezone.now()
    upcoming = [m for m in meetings if m.starts_at >= now and m.status != "cancelled"]
    past = [m for m in meetings if m not in upcoming]
    past.reverse()
    return {"next": upcoming[0] if upcoming else None, "upcoming": upcoming, "past": past}


def packs_for(meeting: Meeting) -> list[BoardPack]:
    return list(BoardPack.objects.for_meeting(meeting).without_snapshot())


# --- The whole-area view -----------------------------------------------------------------


def boards_listed(user, areas: QuerySet[LocalArea], *, search: str = "") -> QuerySet[Board]:
    """The active boards of these areas for the Boards page: the boards the user sits on
    first (`is_mine`), then by area and name; `search` matches a board's or its area's name."""
    boards = Board.objects.filter(area__in=areas, is_active=True)
    if search:
        boards = boards.filter(Q(name__icontains=search) | Q(area__name__icontains=search))
    seat = BoardMember.objects.filter(board=OuterRef("pk"), user_id=user.pk, is_active=True)
    return boards.annotate(is_mine=Exists(seat)).order_by("-is_mine", "area__name", "name")


def with_board_list_data(
    boards: QuerySet[Board], *, now: datetime.datetime | None = None
) -> QuerySet[Board]:
    """Annotate what the Boards page shows of each board: next meeting, open log items."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    upcoming = Meeting.objects.filter(board=OuterRef("pk")).upcoming(now=now).order_by("starts_at")
    open_log = MeetingAction.objects.filter(board=OuterRef("pk"), status=MeetingActionStatus.OPEN)
    return boards.select_related("area").annotate(
        next_meeting_id=Subquery(upcoming.values("pk")[:1]),
        next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        open_log_count=_count(open_log),
        overdue_log_count=_count(open_log.filter(due_date__lt=today)),
    )


def board_summaries(boards, *, now: datetime.datetime | None = None):
    """These boards (a page of `with_board_list_data(boards_listed(...))`, loaded) with their
    RAG totals today, in a fixed number of queries; the work depends on the boards shown, not
    on how many boards or areas there are."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    boards = list(boards)
    board_ids = [b.pk for b in boards]
    concern_links = defaultdict(set)
    for board_id, concern_id in Board.concerns.through.objects.filter(
        board_id__in=board_ids
    ).values_list("board_id", "concern_id"):
        concern_links[concern_id].add(board_id)
    action_links = defaultdict(set)
    for action_id, board_id in Action.boards.through.objects.filter(
        board_id__in=board_ids
    ).values_list("action_id", "board_id"):
        action_links[action_id].add(board_id)
    actions = with_rating_shown(
        Action.objects.overseen_by(board_ids).with_status(on=today, fields=["level_id", "kind"]),
        on=today,
        prefix="now",
    ).values(
        "pk",
        "plan_id",
        "concern_id",
        "due_date",
        "now_level_id",
        "now_kind",
        "now_derived_level_id",
    )
    area_ids = {board.area_id for board in boards}
    plans = {
        plan.pk: plan
        for plan in Plan.objects.filter(area__in=area_ids).select_related("rating_scheme")
    }
    levels = {
        level.pk: level
        for level in RatingLevel.objects.filter(scheme__plans__area__in=area_ids)
        .distinct()
        .order_by("rank")
    }
    # {board id: {plan id: counts}}: each board then reads only its own entries.
    counts: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in actions:
        level, kind, _ = status.rating_shown_from(
            levels,
            level_id=row["now_level_id"],
            kind=row["now_kind"],
            derived_level_id=row["now_derived_level_id"],
        )
        for board_id in concern_links[row["concern_id"]] | action_links[row["pk"]]:
            entry = counts[board_id].setdefault(
                row["plan_id"],
                {"levels": defaultdict(int), "total": 0, "overdue": 0, "awaiting": 0},
            )
            entry["levels"][status.summary_column(level, kind)] += 1
            entry["total"] += 1
            if status.is_overdue(due_on=row["due_date"], on=today, level=level, kind=kind):
                entry["overdue"] += 1
            if status.is_completion_proposed(level, kind):
                entry["awaiting"] += 1
    for board in boards:
        board.plan_summaries = []
        for plan_id, entry in sorted(counts[board.pk].items()):
            plan = plans[plan_id]
            plan_levels = sorted(
                (lv for lv in levels.values() if lv.scheme_id == plan.rating_scheme_id),
                key=lambda lv: lv.rank,
            )
            board.plan_summaries.append(
                {
                    "plan": plan,
                    "cells": [(lv, entry["levels"][lv.pk]) for lv in plan_levels]
                    + [(status.PROPOSED_COLUMN, entry["levels"][status.PROPOSED])]
                    + [(None, entry["levels"][None])],
                    "total": entry["total"],
                    "overdue": entry["overdue"],
                    "awaiting": entry["awaiting"],
                }
            )
    return boards, list(levels.values())


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("board").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )
