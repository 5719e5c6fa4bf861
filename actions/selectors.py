"""Reads for the action screens: the plan page (concern → outcome → action → milestones) and
the action register.

Each page's reads take a fixed number of queries whatever the number of actions. The rules
(what "complete", "proposed", "overdue" mean) are in actions.status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from actions import status
from actions.models import Action, Milestone
from wsoa.models import Board, Concern, Outcome, Plan, Post, RatingLevel
from wsoa.selectors import attach_current_levels, levels_by_id


def document_order() -> tuple[str, ...]:
    return ("concern__number", "outcome__position", "position", "pk")


# --- The action register ---------------------------------------------------------------------


def register_actions(plan: Plan) -> QuerySet[Action]:
    """Every action of the plan, with its current rating, last update time, concern, outcome,
    leads and boards: what the register shows, in the plan's order."""
    return (
        Action.objects.for_plan(plan)
        .with_current_status()
        .with_last_recorded()
        .select_related("concern", "outcome")
        .prefetch_related(
            Prefetch("leads", queryset=Post.objects.order_by("title")),
            Prefetch("boards", queryset=Board.objects.order_by("name")),
        )
        .order_by(*document_order())
    )


def register_lead_posts(plan: Plan) -> QuerySet[Post]:
    """The posts that lead at least one action of the plan (the register's lead filter)."""
    return Post.objects.filter(actions_led__plan=plan).distinct().order_by("title")


def register_boards(plan: Plan) -> QuerySet[Board]:
    return Board.objects.for_area(plan.area).order_by("name")


def register_concerns(plan: Plan) -> QuerySet[Concern]:
    return plan.concerns.order_by("number")


# --- The plan page ---------------------------------------------------------------------------


@dataclass
class OutcomeNode:
    outcome: Outcome | None
    actions: list[Action] = field(default_factory=list)


@dataclass
class ConcernNode:
    concern: Concern
    outcomes: list[OutcomeNode] = field(default_factory=list)


def plan_tree(plan: Plan) -> tuple[list[ConcernNode], list[RatingLevel]]:
    """The plan as its document reads: concern → outcome → actions → milestones.

    Each action and milestone carries `current_level` (its latest status update's level).
    """
    levels = levels_by_id(plan)
    concerns = list(
        plan.concerns.select_related("sponsor")
        .prefetch_related("delivery_partners", "boards")
        .order_by("number")
    )
    outcomes = list(Outcome.objects.filter(concern__plan=plan).order_by("position", "pk"))
    actions = list(
        Action.objects.for_plan(plan)
        .with_current_status()
        .prefetch_related(
            "leads",
            "boards",
            Prefetch("milestones", queryset=Milestone.objects.with_current_status()),
        )
        .order_by("position", "pk")
    )
    attach_current_levels(actions, levels)
    for action in actions:
        attach_current_levels(action.milestones.all(), levels)

    actions_by_outcome: dict[int | None, list[Action]] = defaultdict(list)
    loose_actions_by_concern: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        if action.outcome_id:
            actions_by_outcome[action.outcome_id].append(action)
        else:
            loose_actions_by_concern[action.concern_id].append(action)

    outcomes_by_concern: dict[int, list[OutcomeNode]] = defaultdict(list)
    for outcome in outcomes:
        outcomes_by_concern[outcome.concern_id].append(
            OutcomeNode(outcome=outcome, actions=actions_by_outcome[outcome.pk])
        )

    tree = []
    for concern in concerns:
        nodes = outcomes_by_concern[concern.pk]
        if loose_actions_by_concern[concern.pk]:
            nodes.append(OutcomeNode(outcome=None, actions=loose_actions_by_concern[concern.pk]))
        tree.append(ConcernNode(concern=concern, outcomes=nodes))
    return tree, list(levels.values())


def rating_counts(actions: list[Action], levels: list[RatingLevel]) -> list[tuple]:
    """[(level, count)] in scheme order, then (PROPOSED_COLUMN, count), then (None, count) for
    not yet rated: for a plan's summary. A proposal counts as proposed, never as complete."""
    counts: dict[int | str | None, int] = defaultdict(int)
    for action in actions:
        counts[status.summary_column(action.current_level, action.current_kind)] += 1
    rows = [(level, counts[level.pk]) for level in levels]
    rows.append((status.PROPOSED_COLUMN, counts[status.PROPOSED]))
    rows.append((None, counts[None]))
    return rows
