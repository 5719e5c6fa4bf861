"""Governance bodies (boards) that oversee the plan, their members and meetings.

A meeting holds who attended, its agenda and minutes (each minute may say which concern it
discusses). A board keeps one action log of meeting actions, carried forward from meeting to
meeting until closed, and a forward plan of items for future meetings. A board pack freezes
what the board was shown for a meeting: a JSON snapshot, numbered by version, never changed.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from wsoa.history import AppendOnlyError, AppendOnlyModel  # noqa: F401 - AppendOnlyError for callers
from wsoa.models import Board, Concern, Organisation, TimeStampedModel

# --- Board members ---------------------------------------------------------------------


class BoardMemberQuerySet(models.QuerySet):
    def active(self) -> BoardMemberQuerySet:
        return self.filter(is_active=True)


def boards_with_chair(boards: models.QuerySet[Board]) -> models.QuerySet[Board]:
    """Annotate `chair_user_id`: the user account of the chair, for the chair's rights."""
    chair = BoardMember.objects.filter(board=models.OuterRef("pk"), is_chair=True)
    return boards.select_related("area", "organisation").annotate(
        chair_user_id=models.Subquery(chair.values("user_id")[:1])
    )


class BoardMember(TimeStampedModel):
    """A person who sits on a board, as the minutes list them: name, initials, post, body."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    initials = models.CharField(
        max_length=10, help_text="As the minutes refer to them, e.g. IT or KS-L."
    )
    post = models.CharField("post", max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_seats",
        help_text="Their user account, if they have one (a chair's account may record meetings).",
    )
    is_chair = models.BooleanField("chair", default=False)
    is_active = models.BooleanField(
        default=True, help_text="Untick when they leave the board; past minutes keep them."
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = BoardMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-is_chair", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="board_member_unique_name"),
            models.UniqueConstraint(
                fields=["board", "initials"],
                name="board_member_unique_initials",
                violation_error_message="Another member of this board has these initials.",
            ),
            models.UniqueConstraint(
                fields=["board"],
                condition=Q(is_chair=True),
                name="board_has_one_chair",
                violation_error_message="This board already has a chair.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.initials})"


# --- Meetings ----------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet):
    def for_board(self, board: Board) -> MeetingQuerySet:
        return self.filter(board=board)

    def held_before(self, moment) -> MeetingQuerySet:
        return self.filter(starts_at__lt=moment)

    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(status=MeetingStatus.CANCELLED)

    def upcoming(self, *, now: datetime.datetime | None = None) -> MeetingQuerySet:
        return self.not_cancelled().filter(starts_at__gte=now or timezone.now())

    def visible_to(self, user) -> MeetingQuerySet:
        return self.filter(board__in=Board.objects.visible_to(user))

    def previous_to(self, meeting: Meeting) -> MeetingQuerySet:
        """Earlier meetings of the same board that went ahead, latest first."""
        return (
            self.for_board(meeting.board)
            .not_cancelled()
            .held_before(meeting.starts_at)
            .order_by("-starts_at")
        )


class Meeting(TimeStampedModel):
    """One meeting of a board."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    time_is_known = models.BooleanField(
        default=True, help_text="Untick when the papers give only the date of the meeting."
    )
    location = models.CharField(max_length=200, blank=True, help_text='A place, or "Virtual".')
    is_virtual = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    notes = models.TextField(blank=True, help_text="Anything else the papers say.")

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-starts_at"]
        indexes = [models.Index(fields=["board", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="A meeting must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} — {self.local_date:%-d %B %Y}"

    @property
    def local_date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def place_display(self) -> str:
        if self.is_virtual and not self.location:
            return "Virtual"
        return self.location or "Not stated"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    IN_ATTENDANCE = "in_attendance", "In attendance (not a member)"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """Who was at a meeting, sent apologies or was absent: a member, or a named guest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        BoardMember, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )
    name = models.CharField(max_length=200, blank=True, help_text="A guest who is not a member.")
    initials = models.CharField(max_length=10, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=15, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting", "status", "member__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_once_per_member",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(name=""),
                name="attendance_names_someone",
                violation_error_message="Choose a member or give the guest's name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.get_status_display()}"

    @property
    def person_name(self) -> str:
        return self.member.name if self.member_id else self.name


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True, help_text="Initials or name.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="agenda_item_number_unique_in_meeting",
                violation_error_message="This meeting already has an item with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Minute(TimeStampedModel):
    """What was said and agreed under an agenda item, optionally about one concern."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    position = models.PositiveSmallIntegerField(default=0)
    concern = models.ForeignKey(
        Concern,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minutes",
        help_text="The concern this minute discusses, if any.",
    )
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


# --- Meeting action log and forward plan -------------------------------------------------


class MeetingActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


CLOSED_STATUSES = {MeetingActionStatus.DONE, MeetingActionStatus.DROPPED}


class MeetingActionQuerySet(models.QuerySet):
    def for_board(self, board: Board) -> MeetingActionQuerySet:
        return self.filter(board=board)

    def open_on(self, day: datetime.date) -> MeetingActionQuerySet:
        """Raised at a meeting on or before `day` and not closed by then: the log as at `day`."""
        return self.filter(raised_at__starts_at__date__lte=day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def with_list_related_data(self) -> MeetingActionQuerySet:
        return self.select_related(
            "raised_at", "owner_member", "plan_action", "plan_action__plan"
        ).order_by("number")


class MeetingAction(TimeStampedModel):
    """An action a board agreed at a meeting; it stays on the log until closed."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meeting_actions")
    number = models.PositiveIntegerField(help_text="Numbered in order within the board's log.")
    raised_at = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions_raised")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who will do it, as the minutes say.")
    owner_member = models.ForeignKey(
        BoardMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingActionStatus.choices, default=MeetingActionStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_closed",
        help_text="The meeting that closed it, if it was closed at a meeting.",
    )
    plan_action = models.ForeignKey(
        "actions.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_actions",
        help_text="The plan action this follows up, if any.",
    )
    latest_note = models.TextField(blank=True)

    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        ordering = ["board", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "number"], name="meeting_action_number_unique_in_board"
            ),
            models.CheckConstraint(
                condition=(Q(status=MeetingActionStatus.OPEN) & Q(closed_on__isnull=True))
                | (~Q(status=MeetingActionStatus.OPEN) & Q(closed_on__isnull=False)),
                name="meeting_action_closed_when_not_open",
                violation_error_message="A closed action has the date it was closed; an open "
                "one has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"A{self.number} {self.description[:60]}"

    @property
    def ref(self) -> str:
        return f"A{self.number}"

    def is_overdue(self, *, on: datetime.date) -> bool:
        return bool(self.due_date and self.due_date < on and self.status == "open")


class MeetingActionUpdate(AppendOnlyModel):
    """History of a meeting action: every change of status, due date or note."""

    append_only_message = "Meeting action history is append-only."

    meeting_action = models.ForeignKey(
        MeetingAction, on_delete=models.CASCADE, related_name="updates"
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting at which it was reviewed, if any.",
    )
    from_status = models.CharField(max_length=10, choices=MeetingActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=MeetingActionStatus.choices)
    from_due_date = models.DateField(null=True, blank=True)
    to_due_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.meeting_action}: {self.from_status or '—'} → {self.to_status}"


class ForwardPlanStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Taken"
    DROPPED = "dropped", "Dropped"


class ForwardPlanItemQuerySet(models.QuerySet):
    def for_board(self, board: Board) -> ForwardPlanItemQuerySet:
        return self.filter(board=board)

    def planned(self) -> ForwardPlanItemQuerySet:
        return self.filter(status=ForwardPlanStatus.PLANNED)


class ForwardPlanItem(TimeStampedModel):
    """An item the board means to take at a future meeting."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="forward_plan")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_for = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forward_plan_items",
        help_text="The meeting it is planned for, if one is chosen.",
    )
    status = models.CharField(
        max_length=10, choices=ForwardPlanStatus.choices, default=ForwardPlanStatus.PLANNED
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = ForwardPlanItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "status", "position", "pk"]

    def __str__(self) -> str:
        return self.title


# --- Board packs and reminders -----------------------------------------------------------


class BoardPackQuerySet(models.QuerySet):
    def for_meeting(self, meeting: Meeting) -> BoardPackQuerySet:
        return self.filter(meeting=meeting)

    def without_snapshot(self) -> BoardPackQuerySet:
        """For lists of packs: the snapshot can be large and the list does not need it."""
        return self.defer("snapshot").select_related("issued_by")


def pack_pdf_path(instance: BoardPack, filename: str) -> str:
    # Through Django's storage API: local files by default, a shared object store by setting.
    return f"packs/{instance.meeting_id}/v{instance.version}-{uuid.uuid4().hex}.pdf"


class BoardPack(AppendOnlyModel):
    """What a board was shown for a meeting, frozen when issued. Never changed: re-issuing
    adds the next version and keeps the earlier ones."""

    append_only_message = "An issued board pack never changes: issue a new version."
    delete_message = "Issued board packs are kept."
    # The PDF is drawn from the snapshot once (in the background when the pack is issued) and
    # kept in the file store, which every app server shares; drawing it changes nothing else.
    derived_fields = frozenset({"pdf", "pdf_rendered_at"})

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    version = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    as_at = models.DateField(help_text="The date the ratings in the pack are as at.")
    note = models.CharField(
        max_length=300, blank=True, help_text="Why it was issued again, for a later version."
    )
    snapshot = models.JSONField(help_text="The dashboard as the board saw it.")
    pdf = models.FileField(upload_to=pack_pdf_path, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="board_pack_version_unique_in_meeting"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="board_pack_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"Board pack v{self.version}: {self.meeting}"


class UpdateReminder(models.Model):
    """One reminder sent to one person about one action before one meeting: never twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, related_name="update_reminders"
    )
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "action", "recipient_email"],
                name="update_reminder_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_email}: {self.action} before {self.meeting}"
