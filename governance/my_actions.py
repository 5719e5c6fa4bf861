"""My actions: an action lead's work, with what needs attention first.

Lives in governance because "no update since the board met" needs the boards' meetings; the
rules themselves are actions.status (overdue, stale) and governance.meetings (which meeting
is the board's last).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import dateformat, timezone

from actions import status
from actions.models import Action, Milestone
from actions.selectors import attach_shown_ratings, document_order, with_rating_shown
from governance.meetings import with_board_last_met
from wsoa.models import Board, Concern, Plan, Post, RatingLevel

MILESTONE_HORIZON_DAYS = 30


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
    meeting_id: int | None = None
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


def _open_milestones(action: Action) -> list[Milestone]:
    """Milestones not yet completed: the `open_milestones` prefetch if the caller made it,
    else the (prefetched) `milestones`."""
    milestones = getattr(action, "open_milestones", None)
    if milestones is None:
        milestones = action.milestones.all()
    return [m for m in milestones if m.completed_on is None]


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _attention_for(action: Action, *, today: datetime.date) -> ActionAttention:
    attention = ActionAttention(action=action)
    level = getattr(action, "current_level", None)
    kind = getattr(action, "current_kind", None)
    if status.is_closed(level, kind):
        # Done, or waiting for sign-off: nothing more the lead needs to do.
        return attention

    if action.is_overdue(today=today):
        attention.reasons.append(
            AttentionReason(
                AttentionKind.OVERDUE, f"Overdue by {_days((today - action.due_date).days)}"
            )
        )

    met_at = getattr(action, "board_met_at", None)
    if status.is_stale(
        last_recorded_at=getattr(action, "last_update_at", None),
        board_met_at=met_at,
        level=level,
        kind=kind,
    ):
        met_on = dateformat.format(timezone.localtime(met_at), "j F Y")
        attention.reasons.append(
            AttentionReason(
                AttentionKind.NO_UPDATE_SINCE_MEETING,
                f"No update since the board met on {met_on}",
                meeting_id=action.board_met_id,
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


def needs_attention(actions, *, today: datetime.date) -> list[ActionAttention]:
    """Each action with the reasons it needs attention, most urgent first: overdue, then no
    update since a board overseeing it last met, then a milestone due in the next 30 days,
    then the rest (each tier by due date, then in the order given).

    The actions must come from `actions_led_by(user, today=today)` (or carry the same
    annotations: `current_*` with `current_level`, `last_update_at`, `board_met_at`/`_id`,
    prefetched `open_milestones`); this reads nothing more.
    """
    attentions = [_attention_for(action, today=today) for action in actions]
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


def actions_led_by(user, *, today: datetime.date | None = None) -> QuerySet[Action]:
    """The actions whose lead post the user holds, in the plans the user may see, with what My
    actions shows: plan, concern, outcome, boards, open milestones, current status, when
    anything was last recorded and when a board overseeing it last met before `today`."""
    led = Action.leads.through.objects.filter(post__holder=user).values("action_id")
    visible_plans = Plan.objects.visible_to(user).values("pk")
    actions = with_rating_shown(
        Action.objects.filter(pk__in=led, plan__in=visible_plans).with_current_status()
    ).with_last_recorded()
    return (
        with_board_last_met(actions, day=today or timezone.localdate())
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
        .order_by("plan__area__name", "plan__title", "plan__pk", *document_order())
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


def my_actions(user, *, today: datetime.date | None = None) -> MyActions:
    """My actions, grouped by plan and concern (in the plans' order), each group's actions most
    urgent first."""
    today = today or timezone.localdate()
    actions = list(actions_led_by(user, today=today))
    levels: list[RatingLevel] = []
    if actions:
        scheme_ids = {action.plan.rating_scheme_id for action in actions}
        levels = list(RatingLevel.objects.filter(scheme_id__in=scheme_ids).order_by("rank"))
        # The rating shown: the action's own, else derived from its milestones.
        attach_shown_ratings(actions, {level.pk: level for level in levels})

    attentions = needs_attention(actions, today=today)

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
