"""Plans load as written: month-only and textual due dates, several sponsors, people as
delivery partners, the inspection record, transcribers' notes; all kept on export."""

from __future__ import annotations

import datetime

import pytest
import yaml

from actions.models import Action, DatePrecision, Milestone
from formats.plans.export import plan_export_text
from formats.plans.services import plan_load
from formats.reader import PlanFileError
from tests.formats.plan_files import KINGSTON, NORTHBRIDGE, small_document, to_yaml
from wsoa.models import Concern, InspectionFramework, Outcome, Plan

pytestmark = pytest.mark.django_db


def load(raw: bytes) -> Plan:
    return plan_load(user=None, raw=raw).report.plan


def exported(plan: Plan) -> dict:
    return yaml.safe_load(plan_export_text(plan=plan)[0])


def first_action(document: dict) -> dict:
    return document["concerns"][0]["outcomes"][0]["actions"][0]


def test_a_month_only_due_date_is_stored_as_the_months_end_with_its_precision_and_words():
    plan = load(NORTHBRIDGE.read_bytes())
    action = Action.objects.get(plan=plan, ref="1.1a")
    assert action.timescale == ""
    assert action.due_date == datetime.date(2020, 11, 30)
    assert action.due_date_precision == DatePrecision.MONTH
    assert action.due_date_as_written == "Nov 2020"
    assert action.due_date_display == "Nov 2020"


def test_a_term_is_kept_as_words_and_a_date_as_a_day():
    plan = load(NORTHBRIDGE.read_bytes())
    term = Action.objects.get(plan=plan, ref="1.1b")
    assert (term.due_date, term.due_date_precision) == (datetime.date(2020, 12, 31), "text")
    assert term.due_date_display == "Autumn term 2020"
    day = Milestone.objects.get(action=term)
    assert (day.due_date, day.due_date_precision, day.due_date_as_written) == (
        datetime.date(2020, 7, 15),
        "day",
        "",
    )
    assert day.due_date_display == "15 Jul 2020"


def test_a_deadline_in_words_gives_its_precision_without_a_due_key():
    document = small_document()  # milestone deadline: Nov 2023
    plan = load(to_yaml(document))
    milestone = Milestone.objects.get(action__plan=plan)
    assert milestone.due_date_precision == "month"
    assert milestone.due_date_display == "Nov 2023"


def test_a_moved_due_date_is_shown_as_its_day_not_the_old_words():
    plan = load(NORTHBRIDGE.read_bytes())
    action = Action.objects.get(plan=plan, ref="1.1a")
    action.due_date = datetime.date(2021, 1, 15)
    assert action.due_date_display == "15 Jan 2021"


def test_month_and_textual_due_dates_are_exported_as_written():
    document = exported(load(NORTHBRIDGE.read_bytes()))
    actions = document["concerns"][0]["outcomes"][0]["actions"]
    assert actions[0]["due"] == "Nov 2020"
    assert actions[1]["due"] == "Autumn term 2020"
    assert "timescale" not in actions[0]
    assert actions[1]["milestones"][0]["due_date"] == datetime.date(2020, 7, 15)


def test_due_words_without_a_date_are_refused_with_their_place():
    document = small_document()
    first_action(document)["due"] = "TBC"
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert "concern 1, outcome 1.1, action 1.1a, due: no due date can be worked out" in str(
        refused.value
    )


def test_due_and_due_date_together_are_refused():
    document = small_document()
    first_action(document).update(due="Nov 2023", due_date="2023-11-01")
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert "give due or due_date, not both" in str(refused.value)


def test_several_sponsors_load_in_the_files_order_and_one_still_loads():
    plan = load(NORTHBRIDGE.read_bytes())
    first, second = Concern.objects.filter(plan=plan).order_by("number")
    through = Concern.sponsors.through.objects.filter(concern=first).order_by("pk")
    assert [row.post.title for row in through] == [
        "Director of Children's Services",
        "CCG Director of Quality",
    ]
    assert second.sponsor.title == "CCG Director of Quality"
    document = exported(plan)
    assert document["concerns"][0]["sponsors"] == [
        "Director of Children's Services",
        "CCG Director of Quality",
    ]
    assert document["concerns"][1]["sponsor"] == "CCG Director of Quality"


def test_sponsor_and_sponsors_together_are_refused():
    document = small_document()
    document["concerns"][0]["sponsors"] = ["Designated Clinical Officer"]
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert "concern 1, sponsors: give sponsor (one) or sponsors (a list), not both" in str(
        refused.value
    )


