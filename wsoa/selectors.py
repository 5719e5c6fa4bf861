"""Reads of the plan structure shared by every screen that shows ratings."""

from __future__ import annotations

from wsoa.models import Plan, RatingLevel


def levels_by_id(plan: Plan) -> dict[int, RatingLevel]:
    return {level.pk: level for level in plan.rating_scheme.levels.all()}


def attach_current_levels(rows, levels: dict[int, RatingLevel]) -> None:
    """Turn the `current_level_id` annotation into a `current_level` object (None = unrated)."""
    for row in rows:
        row.current_level = levels.get(row.current_level_id)
