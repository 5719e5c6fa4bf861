"""Actions, milestones and their append-only status history."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from wsoa.models import Concern, Outcome, Plan, Post, RatingLevel, TimeStampedModel


class Resource(models.TextChoices):
    ADDITIONAL = "additional", "Additional resource"
    EXISTING = "existing", "Existing resource"
    UNKNOWN = "unknown", "Not stated"


# "The latest update": by effective date, then by when it was recorded. Every reader of the
# current rating (pages, services, the board dashboard as at a date) orders by this.
LATEST_FIRST = ("-effective_on", "-recorded_at", "-pk")


def _latest_updates(**outer_filter) -> models.QuerySet:
    """Status updates of the outer row, latest first."""
    return StatusUpdate.objects.filter(**outer_filter).latest_first()


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> ActionQuerySet:
        return self.filter(plan=plan)

    def with_current_status(self) -> ActionQuerySet:
        """Annotate the current rating (latest status update) without loading the history."""
        latest = _latest_updates(action=OuterRef("pk"))
        return self.annotate(
            current_level_id=Subquery(latest.values("level_id")[:1]),
            current_kind=Subquery(latest.values("kind")[:1]),
            current_update_on=Subquery(latest.values("effective_on")[:1]),
            last_recorded_at=Subquery(latest.values("recorded_at")[:1]),
        )


class Action(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    ref = models.CharField(max_length=20, help_text="E.g. 1.1a; unique within the plan.")
    description = models.TextField()
    success_measures = models.JSONField(default=list, blank=True)
    leads = models.ManyToManyField(Post, blank=True, related_name="actions_led")
    boards = models.ManyToManyField("wsoa.Board", blank=True, related_name="actions_overseen")
    resource = models.CharField(max_length=10, choices=Resource.choices, default=Resource.UNKNOWN)
    timescale = models.CharField(max_length=300, blank=True, help_text="As written in the plan.")
    starts_on = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(
        null=True, blank=True, help_text="The due date first agreed: slippage is measured from it."
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "concern__number", "outcome__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="action_ref_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("starts_on"))
                | Q(due_date__isnull=True)
                | Q(starts_on__isnull=True),
                name="action_dates_in_order",
                violation_error_message="An action cannot be due before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.description[:60]}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    @property
    def slippage_days(self) -> int | None:
        if self.due_date and self.original_due_date and self.due_date != self.original_due_date:
            return (self.due_date - self.original_due_date).days
        return None

    @property
    def is_completion_proposed(self) -> bool:
        """Rated at the complete level but not yet signed off by a programme lead."""
        level = getattr(self, "current_level", None)
        return bool(
            level and level.is_complete and getattr(self, "current_kind", None) in PROPOSING_KINDS
        )

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        level = getattr(self, "current_level", None)
        return bool(self.due_date and self.due_date < today and not (level and level.is_complete))


class MilestoneQuerySet(models.QuerySet):
    def with_current_status(self) -> MilestoneQuerySet:
        latest = _latest_updates(milestone=OuterRef("pk"))
        return self.annotate(
            current_level_id=Subquery(latest.values("level_id")[:1]),
            current_update_on=Subquery(latest.values("effective_on")[:1]),
        )


class Milestone(TimeStampedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    deadline = models.CharField(max_length=300, blank=True, help_text="As written in the plan.")
    due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["action", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def save(self, *args, **kwargs):
        if self._state.adding and self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    @property
    def slippage_days(self) -> int | None:
        if self.due_date and self.original_due_date and self.due_date != self.original_due_date:
            return (self.due_date - self.original_due_date).days
        return None


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", "Progress update"
    IMPORTED = "imported", "From the plan document"
    CORRECTION = "correction", "Correction"
    COMPLETION_SIGNED_OFF = "signed_off", "Completion signed off"
    COMPLETION_SENT_BACK = "sent_back", "Completion sent back"


# An update at the complete level of one of these kinds proposes completion; only a
# COMPLETION_SIGNED_OFF update (by a programme lead who did not propose it) completes.
PROPOSING_KINDS = {UpdateKind.PROGRESS, UpdateKind.CORRECTION}


class AppendOnlyError(Exception):
    pass


class StatusUpdateQuerySet(models.QuerySet):
    def latest_first(self) -> StatusUpdateQuerySet:
        return self.order_by(*LATEST_FIRST)


class StatusUpdate(models.Model):
    """One rating or progress note on an action or a milestone. Never edited, never deleted.

    The current rating of an action is its latest update (by effective date, then by when it
    was recorded). An update without a level means "not yet rated".
    """

    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="status_updates"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="status_updates"
    )
    kind = models.CharField(max_length=12, choices=UpdateKind.choices, default=UpdateKind.PROGRESS)
    level = models.ForeignKey(
        RatingLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    narrative = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who gave it, as the source document says."
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    effective_on = models.DateField()
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = list(LATEST_FIRST)
        get_latest_by = ["effective_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(milestone__isnull=True))
                | (Q(action__isnull=True) & Q(milestone__isnull=False)),
                name="status_update_on_action_or_milestone",
                violation_error_message="A status update belongs to an action or a milestone.",
            ),
        ]
        indexes = [
            models.Index(fields=["action", "effective_on", "recorded_at"]),
            models.Index(fields=["milestone", "effective_on", "recorded_at"]),
        ]

    def __str__(self) -> str:
        subject = self.action or self.milestone
        return f"{subject}: {self.level or 'Not yet rated'} on {self.effective_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Status updates are append-only: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Status updates are append-only and cannot be deleted.")

    @property
    def author_display(self) -> str:
        return str(self.author) if self.author_id else (self.author_name or "Plan document")


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under MEDIA_ROOT (outside the web root), never served directly: see the
    # evidence download view, which checks the reader may see the plan.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file or a link attached to a status update."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    link = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""),
                name="evidence_is_a_file_or_a_link",
                violation_error_message="Evidence is a file or a link.",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.link


class DueDateChange(models.Model):
    """Slippage, recorded not hidden: every change of an action's or milestone's due date."""

    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="due_date_changes"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="due_date_changes"
    )
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(milestone__isnull=True))
                | (Q(action__isnull=True) & Q(milestone__isnull=False)),
                name="due_date_change_on_action_or_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action or self.milestone}: {self.from_date} → {self.to_date}"
