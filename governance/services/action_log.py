"""The meeting action log and the forward plan."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actions.models import Action
from governance.dashboard import board_actions
from governance.models import (
    CLOSED_STATUSES,
    BoardMember,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingActionUpdate,
)
from governance.services.common import _check_concern_in_remit, _user_or_none, save_with_history
from wsoa.models import Board, Concern

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
    item = save_with_history(
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
    save_with_history(item, user=user)
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
    return save_with_history(item, user=user)


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
    return save_with_history(item, user=user)
