"""Reads for the action screens: the plan page (concern → outcome → action → milestones) and
the action register.

Each page's reads take a fixed number of queries whatever the number of actions. The rules
(what "complete", "proposed", "overdue" mean) are in actions.status.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from actions import status
from actions.models import Action, Milestone, StatusUpdate
from wsoa.models import Board, Concern, DeliveryPartner, Outcome, Plan, Post, RatingLevel
from wsoa.selectors import attach_current_levels, levels_by_id


def document_order() -> tuple[str, ...]:
    return ("concern__number", "outcome__position", "position", "pk")


# --- The rating shown: an action's own, or derived from its milestones ----------------------


def with_rating_shown(
    queryset: QuerySet[Action],
    *,
    on: datetime.date | None = None,
    known_by: datetime.datetime | None = None,
    prefix: str = "current",
) -> QuerySet[Action]:
    """Annotate `<prefix>_derived_level_id` and `<prefix>_shown_level_id` on actions that
    already carry `<prefix>_level_id` (from `with_status`/`with_current_status`, as at the
    same `on` and `known_by`).

    The derived level is `actions.status.derived_from_milestones` written as SQL (the rule is
    there, in words; tests hold the two to the same cases), and NULL for an action with a
    rating of its own. The shown level is the own level, else the derived one. Subqueries
    only: no query is added, whatever the number of actions or milestones.
    """
    own_rated = Exists(
        StatusUpdate.objects.filter(action=OuterRef("pk"), level__isnull=False).as_at(
            on=on, known_by=known_by
        )
    )
    milestone_rating = StatusUpdate.objects.filter(milestone=OuterRef("pk")).as_at(
        on=on, known_by=known_by
    )
    completed = Q(completed_on__isnull=False) if on is None else Q(completed_on__lte=on)
    milestones = Milestone.objects.filter(action=OuterRef("pk"))
    open_milestones = (
        milestones.exclude(completed)
        .annotate(
            rated_level_id=Subquery(milestone_rating.values("level_id")[:1]),
            rated_rank=Subquery(milestone_rating.values("level__rank")[:1]),
            rated_complete=Coalesce(
                Subquery(milestone_rating.values("level__is_complete")[:1]),
                Value(False),
                output_field=BooleanField(),
            ),
        )
        .filter(rated_complete=False)
    )
    worst_open = open_milestones.filter(rated_level_id__isnull=False).order_by("rated_rank", "pk")
    complete_level = RatingLevel.objects.filter(
        scheme_id=OuterRef("plan__rating_scheme_id"), is_complete=True
    )
    derived = Case(
        When(own_rated, then=Value(None)),
        When(~Exists(milestones), then=Value(None)),
        When(~Exists(open_milestones), then=Subquery(complete_level.values("pk")[:1])),
        default=Subquery(worst_open.values("rated_level_id")[:1]),
        output_field=IntegerField(),
    )
    return queryset.annotate(**{f"{prefix}_derived_level_id": derived}).annotate(
        **{
            f"{prefix}_shown_level_id": Coalesce(
                F(f"{prefix}_level_id"),
                F(f"{prefix}_derived_level_id"),
                output_field=IntegerField(),
            )
        }
    )


def attach_shown_ratings(actions, levels: dict[int, RatingLevel]) -> None:
    """Turn `with_rating_shown()`'s annotations into what every page reads: `current_level`
    and `current_kind` are the rating shown (so "complete", "overdue" and "stale" follow
    it), `own_level` the action's own, and `is_rating_derived` says it came from milestones."""
    for action in actions:
        own = levels.get(action.current_level_id)
        derived = levels.get(getattr(action, "current_derived_level_id", None))
        action.own_level = own
        level, kind, is_derived = status.rating_shown(
            own, action.current_kind, has_own_rating=own is not None, derived_level=derived
        )
        action.current_level, action.current_kind = level, kind
        action.is_rating_derived = is_derived
        action.rating_text = status.rating_text(level, is_derived=is_derived)


# --- The action register ---------------------------------------------------------------------


def register_actions(plan: Plan) -> QuerySet[Action]:
    """Every action of the plan, with its current rating, last update time, concern, outcome,
    leads and boards: what the register shows, in the plan's order."""
    return (
        with_rating_shown(Action.objects.for_plan(plan).with_current_status())
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


def _in_through_order(through, owner: str, target: str, **filters) -> dict[int, list]:
    """Owner id → its targets (posts, boards) in the order their rows were added: one query."""
    targets: dict[int, list] = defaultdict(list)
    for row in through.objects.filter(**filters).select_related(target).order_by("pk"):
        targets[getattr(row, f"{owner}_id")].append(getattr(row, target))
    return targets


def plan_tree(plan: Plan) -> tuple[list[ConcernNode], list[RatingLevel]]:
    """The plan as its document reads: concern → outcome → actions → milestones.

    Each action and milestone carries `current_level` (its latest status update's level; for
    an action never rated, the rating derived from its milestones: `attach_shown_ratings`).
    """
    levels = levels_by_id(plan)
    # Lists keep the plan's order: a concern's `partners` by position; its
    # `sponsors_in_order` and an action's `leads_in_order` and `boards_in_order` by their
    # through rows' pk (insertion order, the file's order; formats.plans.export does the same).
    partners = DeliveryPartner.objects.select_related("organisation").order_by("position", "pk")
    concerns = list(
        plan.concerns.prefetch_related(Prefetch("partners", queryset=partners), "boards").order_by(
            "number"
        )
    )
    sponsors = _in_through_order(Concern.sponsors.through, "concern", "post", concern__plan=plan)
    for concern in concerns:
        concern.sponsors_in_order = sponsors[concern.pk]
    outcomes = list(Outcome.objects.filter(concern__plan=plan).order_by("position", "pk"))
    actions = list(
        with_rating_shown(Action.objects.for_plan(plan).with_current_status())
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.with_current_status()),
        )
        .order_by("position", "pk")
    )
    leads = _in_through_order(Action.leads.through, "action", "post", action__plan=plan)
    boards = _in_through_order(Action.boards.through, "action", "board", action__plan=plan)
    for action in actions:
        action.leads_in_order = leads[action.pk]
        action.boards_in_order = boards[action.pk]
    attach_shown_ratings(actions, levels)
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
