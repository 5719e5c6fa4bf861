"""The RAG summary of a board's actions: concerns × the plan's levels, as the rows of
`governance.snapshot.PlanSummary` (the dashboard hands them to `build_snapshot`).

Which column an action counts in is actions.status.summary_column of the rating shown (a
completion proposed has its own column, never the complete level's; an action with no rating
of its own counts at the rating derived from its milestones, and each cell and plan says how
many of its actions are so counted).
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from actions import status
from wsoa.models import RatingLevel


def rag_summary(actions: list[SimpleNamespace], levels: dict[int, RatingLevel]) -> list[dict]:
    """Per plan: concerns × the plan's levels, then completions proposed, then not yet rated,
    with totals. A proposal counts as proposed, never at the complete level."""
    by_plan: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for action in actions:
        by_plan[action.plan_id].append(action)
    summaries = []
    for plan_id, plan_actions in by_plan.items():
        first = plan_actions[0]
        plan_levels = [lv for lv in levels.values() if lv.scheme_id == first.plan_scheme_id]
        columns = [lv.pk for lv in sorted(plan_levels, key=lambda lv: lv.rank)]
        columns += [status.PROPOSED, None]
        rows: dict[int, dict] = {}
        for action in plan_actions:
            row = rows.setdefault(
                action.concern_id,
                {
                    "concern_pk": action.concern_id,
                    "number": action.concern_number,
                    "title": action.concern_title,
                    "counts": defaultdict(int),
                    "derived": defaultdict(int),
                },
            )
            column = status.summary_column(action.level, action.now_kind)
            row["counts"][column] += 1
            if getattr(action, "is_derived", False):
                row["derived"][column] += 1
        table = []
        column_totals: dict[int | str | None, int] = defaultdict(int)
        derived_totals: dict[int | str | None, int] = defaultdict(int)
        for row in rows.values():
            cells = [
                {"level": col, "count": row["counts"][col], "derived": row["derived"][col]}
                for col in columns
            ]
            for cell in cells:
                column_totals[cell["level"]] += cell["count"]
                derived_totals[cell["level"]] += cell["derived"]
            table.append(
                {
                    "concern_pk": row["concern_pk"],
                    "number": row["number"],
                    "title": row["title"],
                    "cells": cells,
                    "total": sum(c["count"] for c in cells),
                }
            )
        summaries.append(
            {
                "pk": plan_id,
                "title": first.plan_title,
                "concern_label": first.plan_concern_label,
                "columns": columns,
                "rows": table,
                "totals": [
                    {"level": col, "count": column_totals[col], "derived": derived_totals[col]}
                    for col in columns
                ],
                "total": len(plan_actions),
                "derived": sum(1 for a in plan_actions if getattr(a, "is_derived", False)),
            }
        )
    return summaries
