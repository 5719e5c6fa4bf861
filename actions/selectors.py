"""Reads for the action lists: a plan's action register, and My actions with what needs
attention first.

Each page's reads take a fixed number of queries whatever the number of actions. The
attention rules (`needs_attention`, `last_meeting_before`) are plain functions over loaded
actions so that the board dashboard can reuse them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import dateformat, timezone

from actions.models import Action, Milestone, StatusUpdate
from governance.models import Meeting
from wsoa.models import Board, Concern, Plan, Post, RatingLevel
from wsoa.selectors import attach_current_levels

MILESTONE_HORIZON_DAYS = 30


def _last_update_at() -> Subquery:
    """When anything was last recorded on the action: the newest `recorded_at` of its updates.

    Not the recording time of the current rating: a back-dated correction recorded today is
    still an update today.
    """
    newest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return Subquery(newest.values("recorded_at")[:1])


def _document_order() -> tuple[str, ...]:
    return ("concern__number", "outcome__position", "position", "pk")


# --- The action register ---------------------------------------------------------------------


def register_actions(plan: Plan) -> QuerySet[Action]:
    """Every action of the plan, with its current rating, last update time, concern, outcome,
    leads and boards: what the register shows, in the plan's order."""
    return (
        Action.objects.for_plan(plan)
        .with_current_status()
        .annotate(last_update_at=_last_update_at())
        .select_related("concern", "outcome")
        .prefetch_related(
            Prefetch("leads", queryset=Post.objects.order_by("title")),
            Prefetch("boards", queryset=Board.objects.order_by("name")),
        )
        .order_by(*_document_order())
    )


def register_lead_posts(plan: Plan) -> QuerySet[Post]:
    """The posts that lead at least one action of the plan (the register's lead filter)."""
    return Post.objects.filter(actions_led__plan=plan).distinct().order_by("title")


def register_boards(plan: Plan) -> QuerySet[Board]:
    return Board.objects.for_area(plan.area).order_by("name")


def register_concerns(plan: Plan) -> QuerySet[Concern]:
    return plan.concerns.order_by("number")


# --- Attention: what an action lead should look at first -------------------------------------


class AttentionKind:
    OVERDUE = "overdue"
    NO_UPDATE_SINCE_MEETING = "no_update_since_meeting"
    MILESTONE_DUE_SOON = "milestone_due_soon"

    # Most urgent first: the order My actions sorts by.
    ORDER = (OVERDUE, NO_UPDATE_SINCE_MEETING, MILESTONE_DUE_SOON)
    LABELS = {
        OVERDUE: "Overdue",
        NO_UPDATE_SINCE_MEETING: "No update since the board met",
        MILESTONE_DUE_SOON: f"Milestone due in the next {MILESTONE_HORIZON_DAYS} days",
    }


@dataclass(frozen=True)
class AttentionReason:
    kind: str
    text: str
    meeting: Meeting | None = None
    milestone: Milestone | None = None

    @property
    def rank(self) -> int:
        return AttentionKind.ORDER.index(self.kind)


@dataclass
class ActionAttention:
    """An action and the reasons, most urgent first, it needs its lead's attention."""

    action: Action
    reasons: list[AttentionReason] = field(default_factory=list)

    @property
    def rank(self) -> int:
        """0 for overdue, 1 for no update since the board met, 2 for a milestone due soon,
        3 when nothing needs attention."""
        return min((reason.rank for reason in self.reasons), default=len(AttentionKind.ORDER))

    @property
    def has_reasons(self) -> bool:
        return bool(self.reasons)


def latest_meetings_by_board(board_ids, *, before: datetime.datetime) -> dict[int, Meeting]:
    """{board id: its latest meeting that started before `before` and was not cancelled},
    in one query."""
    board_ids = list(board_ids)
    if not board_ids:
        return {}
    latest_pk = (
        Meeting.objects.not_cancelled()
        .filter(board=OuterRef("board"), starts_at__lt=before)
        .order_by("-starts_at", "-pk")
        .values("pk")[:1]
    )
    meetings = Meeting.objects.filter(board_id__in=board_ids, pk=Subquery(latest_pk))
    return {meeting.board_id: meeting for meeting in meetings}


