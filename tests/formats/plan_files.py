"""Helpers for the plan file tests: the fixtures, the small example of the format guide, and a
snapshot of every table's row count (to show that a refused file changed nothing)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings

from actions.models import Action, Milestone, StatusUpdate
from wsoa.models import Concern, Outcome, Plan

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
KINGSTON = FIXTURES / "kingston-2019-wsoa.yaml"
EXAMPLESHIRE = FIXTURES / "exampleshire-2023-app.yaml"
NORTHBRIDGE = FIXTURES / "northbridge-2020-wsoa.yaml"
FORMAT_GUIDE = Path(settings.BASE_DIR) / "docs" / "plan-format.md"

# What each fixture holds: concerns, outcomes, actions, milestones, status updates.
EXPECTED_COUNTS = {
    KINGSTON: {"concerns": 4, "outcomes": 11, "actions": 55, "milestones": 22, "updates": 29},
    EXAMPLESHIRE: {"concerns": 3, "outcomes": 6, "actions": 12, "milestones": 26, "updates": 41},
    NORTHBRIDGE: {"concerns": 2, "outcomes": 2, "actions": 3, "milestones": 3, "updates": 4},
}


def row_counts() -> dict[str, int]:
    """The number of rows of every model, by its label."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def plan_counts(plan: Plan) -> dict[str, int]:
    return {
        "concerns": Concern.objects.filter(plan=plan).count(),
        "outcomes": Outcome.objects.filter(concern__plan=plan).count(),
        "actions": Action.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.filter(action__plan=plan).count(),
        "updates": StatusUpdate.objects.filter(action__plan=plan).count()
        + StatusUpdate.objects.filter(milestone__action__plan=plan).count(),
    }


def small_document() -> dict:
    """The complete small example of docs/plan-format.md, as data (a fresh copy each time)."""
    text = FORMAT_GUIDE.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "docs/plan-format.md has no ```yaml example"
    return copy.deepcopy(yaml.safe_load(block.group(1)))


def to_yaml(document: dict) -> bytes:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The line number (from 1) of the nth line of text containing fragment."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]
