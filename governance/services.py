"""Writes for governance. Each is one transaction, takes the acting user, validates with
full_clean() and keeps history (simple-history rows, the meeting action log's update rows, and
numbered board packs that are never changed)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions import status as action_status
from actions.models import Action
from governance.dashboard import board_actions, default_as_at, meeting_dashboard
from governance.meetings import last_meeting_before
from governance.models import (
    CLOSED_STATUSES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BoardMember,
    BoardPack,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingActionUpdate,
    MeetingStatus,
    Minute,
    UpdateReminder,
)
from wsoa.models import Board, Concern, Organisation


def _save(instance, *, user, update_fields: list[str] | None = None):
    """full_clean, then save; simple-history records `user` as the author of the change."""
    instance.full_clean()
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    instance.save(update_fields=update_fields)
    return instance


# --- Boards and members ------------------------------------------------------------------


@transaction.atomic
def board_member_add(
    *,
    user,
    board: Board,
    name: str,
    initials: str,
    post: str = "",
    organisation: Organisation | None = None,
    member_user=None,
    is_chair: bool = False,
    is_active: bool = True,
    position: int | None = None,
) -> BoardMember:
    if is_chair:
        _step_down_chair(board=board, user=user)
    if position is None:
        position = (board.members.aggregate(p=Max("position"))["p"] or 0) + 1
    member = BoardMember(
        board=board,
        name=name.strip(),
        initials=initials.strip(),
        post=post.strip(),
        organisation=organisation,
        user=member_user,
        is_chair=is_chair,
        is_active=is_active,
        position=position,
    )
    return _save(member, user=user)


@transaction.atomic
def board_member_update(*, user, member: BoardMember, **changes) -> BoardMember:
    """Change a member; `member_user` is their user account (`user` is who acts)."""
    allowed = {"name", "initials", "post", "organisation", "member_user", "is_chair", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "member_user" in changes:
        changes["user"] = changes.pop("member_user")
    if changes.get("is_chair") and not member.is_chair:
        _step_down_chair(board=member.board, user=user)
    for name, value in changes.items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    return _save(member, user=user)


def _step_down_chair(*, board: Board, user) -> None:
    """A board has one chair: appointing a new one moves the old one to an ordinary seat."""
    for chair in board.members.filter(is_chair=True):
        chair.is_chair = False
        _save(chair, user=user, update_fields=["is_chair", "modified_at"])


# --- Meetings ----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    user,
    board: Board,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    location: str = "",
    is_virtual: bool = False,
    status: str = MeetingStatus.SCHEDULED,
    notes: str = "",
) -> Meeting:
    meeting = Meeting(
        board=board,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        is_virtual=is_virtual,
        status=status,
        notes=notes,
    )
    return _save(meeting, user=user)


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, **changes) -> Meeting:
    allowed = {"starts_at", "ends_at", "location", "is_virtual", "status", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(meeting, name, value)
    return _save(meeting, user=user)


@transaction.atomic
def meeting_record_attendance(
    *,
    user,
    meeting: Meeting,
    statuses: dict[int, str],
    guests: list[dict] | None = None,
) -> list[Attendance]:
    """Set each member's attendance ({member pk: status}; a blank status removes the entry)
    and replace the list of guests in attendance ({name, initials, organisation_name})."""
    members = {m.pk: m for m in meeting.board.members.all()}
    existing = {a.member_id: a for a in meeting.attendance.filter(member__isnull=False)}
    for member_pk, status in statuses.items():
        if member_pk not in members:
            raise ValidationError("That person is not a member of this board.")
        record = existing.get(member_pk)
        if not status:
            if record:
                record.delete()
            continue
        if record is None:
            record = Attendance(meeting=meeting, member=members[member_pk])
        record.status = status
        _save(record, user=user)
    if guests is not None:
        meeting.attendance.filter(member__isnull=True).delete()
        for guest in guests:
            _save(
                Attendance(
                    meeting=meeting,
                    name=guest["name"].strip(),
                    initials=guest.get("initials", "").strip(),
                    organisation_name=guest.get("organisation_name", "").strip(),
                    status=guest.get("status", AttendanceStatus.IN_ATTENDANCE),
                ),
                user=user,
            )
    return list(meeting.attendance.select_related("member"))


@transaction.atomic
def agenda_item_add(
    *, user, meeting: Meeting, title: str, number: int | None = None, presenter: str = ""
) -> AgendaItem:
    if number is None:
        number = (meeting.agenda_items.aggregate(n=Max("number"))["n"] or 0) + 1
    item = AgendaItem(meeting=meeting, number=number, title=title.strip(), presenter=presenter)
    return _save(item, user=user)


@transaction.atomic
def agenda_item_update(*, user, item: AgendaItem, **changes) -> AgendaItem:
    for name in set(changes) - {"number", "title", "presenter"}:
        raise TypeError(f"Unknown field: {name}")
    for name, value in changes.items():
        setattr(item, name, value)
    return _save(item, user=user)


def _check_concern_in_remit(board: Board, concern: Concern | None) -> None:
    if concern is not None and concern.plan.area_id != board.area_id:
        raise ValidationError({"concern": "That concern belongs to another local area's plan."})


@transaction.atomic
def minute_add(
    *, user, agenda_item: AgendaItem, text: str, concern: Concern | None = None
) -> Minute:
    _check_concern_in_remit(agenda_item.meeting.board, concern)
    position = (agenda_item.minutes.aggregate(p=Max("position"))["p"] or 0) + 1
    minute = Minute(agenda_item=agenda_item, text=text.strip(), concern=concern, position=position)
    return _save(minute, user=user)


@transaction.atomic
def minute_update(*, user, minute: Minute, text: str, concern: Concern | None) -> Minute:
    _check_concern_in_remit(minute.agenda_item.meeting.board, concern)
    minute.text = text.strip()
    minute.concern = concern
    return _save(minute, user=user)


# --- The meeting action log --------------------------------------------------------------


@transaction.atomic
def meeting_action_add(
    *,
    user,
    meeting: Meeting,
    description: str,
    owner: str,
    owner_member: BoardMember | None = None,
    due_date: datetime.date | None = None,
    plan_action: Action | None = None,
) -> MeetingAction:
    board = meeting.board
    if plan_action is not None and not board_actions(board).filter(pk=plan_action.pk).exists():
        raise ValidationError({"plan_action": "This board does not oversee that plan action."})
    # Lock the board's log so two people adding actions at once get different numbers.
    Board.objects.select_for_update().filter(pk=board.pk).first()
    number = (board.meeting_actions.aggregate(n=Max("number"))["n"] or 0) + 1
    item = _save(
        MeetingAction(
            board=board,
            number=number,
            raised_at=meeting,
            description=description.strip(),
            owner=owner.strip(),
            owner_member=owner_member,
            due_date=due_date,
            plan_action=plan_action,
        ),
        user=user,
    )
    MeetingActionUpdate.objects.create(
        meeting_action=item,
        meeting=meeting,
        to_status=item.status,
        to_due_date=due_date,
        note="Raised",
        changed_by=_user_or_none(user),
    )
    return item


@transaction.atomic
def meeting_action_update(
    *,
    user,
    item: MeetingAction,
    status: str,
    note: str = "",
    due_date: datetime.date | None = None,
    meeting: Meeting | None = None,
    on: datetime.date | None = None,
) -> MeetingAction:
    """Change a meeting action's status or due date, with a note; closing it records the day
    (and the meeting) it was closed. Every change leaves a history row."""
    on = on or (meeting.local_date if meeting else timezone.localdate())
    if meeting is not None and meeting.board_id != item.board_id:
        raise ValidationError("That meeting is of another board.")
    history = MeetingActionUpdate(
        meeting_action=item,
        meeting=meeting,
        from_status=item.status,
        to_status=status,
        from_due_date=item.due_date,
        to_due_date=due_date,
        note=note.strip(),
        changed_by=_user_or_none(user),
    )
    if status in CLOSED_STATUSES and item.status == MeetingActionStatus.OPEN:
        item.closed_on, item.closed_at = on, meeting
    elif status == MeetingActionStatus.OPEN:
        item.closed_on, item.closed_at = None, None
    item.status = status
    item.due_date = due_date
    if note.strip():
        item.latest_note = note.strip()
    _save(item, user=user)
    history.full_clean()
    history.save()
    return item


# --- The forward plan --------------------------------------------------------------------


@transaction.atomic
def forward_plan_item_add(
    *,
    user,
    board: Board,
    title: str,
    description: str = "",
    concern: Concern | None = None,
    raised_at: Meeting | None = None,
    planned_for: Meeting | None = None,
) -> ForwardPlanItem:
    _check_concern_in_remit(board, concern)
    for meeting in (raised_at, planned_for):
        if meeting is not None and meeting.board_id != board.pk:
            raise ValidationError("That meeting is of another board.")
    position = (board.forward_plan.aggregate(p=Max("position"))["p"] or 0) + 1
    item = ForwardPlanItem(
        board=board,
        title=title.strip(),
        description=description,
        concern=concern,
        raised_at=raised_at,
        planned_for=planned_for,
        position=position,
    )
    return _save(item, user=user)


@transaction.atomic
def forward_plan_item_update(*, user, item: ForwardPlanItem, **changes) -> ForwardPlanItem:
    allowed = {"title", "description", "concern", "planned_for", "status"}
    for name in set(changes) - allowed:
        raise TypeError(f"Unknown field: {name}")
    if "concern" in changes:
        _check_concern_in_remit(item.board, changes["concern"])
    planned_for = changes.get("planned_for")
    if planned_for is not None and planned_for.board_id != item.board_id:
        raise ValidationError("That meeting is of another board.")
    for name, value in changes.items():
        setattr(item, name, value)
    return _save(item, user=user)


# --- Board packs -------------------------------------------------------------------------


@transaction.atomic
def board_pack_issue(
    *,
    user,
    meeting: Meeting,
    as_at: datetime.date | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BoardPack:
    """Freeze the dashboard for a meeting as it is at this moment: the next version number;
    earlier versions are kept unchanged."""
    now = now or timezone.now()
    as_at = as_at or default_as_at(meeting, today=timezone.localtime(now).date())
    # Lock the meeting row so two issues at once cannot take the same version number.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    version = (meeting.packs.aggregate(v=Max("version"))["v"] or 0) + 1
    snapshot = meeting_dashboard(meeting, as_at=as_at, known_by=now, now=now)
    snapshot["pack"] = {
        "version": version,
        "issued_at": now.isoformat(),
        "issued_by": str(user) if user is not None else "",
        "note": note,
    }
    pack = BoardPack(
        meeting=meeting,
        version=version,
        issued_at=now,
        issued_by=_user_or_none(user),
        as_at=as_at,
        note=note,
        snapshot=snapshot,
    )
    pack.full_clean()
    pack.save()
    return pack


# --- Update reminders --------------------------------------------------------------------


@dataclass
class ReminderRun:
    emails_sent: int = 0
    reminders_recorded: int = 0
    meetings: list[Meeting] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


def update_reminders_send(
    *,
    user=None,
    lead_days: int,
    base_url: str,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> ReminderRun:
    """Before each meeting starting within `lead_days`, email the leads of every action the
    board oversees that has had no update since the board's last meeting: one email per
    person, listing their actions with links. A reminder already sent (same meeting, action,
    person) is never sent again; completed actions are left out.

    Not one transaction for the whole run, on purpose: each email is its own transaction
    (record the reminders, then send; a failed send rolls its records back), so an email that
    went out is always recorded and one that failed is tried again on the next run."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    run = ReminderRun()
    meetings = (
        Meeting.objects.upcoming(now=now)
        .filter(starts_at__lte=now + datetime.timedelta(days=lead_days), board__is_active=True)
        .select_related("board")
        .order_by("starts_at")
    )
    for meeting in meetings:
        run.meetings.append(meeting)
        previous = last_meeting_before(meeting.board, today)
        since = previous.local_date if previous else None
        due = _actions_needing_update(meeting.board, today=today, previous=previous)
        already = set(
            UpdateReminder.objects.filter(meeting=meeting).values_list(
                "action_id", "recipient_email"
            )
        )
        by_person: dict[str, dict] = defaultdict(lambda: {"name": "", "actions": []})
        for action in due:
            for email, name in _lead_contacts(action):
                if (action.pk, email) in already:
                    continue
                by_person[email]["name"] = by_person[email]["name"] or name
                by_person[email]["actions"].append(action)
        for email, entry in sorted(by_person.items()):
            if not dry_run:
                with transaction.atomic():
                    # The unique constraint stops a second, concurrent run here.
                    UpdateReminder.objects.bulk_create(
                        UpdateReminder(
                            meeting=meeting,
                            action=action,
                            recipient_email=email,
                            recipient_name=entry["name"],
                            sent_at=now,
                        )
                        for action in entry["actions"]
                    )
                    _send_reminder(
                        meeting=meeting,
                        email=email,
                        name=entry["name"],
                        actions=entry["actions"],
                        since=since,
                        base_url=base_url,
                    )
            run.emails_sent += 1
            run.reminders_recorded += len(entry["actions"])
            run.recipients.append(email)
    return run