def last_meeting_before(
    boards, moment: datetime.datetime, *, meetings_by_board: dict[int, Meeting] | None = None
) -> Meeting | None:
    """The latest meeting, among these boards, that started before `moment` and was not
    cancelled (None if none).

    Pass `meetings_by_board` (from `latest_meetings_by_board`) when asking for many actions, so
    that the meetings are read once; without it this reads them (one query).
    """
    boards = list(boards)
    if meetings_by_board is None:
        meetings_by_board = latest_meetings_by_board([b.pk for b in boards], before=moment)
    candidates = []
    for board in boards:
        meeting = meetings_by_board.get(board.pk)
        if meeting is not None and meeting.starts_at < moment:
            meeting.board = board  # already loaded: spares a query when the board is shown
            candidates.append(meeting)
    return max(candidates, key=lambda m: m.starts_at, default=None)


def _open_milestones(action: Action) -> list[Milestone]:
    """Milestones not yet completed: the `open_milestones` prefetch if the caller made it,
    else the (prefetched) `milestones`."""
    milestones = getattr(action, "open_milestones", None)
    if milestones is None:
        milestones = action.milestones.all()
    return [m for m in milestones if m.completed_on is None]


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _attention_for(
    action: Action,
    *,
    today: datetime.date,
    now: datetime.datetime,
    meetings_by_board: dict[int, Meeting],
) -> ActionAttention:
    attention = ActionAttention(action=action)
    level = getattr(action, "current_level", None)
    if level is not None and level.is_complete:
        # Done, or waiting for sign-off: nothing more the lead needs to do.
        return attention

    if action.is_overdue(today=today):
        attention.reasons.append(
            AttentionReason(
                AttentionKind.OVERDUE, f"Overdue by {_days((today - action.due_date).days)}"
            )
        )

    meeting = last_meeting_before(action.boards.all(), now, meetings_by_board=meetings_by_board)
    last_update_at = getattr(action, "last_update_at", None)
    if meeting is not None and (last_update_at is None or last_update_at < meeting.starts_at):
        met_on = dateformat.format(timezone.localtime(meeting.starts_at), "j F Y")
        attention.reasons.append(
            AttentionReason(
                AttentionKind.NO_UPDATE_SINCE_MEETING,
                f"No update since the board met on {met_on}",
                meeting=meeting,
            )
        )

    horizon = today + datetime.timedelta(days=MILESTONE_HORIZON_DAYS)
    due_soon = sorted(
        (m for m in _open_milestones(action) if m.due_date and today <= m.due_date <= horizon),
        key=lambda m: (m.due_date, m.position, m.pk),
    )
    if due_soon:
        first = due_soon[0]
        text = f"Milestone due {dateformat.format(first.due_date, 'j M Y')}"
        if len(due_soon) > 1:
            text += f" and {len(due_soon) - 1} more in the next {MILESTONE_HORIZON_DAYS} days"
        attention.reasons.append(
            AttentionReason(AttentionKind.MILESTONE_DUE_SOON, text, milestone=first)
        )
    return attention


