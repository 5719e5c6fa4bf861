"""Actions, milestones and their append-only status history."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString

from actions import status
from actions.status import (
    LATEST_FIRST,
    NEWEST_RECORDED_FIRST,
    UpdateKind,
)
from wsoa.formatting import text_as_html
from wsoa.history import AppendOnlyError, AppendOnlyModel  # noqa: F401 - AppendOnlyError for callers
from wsoa.models import (
    Board,
    Concern,
    Outcome,
    Plan,
    Post,
    RatingLevel,
    TimeStampedModel,
)
from wsoa.timescales import parse_timescale


class Resource(models.TextChoices):
    ADDITIONAL = "additional", "Additional resource"
    EXISTING = "existing", "Existing resource"
    UNKNOWN = "unknown", "Not stated"


STATUS_FIELDS = {
    "level_id": "level_id",
    "kind": "kind",
    "effective_on": "on",
    "narrative": "narrative",
}


def _status_annotations(
    subject: str,
    *,
    on: datetime.date | None,
    known_by: datetime.datetime | None,
    prefix: str,
    fields,
) -> dict:
    """`<prefix>_<field>` from the subject's latest update as at `on`, as known at `known_by`."""
    latest = StatusUpdate.objects.filter(**{subject: OuterRef("pk")}).as_at(
        on=on, known_by=known_by
    )
    return {f"{prefix}_{STATUS_FIELDS[name]}": Subquery(latest.values(name)[:1]) for name in fields}


def boards_overseeing(action, concern) -> models.QuerySet[Board]:
    """The boards that oversee an action (or `OuterRef`s to one and its concern): those with
    the concern in their remit and those the action names. `overseen_by` is the same rule
    seen from the boards' side."""
    return Board.objects.filter(Q(actions_overseen=action) | Q(concerns=concern))


class StatusQuerySet(models.QuerySet):
    """What actions and milestones share: their rating as at a day, as known at a moment."""

    status_subject = ""  # the StatusUpdate field pointing at this model

    def with_status(
        self,
        *,
        on: datetime.date | None = None,
        known_by: datetime.datetime | None = None,
        prefix: str = "now",
        fields=tuple(STATUS_FIELDS),
    ):
        """Annotate `<prefix>_level_id`, `_kind`, `_on` and `_narrative`: the rating as at `on`
        as known at `known_by` (see actions.status), without loading the history."""
        return self.annotate(
            **_status_annotations(
                self.status_subject, on=on, known_by=known_by, prefix=prefix, fields=fields
            )
        )


class ActionQuerySet(StatusQuerySet):
    status_subject = "action"

    def for_plan(self, plan: Plan) -> ActionQuerySet:
        return self.filter(plan=plan)

    def overseen_by(self, board_ids) -> ActionQuerySet:
        """The actions these boards oversee: those of the concerns in a board's remit, and those
        naming the board as their oversight board. The one definition of "oversees"."""
        board_ids = list(board_ids)
        named = (
            Action.boards.through.objects.filter(board_id__in=board_ids)
            .order_by()
            .values("action_id")
        )
        remit = Board.concerns.through.objects.filter(board_id__in=board_ids).values("concern_id")
        in_remit = Action.objects.filter(concern__in=remit).order_by().values("pk")
        # One subquery of the UNION of the two, not `concern in … OR pk in …`: PostgreSQL
        # estimates an OR of two semi-joins at a large share of the whole table, which at
        # national scale made it JIT-compile the dashboard's queries (seconds, for 60 rows).
        # Not joins either: a join through a concern's boards would repeat actions.
        return self.filter(pk__in=named.union(in_remit))

    def with_current_status(self) -> ActionQuerySet:
        """The current rating: `with_status()` as at no particular day, named `current_*`."""
        return self.with_status(prefix="current", fields=("level_id", "kind", "effective_on"))

    def with_last_recorded(self, *, known_by: datetime.datetime | None = None) -> ActionQuerySet:
        """Annotate `last_update_at`: when anything was last recorded on the action or on one
        of its milestones (the newest `recorded_at`; a back-dated correction recorded today is
        an update today). "Stale" compares this with the board's last meeting."""

        def newest(**outer):
            updates = StatusUpdate.objects.filter(**outer)
            if known_by is not None:
                updates = updates.filter(recorded_at__lte=known_by)
            return Subquery(updates.newest_recorded_first().values("recorded_at")[:1])

        # Two index-friendly subqueries rather than one OR; SQLite's MAX() of a NULL is NULL,
        # so either side alone stands in when the other has no update.
        on_action = newest(action=OuterRef("pk"))
        on_milestones = newest(milestone__action=OuterRef("pk"))
        return self.annotate(
            last_update_at=Coalesce(Greatest(on_action, on_milestones), on_action, on_milestones)
        )


class DatePrecision(models.TextChoices):
    """How exactly the plan gives a due date: the stored date is the last day it allows."""

    DAY = "day", "A day"  # 14/1/19, 2019-01-14
    MONTH = "month", "A month"  # Nov 2019, by end of March 2020
    TEXT = "text", "Words"  # Autumn term 2019, Q3 2021/22, 2019


def written_date_precision(text: str) -> str:
    """The precision of the due date derived from `text` by wsoa.timescales ("" if none)."""
    parsed = parse_timescale(text)
    if parsed.due is None:
        return ""
    if parsed.reading.startswith("due on "):
        return DatePrecision.DAY
    # "due at the end of November 2019" (a month); "…of 2019 (31 December 2019)" is a year.
    words = parsed.reading.removeprefix("due at the end of ").split()
    if parsed.reading.startswith("due at the end of ") and len(words) == 2 and words[0].isalpha():
        return DatePrecision.MONTH
    return DatePrecision.TEXT


