"""Rows of a plan, shared by loading it (`formats.plans.load`, `formats.plans.load_update`)
and exporting it (`formats.plans.export`): changing a saved row in place, and reading an
action's links and milestones for a whole plan in one query each."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from actions.models import Milestone
from wsoa.models import Plan

if TYPE_CHECKING:
    from formats.plans.load import LoadReport


def set_fields(instance, values: dict, report: LoadReport, what: str) -> bool:
    """Set the `values` that differ, and save those fields (cleaned) if any did."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.full_clean()
        stamp = ["modified_at"] if hasattr(instance, "modified_at") else []
        instance.save(update_fields=[*changed, *stamp])
        report.updated[what] += 1
    return bool(changed)


def create_or_change(found, model, keys: dict, values: dict, report: LoadReport, what: str):
    """The row `found`, with `values` set (and saved if any differ); or, if None, a new row of
    `model` made of `keys` and `values`, saved."""
    if found is None:
        found = model(**keys, **values)
        found.save()
        report.created[what] += 1
    else:
        set_fields(found, values, report, what)
    return found


def read_links(plan: Plan, through, column: str) -> dict[int, list[int]]:
    """Action id → the ids `column` of its rows in the many-to-many table `through` (an
    action's leads or boards). Through rows in insertion order keep leads and boards in the
    order the file gave them."""
    links: dict[int, list[int]] = defaultdict(list)
    for action_id, target in (
        through.objects.filter(action__plan=plan).order_by("pk").values_list("action_id", column)
    ):
        links[action_id].append(target)
    return links


def read_milestones(plan: Plan) -> dict[int, list[Milestone]]:
    """Action id → its milestones, in their order."""
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(action__plan=plan).order_by("position", "pk"):
        milestones[milestone.action_id].append(milestone)
    return milestones
