"""Exporting a plan (`manage.py export_plan`): the documented format, loadable again, and
identical after a round trip load → export → load → export."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, StatusUpdate
from formats.plans.export import plan_export, plan_export_text
from formats.plans.services import plan_load
from formats.plans.validate import validate_plan_document
from formats.reader import parse_plan_file
from tests.actions.factories import ActionFactory, StatusUpdateFactory
from tests.formats.plan_files import (
    EXAMPLESHIRE,
    EXPECTED_COUNTS,
    KINGSTON,
    NORTHBRIDGE,
    plan_counts,
    small_document,
    to_yaml,
)
from tests.wsoa.factories import LocalAreaFactory, PlanFactory, UserFactory
from wsoa.models import LocalArea, Plan

pytestmark = pytest.mark.django_db

FIXTURE_IDS = ["kingston", "exampleshire", "northbridge"]


def load(raw: bytes) -> Plan:
    result = plan_load(user=None, raw=raw)
    return result.report.plan


def forget_area(plan: Plan) -> None:
    """Delete the plan and its whole area, as if the next load were into a fresh database."""
    area = plan.area
    plan.delete()
    area.delete()


def document_counts(document: dict) -> dict[str, int]:
    outcomes = [o for c in document["concerns"] for o in c["outcomes"]]
    actions = [a for o in outcomes for a in o["actions"]]
    milestones = [m for a in actions for m in a.get("milestones", [])]
    progress = [p for item in actions + milestones for p in item.get("progress", [])]
    return {
        "concerns": len(document["concerns"]),
        "outcomes": len(outcomes),
        "actions": len(actions),
        "milestones": len(milestones),
        "updates": len(progress),
    }


def action_refs(document: dict) -> list[str]:
    return [
        action["ref"]
        for concern in document["concerns"]
        for outcome in concern["outcomes"]
        for action in outcome["actions"]
    ]


@pytest.mark.parametrize("path", [KINGSTON, EXAMPLESHIRE, NORTHBRIDGE], ids=FIXTURE_IDS)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_load_export_load_export_gives_an_identical_document(path, fmt):
    plan = load(path.read_bytes())
    first, _ = plan_export_text(plan=plan, fmt=fmt)
    forget_area(plan)
    assert not LocalArea.objects.exists()

    reloaded = load(first.encode("utf-8"))
    second, _ = plan_export_text(plan=reloaded, fmt=fmt)

    assert second == first
    assert plan_counts(reloaded) == EXPECTED_COUNTS[path]


@pytest.mark.parametrize("path", [KINGSTON, EXAMPLESHIRE, NORTHBRIDGE], ids=FIXTURE_IDS)
def test_first_export_holds_everything_the_fixture_holds(path):
    fixture = validate_plan_document(parse_plan_file(path.read_bytes(), max_bytes=10**7))
    plan = load(path.read_bytes())

    exported = yaml.safe_load(plan_export_text(plan=plan)[0])

    assert document_counts(exported) == EXPECTED_COUNTS[path]
    # Refs the fixture leaves out are generated on loading; the export writes them down.
    assert action_refs(exported) == action_refs(fixture)
    assert [c["number"] for c in exported["concerns"]] == [c["number"] for c in fixture["concerns"]]
    assert exported["rating_scheme"]["levels"] == [
        {key: value for key, value in level.items() if value not in ("", False)}
        for level in fixture["rating_scheme"]["levels"]
    ]


def test_exported_file_follows_the_documented_format_with_dates_as_yaml_dates():
    plan = load(EXAMPLESHIRE.read_bytes())

    text, notes = plan_export_text(plan=plan)

    assert notes == []
    assert text.startswith("# Exampleshire SEND Accelerated Progress Plan (Exampleshire)")
    document = yaml.safe_load(text)
    assert list(document) == [
        "format",
        "area",
        "organisations",
        "posts",
        "plan",
        "rating_scheme",
        "boards",
        "concerns",
    ]
    assert document["format"] == "wsoa-plan/1"
    assert "\n  inspection_start: 2023-03-13\n" in text
    assert document["plan"]["inspection_start"] == datetime.date(2023, 3, 13)
    first = document["concerns"][0]["outcomes"][0]["actions"][0]
    assert first["progress"][0] == {
        "rating": "A",
        "date": datetime.date(2023, 10, 31),
        "narrative": "Three of six posts offered; second recruitment round under way.",
    }
    assert first["resource"] == "additional"
    assert "                date: 2023-10-31\n" in text


def test_export_leaves_out_due_dates_derived_from_the_text_and_keeps_overrides():
    document = small_document()
    action = document["concerns"][0]["outcomes"][0]["actions"][0]
    action["due_date"] = datetime.date(2024, 2, 29)  # "Spring term 2024" alone gives 31 March
    plan = load(to_yaml(document))

    exported = plan_export(plan=plan).document

    action = exported["concerns"][0]["outcomes"][0]["actions"][0]
    assert action["timescale"] == "Spring term 2024"
    assert action["due_date"] == datetime.date(2024, 2, 29)
    assert "due_date" not in action["milestones"][0]


def test_export_leaves_out_empty_optional_fields():
    document = small_document()
    del document["posts"][0]["holder"]
    plan = load(to_yaml(document))

    exported = plan_export(plan=plan).document

    post = next(p for p in exported["posts"] if p["title"] == "Director of Education")
    assert post == {"title": "Director of Education", "organisation": "Exampleshire County Council"}
    milestone = exported["concerns"][0]["outcomes"][0]["actions"][0]["milestones"][0]
    assert milestone["progress"] == [{"rating": "B", "date": datetime.date(2023, 11, 30)}]


def test_export_lists_only_the_organisations_posts_and_boards_the_plan_uses():
    plan = load(KINGSTON.read_bytes())

    exported = plan_export(plan=plan).document

    # The fixture declares the Chief Executive (chair of the partnership board) and national
    # bodies that no action, concern or board of the plan refers to.
    assert "Chief Executive" not in [post["title"] for post in exported["posts"]]
    assert "NHS England" not in [org["name"] for org in exported["organisations"]]
    assert len(exported["boards"]) == 11


def test_progress_is_every_status_update_oldest_first_with_its_author():
    plan = load(to_yaml(small_document()))
    action = Action.objects.get(plan=plan)
    level = plan.rating_scheme.levels.get(code="G")
    StatusUpdateFactory(
        action=action,
        level=level,
        narrative="All four posts filled.",
        author=UserFactory(first_name="Priya", last_name="Shah"),
        effective_on=datetime.date(2023, 12, 15),
    )
    StatusUpdateFactory(
        action=action, level=None, narrative="Earlier note.", effective_on=datetime.date(2023, 6, 1)
    )

    exported = plan_export(plan=plan).document

    progress = exported["concerns"][0]["outcomes"][0]["actions"][0]["progress"]
    assert progress == [
        {"date": datetime.date(2023, 6, 1), "narrative": "Earlier note."},
        {
            "rating": "A",
            "date": datetime.date(2023, 9, 30),
            "narrative": "Two of four posts filled.",
        },
        {
            "rating": "G",
            "date": datetime.date(2023, 12, 15),
            "narrative": "All four posts filled.",
            "author": "Priya Shah",
        },
    ]


def test_leads_keep_the_order_the_file_gives_them():
    document = small_document()
    document["concerns"][0]["outcomes"][0]["actions"][0]["leads"] = [
        "Designated Clinical Officer",
        "Director of Education",
    ]
    plan = load(to_yaml(document))

    exported = plan_export(plan=plan).document

    leads = exported["concerns"][0]["outcomes"][0]["actions"][0]["leads"]
    assert leads == ["Designated Clinical Officer", "Director of Education"]


def test_update_that_reorders_leads_is_exported_in_the_new_order():
    document = small_document()
    plan = load(to_yaml(document))
    document["concerns"][0]["outcomes"][0]["actions"][0]["leads"] = [
        "Designated Clinical Officer",
        "Director of Education",
    ]

    plan_load(user=None, raw=to_yaml(document), update=True)

    leads = plan_export(plan=plan).document["concerns"][0]["outcomes"][0]["actions"][0]["leads"]
    assert leads == ["Designated Clinical Officer", "Director of Education"]


def test_export_queries_do_not_grow_with_the_size_of_the_plan():
    small = load(EXAMPLESHIRE.read_bytes())  # 12 actions, 26 milestones
    large = load(KINGSTON.read_bytes())  # 55 actions, 29 updates
    assert Action.objects.filter(plan=large).count() > Action.objects.filter(plan=small).count()

    with CaptureQueriesContext(connection) as small_queries:
        plan_export(plan=small)
    with CaptureQueriesContext(connection) as large_queries:
        plan_export(plan=large)

    assert len(large_queries) == len(small_queries) <= 15


def test_export_command_writes_a_yaml_file_that_loads_again(tmp_path):
    plan = load(EXAMPLESHIRE.read_bytes())
    path = tmp_path / "exported.yaml"

    call_command("export_plan", plan=str(plan.pk), output=path, stderr=io.StringIO())

    text = path.read_text(encoding="utf-8")
    assert text == plan_export_text(plan=plan)[0]
    before = StatusUpdate.objects.count()
    result = plan_load(user=None, raw=text.encode(), update=True)
    assert result.report.summary() == "created nothing; updated nothing"
    assert StatusUpdate.objects.count() == before


def test_export_command_finds_a_plan_by_title_and_writes_json_to_standard_output():
    load(EXAMPLESHIRE.read_bytes())
    out = io.StringIO()

    call_command(
        "export_plan", plan="exampleshire send accelerated progress plan", format="json", stdout=out
    )

    document = json.loads(out.getvalue())
    assert document["plan"]["title"] == "Exampleshire SEND Accelerated Progress Plan"
    assert document["plan"]["inspection_start"] == "2023-03-13"


def test_export_command_asks_for_the_area_when_a_title_is_ambiguous():
    PlanFactory(title="Written Statement of Action", area=LocalAreaFactory(name="North"))
    PlanFactory(title="Written Statement of Action", area=LocalAreaFactory(name="South"))

    with pytest.raises(CommandError, match="Several areas have a plan titled"):
        call_command("export_plan", plan="Written Statement of Action")
    out = io.StringIO()
    call_command("export_plan", plan="Written Statement of Action", area="South", stdout=out)
    assert yaml.safe_load(out.getvalue())["area"]["name"] == "South"


def test_export_command_refuses_a_plan_that_does_not_exist():
    with pytest.raises(CommandError, match="There is no plan with id 999"):
        call_command("export_plan", plan="999")
    with pytest.raises(CommandError, match='There is no plan titled "Nothing"'):
        call_command("export_plan", plan="Nothing")


def test_actions_without_an_outcome_are_exported_under_an_outcome_of_their_own():
    plan = load(to_yaml(small_document()))
    concern = plan.concerns.get()
    ActionFactory(loose=True, concern=concern, ref="1.9", description="Loose action")

    text, notes = plan_export_text(plan=plan)

    outcomes = yaml.safe_load(text)["concerns"][0]["outcomes"]
    assert outcomes[-1]["statement"] == "Actions not under an outcome"
    assert [a["ref"] for a in outcomes[-1]["actions"]] == ["1.9"]
    assert notes == [
        '1 action(s) of concern 1 have no outcome; they are written under an outcome "Actions '
        'not under an outcome"'
    ]
    forget_area(plan)
    assert plan_counts(load(text.encode()))["actions"] == 2
