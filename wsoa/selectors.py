"""Reads for the plan screens: each returns everything its page needs in a fixed number of
queries, whatever the number of concerns, actions or milestones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from actions.models import Action, Milestone
from wsoa.models import Concern, Outcome, Plan, RatingLevel


def levels_by_id(plan: Plan) -> dict[int, RatingLevel]:
    return {level.pk: level for level in plan.rating_scheme.levels.all()}


def attach_current_levels(rows, levels: dict[int, RatingLevel]) -> None:
    """Turn the `current_level_id` annotation into a `current_level` object (None = unrated)."""
    for row in rows:
        row.current_level = levels.get(row.current_level_id)


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
    """[(level or None, count)] in scheme order, unrated last: for a plan's summary line."""
    counts: dict[int | None, int] = defaultdict(int)
    for action in actions:
        counts[action.current_level_id] += 1
    rows = [(level, counts[level.pk]) for level in levels]
    rows.append((None, counts[None]))
    return rows
