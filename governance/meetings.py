"""Which meeting is "the board's last meeting" as at a day: the one definition.

The board's last meeting before day D is its latest meeting that was not cancelled and
started before D began. It is the meeting a dashboard or pack "as at D" compares with, and
the meeting "no update since the board last met" (actions.status.is_stale) counts from, on
My actions, the dashboard, the pack and the reminder emails alike.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from actions.models import boards_overseeing
from actions.status import start_of_day
from governance.models import Meeting
from wsoa.models import Board


def meetings_before(day: datetime.date) -> QuerySet[Meeting]:
    """Meetings that went ahead (not cancelled) and started before `day` began, latest first."""
    return (
        Meeting.objects.not_cancelled()
        .filter(starts_at__lt=start_of_day(day))
        .order_by("-starts_at", "-pk")
    )


def last_meeting_before(board: Board, day: datetime.date) -> Meeting | None:
    meeting = meetings_before(day).filter(board=board).first()
    if meeting is not None:
        meeting.board = board
    return meeting


def with_board_last_met(actions: QuerySet, *, day: datetime.date) -> QuerySet:
    """Annotate `board_met_at` and `board_met_id`: the latest last-meeting-before-`day` among
    the boards that oversee each action (remit or named; see `ActionQuerySet.overseen_by`),
    as subqueries, so a list of actions costs no extra query."""
    # Nested one level deeper than the meetings: the references reach out twice, to the action.
    boards = boards_overseeing(OuterRef(OuterRef("pk")), OuterRef(OuterRef("concern_id")))
    latest = meetings_before(day).filter(board__in=boards.values("pk"))
    return actions.annotate(
        board_met_at=Subquery(latest.values("starts_at")[:1]),
        board_met_id=Subquery(latest.values("pk")[:1]),
    )