class KeepsOriginalDueDate(models.Model):
    """An action's or milestone's due date and the one first agreed, which slippage is
    measured from. Later moves go through `actions.services.due_date_change`, which records
    them (a DueDateChange).

    A plan often gives only a month or a term ("Nov 2019", "Autumn term 2019"): `due_date` is
    then the last day it allows (what "overdue" needs), `due_date_precision` says how exact
    it is and `due_date_as_written` keeps the words, which is what pages show."""

    due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(
        null=True, blank=True, help_text="The due date first agreed: slippage is measured from it."
    )
    due_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How exactly the plan gives the due date.",
    )
    due_date_as_written = models.CharField(
        max_length=300,
        blank=True,
        help_text="The words the due date was derived from, as written (empty for a date).",
    )

    class Meta:
        abstract = True

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
    def is_due_date_as_written(self) -> bool:
        """The words still give the due date (a moved due date is a day of its own)."""
        return bool(
            self.due_date
            and self.due_date_as_written
            and parse_timescale(self.due_date_as_written).due == self.due_date
        )

    @property
    def due_date_display(self) -> str:
        """The due date as the plan gives it: "Nov 2019", "Autumn term 2019", never a day
        the plan did not write; "14 Jan 2019" for a day. "" when there is none."""
        if self.due_date is None:
            return ""
        if self.is_due_date_as_written:
            return self.due_date_as_written
        # A month without its words (set in the admin, say) still reads as a month, as long
        # as the date is a month's end; a due date moved to a day shows that day.
        month_end = (self.due_date + datetime.timedelta(days=1)).day == 1
        if self.due_date_precision == DatePrecision.MONTH and month_end:
            return dateformat.format(self.due_date, "M Y")
        return dateformat.format(self.due_date, "j M Y")


class Action(KeepsOriginalDueDate, TimeStampedModel):
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
    transcriber_note = models.TextField(
        blank=True,
        help_text="A remark by whoever transcribed the plan: shown to administrators, never "
        "as the plan's text.",
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

    @property
    def description_html(self) -> SafeString:
        return text_as_html(self.description)

    @property
    def success_measures_html(self) -> list[SafeString]:
        return [text_as_html(text) for text in self.success_measures]

    # The rules themselves are in actions.status; these read the `current_*` annotations
    # (`with_current_status()` plus `current_level` from `attach_current_levels`).

    @property
    def is_complete(self) -> bool:
        return status.is_complete(
            getattr(self, "current_level", None), getattr(self, "current_kind", None)
        )

    @property
    def is_completion_proposed(self) -> bool:
        return status.is_completion_proposed(
            getattr(self, "current_level", None), getattr(self, "current_kind", None)
        )

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        return status.is_overdue(
            due_on=self.due_date,
            on=today or timezone.localdate(),
            level=getattr(self, "current_level", None),
            kind=getattr(self, "current_kind", None),
        )


class MilestoneQuerySet(StatusQuerySet):
    status_subject = "milestone"

    def with_current_status(self) -> MilestoneQuerySet:
        return self.with_status(prefix="current", fields=("level_id", "effective_on"))


class Milestone(KeepsOriginalDueDate, TimeStampedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    deadline = models.CharField(max_length=300, blank=True, help_text="As written in the plan.")
    completed_on = models.DateField(null=True, blank=True)
    transcriber_note = models.TextField(
        blank=True,
        help_text="A remark by whoever transcribed the plan: shown to administrators, never "
        "as the plan's text.",
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["action", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def description_html(self) -> SafeString:
        return text_as_html(self.description)


class OfActionsQuerySet(models.QuerySet):
    """History rows (status updates, due-date changes) that belong to an action or to one of
    its milestones."""

    def of_actions(self, actions):
        """The rows of these actions and of their milestones (`actions`: a queryset).

        `pk in (the actions' rows UNION their milestones' rows)`, never `action in … OR
        milestone.action in …`: an OR across the join defeats both indexes, and PostgreSQL
        then scans every row in the country. Each side of the union uses its own."""
        action_ids = actions.order_by().values("pk")
        own = self.model.objects.filter(action__in=action_ids).order_by().values("pk")
        of_milestones = (
            self.model.objects.filter(milestone__action__in=action_ids).order_by().values("pk")
        )
        return self.filter(pk__in=own.union(of_milestones))


class StatusUpdateQuerySet(OfActionsQuerySet):
    def latest_first(self) -> StatusUpdateQuerySet:
        return self.order_by(*LATEST_FIRST)

    def newest_recorded_first(self) -> StatusUpdateQuerySet:
        return self.order_by(*NEWEST_RECORDED_FIRST)

    def as_at(
        self, *, on: datetime.date | None = None, known_by: datetime.datetime | None = None
    ) -> StatusUpdateQuerySet:
        """The updates that count for a rating as at day `on`, as known at moment `known_by`
        (either may be None: no limit), latest first; the first is the rating."""
        updates = self
        if on is not None:
            updates = updates.filter(effective_on__lte=on)
        if known_by is not None:
            updates = updates.filter(recorded_at__lte=known_by)
        return updates.latest_first()


class StatusUpdate(AppendOnlyModel):
    """One rating or progress note on an action or a milestone. Never edited, never deleted.

    The current rating of an action is its latest update (by effective date, then by when it
    was recorded). An update without a level means "not yet rated".
    """

    append_only_message = "Status updates are append-only: record a correction instead."
    delete_message = "Status updates are append-only and cannot be deleted."

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


class DueDateChange(AppendOnlyModel):
    """Slippage, recorded not hidden: every change of an action's or milestone's due date."""

    objects = OfActionsQuerySet.as_manager()

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