def _actions_needing_update(board: Board, *, today: datetime.date, previous: Meeting | None):
    """The board's actions that are stale as at today (actions.status.is_stale): no update
    recorded since `previous` (the board's last meeting before today) began."""
    if previous is None:
        return []
    actions = (
        board_actions(board)
        .with_status(on=today, fields=["level_id", "kind"])
        .with_last_recorded()
        .select_related("plan", "plan__rating_scheme")
        .prefetch_related("leads", "leads__holder", "plan__rating_scheme__levels")
        .order_by("plan_id", "concern__number", "position", "pk")
    )
    result = []
    for action in actions:
        levels = {level.pk: level for level in action.plan.rating_scheme.levels.all()}
        action.current_level = levels.get(action.now_level_id)
        if action_status.is_stale(
            last_recorded_at=action.last_update_at,
            board_met_at=previous.starts_at,
            level=action.current_level,
            kind=action.now_kind,
        ):
            result.append(action)
    return result


def _lead_contacts(action: Action) -> list[tuple[str, str]]:
    """(email, name) for each lead post: its holder's account, else the post's own address."""
    contacts = []
    for post in action.leads.all():
        if post.holder_id and post.holder.email and post.holder.is_active:
            contacts.append((post.holder.email.lower(), str(post.holder)))
        elif post.email:
            contacts.append((post.email.lower(), post.holder_name or post.title))
    return list(dict.fromkeys(contacts))


def _send_reminder(*, meeting, email, name, actions, since, base_url) -> None:
    base = base_url.rstrip("/")
    context = {
        "meeting": meeting,
        "name": name,
        "since": since,
        "actions": [
            (
                action,
                base
                + reverse(
                    "action-detail", kwargs={"plan_pk": action.plan_id, "action_pk": action.pk}
                ),
            )
            for action in actions
        ],
        "service_name": settings.SERVICE_NAME,
    }
    subject = (
        f"Please update {len(actions)} action{'s' if len(actions) != 1 else ''} before the "
        f"{meeting.board} on {meeting.local_date:%-d %B %Y}"
    )
    send_mail(
        subject,
        render_to_string("governance/email/update_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None