def test_delivery_partners_may_be_people_and_keep_the_files_order():
    plan = load(NORTHBRIDGE.read_bytes())
    concern = Concern.objects.get(plan=plan, number=1)
    partners = list(concern.partners.order_by("position"))
    assert [str(p) for p in partners] == [
        "Northbridge Parent Carer Forum",
        "Dr Ruth Adeyemi (Consultant Community Paediatrician, Northbridge Community Health Trust)",
        "NHS Northbridge Clinical Commissioning Group",
    ]
    # Not sorted on the way out: the file's order, people as mappings.
    assert exported(plan)["concerns"][0]["delivery_partners"] == [
        "Northbridge Parent Carer Forum",
        {
            "name": "Dr Ruth Adeyemi",
            "post": "Consultant Community Paediatrician",
            "organisation": "Northbridge Community Health Trust",
        },
        "NHS Northbridge Clinical Commissioning Group",
    ]


def test_a_partners_unknown_organisation_is_reported():
    document = small_document()
    document["concerns"][0]["delivery_partners"] = [
        {"name": "Dr A Smith", "organisation": "Exampleshire Hospitals"}
    ]
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert (
        'delivery partner "Dr A Smith", organisation: unknown organisation "Exampleshire Hospitals"'
        in (str(refused.value))
    )


def test_the_inspection_record_loads_and_is_exported():
    plan = load(NORTHBRIDGE.read_bytes())
    assert plan.inspection_framework == InspectionFramework.WSOA_2016
    assert (plan.inspection_start, plan.inspection_end) == (
        datetime.date(2019, 11, 4),
        datetime.date(2019, 11, 8),
    )
    assert plan.inspectors == [
        {"name": "Pat Ellis", "role": "HMI, lead inspector"},
        {"name": "Sam Okafor", "role": "CQC inspector"},
        {"name": "Jo Bright"},
    ]
    assert plan.report_published_on == datetime.date(2020, 1, 10)
    assert plan.plan_due_on == datetime.date(2020, 4, 24)
    written = exported(plan)["plan"]
    assert written["inspection_framework"] == "wsoa_2016"
    assert written["inspectors"][2] == "Jo Bright"
    assert written["report_published_on"] == datetime.date(2020, 1, 10)
    assert written["plan_due_on"] == datetime.date(2020, 4, 24)


def test_a_report_before_the_inspection_is_refused():
    document = small_document()
    document["plan"]["report_published_on"] = "2023-01-01"
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert "plan.report_published_on: the report cannot be published before" in str(refused.value)


def test_a_transcribers_note_is_its_own_field_and_not_the_statement():
    plan = load(KINGSTON.read_bytes())
    first = Outcome.objects.filter(concern__plan=plan, concern__number=1).order_by("position")[0]
    assert first.statement == ""
    assert first.transcriber_note.startswith("Outcome statement missing from the source")
    assert not Outcome.objects.filter(concern__plan=plan, statement__startswith="[").exists()
    outcome = exported(plan)["concerns"][0]["outcomes"][0]
    assert "statement" not in outcome
    assert outcome["note_from_transcriber"] == first.transcriber_note


def test_notes_on_concerns_actions_and_milestones_are_kept_on_export():
    document = small_document()
    document["concerns"][0]["note_from_transcriber"] = "Title cut off in the PDF."
    first_action(document)["note_from_transcriber"] = "Lead cell unreadable."
    first_action(document)["milestones"][0]["note_from_transcriber"] = "Date smudged."
    written = exported(load(to_yaml(document)))
    assert written["concerns"][0]["note_from_transcriber"] == "Title cut off in the PDF."
    action = first_action(written)
    assert action["note_from_transcriber"] == "Lead cell unreadable."
    assert action["milestones"][0]["note_from_transcriber"] == "Date smudged."


def test_an_outcome_without_a_statement_or_a_note_is_refused():
    document = small_document()
    del document["concerns"][0]["outcomes"][0]["statement"]
    with pytest.raises(PlanFileError) as refused:
        load(to_yaml(document))
    assert "concern 1, outcome 1.1, statement: is required" in str(refused.value)


def test_an_update_changes_sponsors_and_partners_in_place_in_the_new_order(tmp_path):
    plan = load(NORTHBRIDGE.read_bytes())
    document = yaml.safe_load(NORTHBRIDGE.read_text(encoding="utf-8"))
    concern = document["concerns"][0]
    concern["sponsors"].reverse()
    concern["delivery_partners"].reverse()
    plan_load(user=None, raw=to_yaml(document), update=True)
    written = exported(plan)["concerns"][0]
    assert written["sponsors"] == ["CCG Director of Quality", "Director of Children's Services"]
    assert written["delivery_partners"][0] == "NHS Northbridge Clinical Commissioning Group"