def needs_attention(
    actions,
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[ActionAttention]:
    """Each action with the reasons it needs attention, most urgent first: overdue, then no
    update since one of its boards last met, then a milestone due in the next 30 days, then the
    rest (each tier by due date, then in the order given).

    The actions must carry `current_level` (see `attach_current_levels`), `last_update_at`
    (the newest `recorded_at` of their updates) and prefetched `boards` and `milestones` (or
    `open_milestones`); then this reads only the boards' latest meetings, in one query.

    "The board last met" is the latest meeting that started before `now`. Given only `today`,
    meetings held on or before that day count.
    """
    if now is None:
        if today is None:
            now = timezone.now()
        else:
            next_day = datetime.datetime.combine(
                today + datetime.timedelta(days=1), datetime.time()
            )
            now = timezone.make_aware(next_day)
    if today is None:
        today = timezone.localdate(now)
    actions = list(actions)
    board_ids = {board.pk for action in actions for board in action.boards.all()}
    meetings_by_board = latest_meetings_by_board(board_ids, before=now)
    attentions = [
        _attention_for(action, today=today, now=now, meetings_by_board=meetings_by_board)
        for action in actions
    ]
    order = {id(attention): index for index, attention in enumerate(attentions)}
    return sorted(
        attentions,
        key=lambda a: (
            a.rank,
            a.action.due_date is None,
            a.action.due_date or datetime.date.min,
            order[id(a)],
        ),
    )


# --- My actions ------------------------------------------------------------------------------


def actions_led_by(user) -> QuerySet[Action]:
    """The actions whose lead post the user holds, in the plans the user may see, with what My
    actions shows: plan, concern, outcome, boards, open milestones, current status."""
    led = Action.leads.through.objects.filter(post__holder=user).values("action_id")
    visible_plans = Plan.objects.visible_to(user).values("pk")
    return (
        Action.objects.filter(pk__in=led, plan__in=visible_plans)
        .with_current_status()
        .annotate(last_update_at=_last_update_at())
        .select_related("plan__area", "concern", "outcome")
        .prefetch_related(
            Prefetch("boards", queryset=Board.objects.order_by("name")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(completed_on__isnull=True).order_by(
                    "due_date", "position", "pk"
                ),
                to_attr="open_milestones",
            ),
        )
        .order_by("plan__area__name", "plan__title", "plan__pk", *_document_order())
    )


@dataclass
class ConcernGroup:
    concern: Concern
    items: list[ActionAttention] = field(default_factory=list)


@dataclass
class PlanGroup:
    plan: Plan
    concerns: list[ConcernGroup] = field(default_factory=list)


@dataclass
class MyActions:
    groups: list[PlanGroup]
    levels: list[RatingLevel]
    counts: list[tuple[str, int]]  # (label, number of actions) per attention kind
    action_count: int
    holds_a_post: bool


def my_actions(user, *, now: datetime.datetime | None = None) -> MyActions:
    """My actions, grouped by plan and concern (in the plans' order), each group's actions most
    urgent first."""
    now = now or timezone.now()
    actions = list(actions_led_by(user))
    levels: list[RatingLevel] = []
    if actions:
        scheme_ids = {action.plan.rating_scheme_id for action in actions}
        levels = list(RatingLevel.objects.filter(scheme_id__in=scheme_ids).order_by("rank"))
        attach_current_levels(actions, {level.pk: level for level in levels})

    attentions = needs_attention(actions, now=now)

    # Groups in the plans' own order; within a group, the attention order.
    groups: dict[int, PlanGroup] = {}
    concern_groups: dict[int, ConcernGroup] = {}
    for action in actions:
        if action.plan_id not in groups:
            groups[action.plan_id] = PlanGroup(plan=action.plan)
        if action.concern_id not in concern_groups:
            concern_groups[action.concern_id] = ConcernGroup(concern=action.concern)
            groups[action.plan_id].concerns.append(concern_groups[action.concern_id])
    counts: dict[str, int] = defaultdict(int)
    for attention in attentions:
        concern_groups[attention.action.concern_id].items.append(attention)
        for kind in {reason.kind for reason in attention.reasons}:
            counts[kind] += 1

    holds_a_post = bool(actions) or Post.objects.filter(holder=user).exists()
    return MyActions(
        groups=list(groups.values()),
        levels=levels,
        counts=[(AttentionKind.LABELS[kind], counts[kind]) for kind in AttentionKind.ORDER],
        action_count=len(actions),
        holds_a_post=holds_a_post,
    )
