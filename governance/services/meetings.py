"""Meetings, attendance, agenda items and minutes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Minute,
)
from governance.services.common import _check_concern_in_remit, save_with_history
from wsoa.models import Board, Concern

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
    return save_with_history(meeting, user=user)


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, **changes) -> Meeting:
    allowed = {"starts_at", "ends_at", "location", "is_virtual", "status", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(meeting, name, value)
    return save_with_history(meeting, user=user)


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
        save_with_history(record, user=user)
    if guests is not None:
        meeting.attendance.filter(member__isnull=True).delete()
        for guest in guests:
            save_with_history(
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
    return save_with_history(item, user=user)


@transaction.atomic
def agenda_item_update(*, user, item: AgendaItem, **changes) -> AgendaItem:
    for name in set(changes) - {"number", "title", "presenter"}:
        raise TypeError(f"Unknown field: {name}")
    for name, value in changes.items():
        setattr(item, name, value)
    return save_with_history(item, user=user)


@transaction.atomic
def minute_add(
    *, user, agenda_item: AgendaItem, text: str, concern: Concern | None = None
) -> Minute:
    _check_concern_in_remit(agenda_item.meeting.board, concern)
    position = (agenda_item.minutes.aggregate(p=Max("position"))["p"] or 0) + 1
    minute = Minute(agenda_item=agenda_item, text=text.strip(), concern=concern, position=position)
    return save_with_history(minute, user=user)


@transaction.atomic
def minute_update(*, user, minute: Minute, text: str, concern: Concern | None) -> Minute:
    _check_concern_in_remit(minute.agenda_item.meeting.board, concern)
    minute.text = text.strip()
    minute.concern = concern
    return save_with_history(minute, user=user)
