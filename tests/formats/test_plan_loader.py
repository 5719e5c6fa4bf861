"""Loading a plan file with `manage.py load_plan` (and `formats.plans.services.plan_load`): both
fixtures, dry runs, loading twice, --update, and every kind of bad input, which is reported
with its place and leaves the database exactly as it was."""

from __future__ import annotations

import copy
import datetime
import io
import json
import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from actions.models import Action, Milestone, StatusUpdate
from formats.plans.services import plan_load
from formats.plans.validate import SPECS
from formats.reader import PlanFileError
from tests.formats.plan_files import (
    EXAMPLESHIRE,
    EXPECTED_COUNTS,
    FORMAT_GUIDE,
    KINGSTON,
    NORTHBRIDGE,
    line_of,
    plan_counts,
    row_counts,
    small_document,
    to_yaml,
)
from tests.wsoa.factories import PlanFactory
from wsoa.models import Concern, Outcome, Plan, Post, RatingLevel
from wsoa.timescales import parse_timescale

pytestmark = pytest.mark.django_db


def run_load_plan(path, **options) -> str:
    out = io.StringIO()
    call_command("load_plan", str(path), stdout=out, **options)
    return out.getvalue()


def problems_of(raw: bytes, **options) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        plan_load(user=None, raw=raw, **options)
    return [str(problem) for problem in caught.value.problems]


# --- Loading the fixtures ----------------------------------------------------------------


@pytest.mark.parametrize("path", [KINGSTON, EXAMPLESHIRE], ids=["kingston", "exampleshire"])
def test_each_fixture_loads_through_the_command_with_all_its_rows(path):
    output = run_load_plan(path)

    plan = Plan.objects.get()
    assert plan_counts(plan) == EXPECTED_COUNTS[path]
    assert f'Loaded "{plan.title}"' in output
    assert f"{EXPECTED_COUNTS[path]['actions']} actions" in output


def test_loading_reports_progress_as_it_goes():
    output = run_load_plan(KINGSTON)

    assert "Checked" in output and "no problems found" in output
    assert "Writing 4 concerns and 55 actions" in output
    assert "Wrote 22 milestones" in output


def test_dry_run_reports_what_would_be_created_and_writes_nothing():
    PlanFactory()
    before = row_counts()

    output = run_load_plan(EXAMPLESHIRE, dry_run=True)

    assert row_counts() == before
    assert 'Would load "Exampleshire SEND Accelerated Progress Plan" (Exampleshire)' in output
    assert "3 concerns, 6 outcomes, 12 actions, 26 milestones, 41 status updates" in output


def test_loading_the_same_plan_twice_is_refused_and_changes_nothing():
    run_load_plan(EXAMPLESHIRE)
    before = row_counts()

    with pytest.raises(CommandError) as caught:
        run_load_plan(EXAMPLESHIRE)

    assert row_counts() == before
    message = str(caught.value)
    assert "1 problem found; nothing was loaded" in message
    assert (
        'plan.title: the plan "Exampleshire SEND Accelerated Progress Plan" of Exampleshire '
        "is already loaded; load the file again as an update"
    ) in message


# --- --update ----------------------------------------------------------------------------


def exampleshire_document() -> dict:
    return yaml.safe_load(EXAMPLESHIRE.read_text(encoding="utf-8"))


def find_action(document: dict, ref: str) -> dict:
    return next(
        action
        for concern in document["concerns"]
        for outcome in concern["outcomes"]
        for action in outcome["actions"]
        if action["ref"] == ref
    )


def test_update_changes_text_in_place_adds_what_is_new_and_keeps_every_status_update(tmp_path):
    run_load_plan(EXAMPLESHIRE)
    plan = Plan.objects.get()
    action_1_1a = Action.objects.get(plan=plan, ref="1.1a")
    history = {
        update.pk: (update.effective_on, update.level_id, update.narrative)
        for update in StatusUpdate.objects.all()
    }
    document = exampleshire_document()
    find_action(document, "1.1a")["description"] = "Recruit six additional EHC coordinators."
    find_action(document, "1.1b")["progress"].append(
        {"rating": "B", "date": datetime.date(2024, 3, 26), "narrative": "Panel embedded."}
    )
    document["concerns"][0]["outcomes"][0]["actions"].append(
        {
            "ref": "1.1d",
            "description": "Publish monthly EHC timeliness figures on the Local Offer.",
            "leads": ["Head of SEND Assessment and Planning"],
            "timescale": "From April 2024",
        }
    )
    changed = tmp_path / "exampleshire-changed.yaml"
    changed.write_bytes(to_yaml(document))

    output = run_load_plan(changed, update=True)

    assert Plan.objects.count() == 1
    counts = plan_counts(plan)
    assert counts["actions"] == 13 and counts["updates"] == 42
    action_1_1a.refresh_from_db()
    assert action_1_1a.description == "Recruit six additional EHC coordinators."
    new_action = Action.objects.get(plan=plan, ref="1.1d")
    assert [post.title for post in new_action.leads.all()] == [
        "Head of SEND Assessment and Planning"
    ]
    kept = {
        update.pk: (update.effective_on, update.level_id, update.narrative)
        for update in StatusUpdate.objects.filter(pk__in=history)
    }
    assert kept == history
    newest = StatusUpdate.objects.filter(action__ref="1.1b").latest()
    assert (newest.level.code, newest.narrative) == ("B", "Panel embedded.")
    assert "created 1 actions, 1 status updates; updated 1 actions" in output


def test_update_with_an_unchanged_file_changes_nothing():
    run_load_plan(KINGSTON)
    before = row_counts()

    output = run_load_plan(KINGSTON, update=True)

    assert row_counts() == before
    assert "created nothing; updated nothing" in output


@pytest.mark.parametrize("path", [KINGSTON, EXAMPLESHIRE, NORTHBRIDGE], ids=lambda p: p.stem)
def test_updating_again_and_again_with_the_same_file_updates_nothing_every_time(path):
    """Rating levels' ranks were moved in the database and restored only in memory, so every
    other update reported "updated 4 rating levels" and left the ranks moved."""

    def snapshot():
        return {
            model._meta.label: sorted(
                tuple(row.values()) for row in model._default_manager.values()
            )
            for model in (RatingLevel, Plan, Concern, Outcome, Action, Milestone, StatusUpdate)
        }

    run_load_plan(path)
    loaded = snapshot()
    for _ in range(3):
        output = run_load_plan(path, update=True)
        assert "created nothing; updated nothing" in output
        assert snapshot() == loaded


def test_dry_run_of_an_update_reports_the_changes_and_writes_nothing(tmp_path):
    run_load_plan(EXAMPLESHIRE)
    document = exampleshire_document()
    find_action(document, "2.2b")["timescale"] = "June 2024"
    changed = tmp_path / "changed.yaml"
    changed.write_bytes(to_yaml(document))
    before = row_counts()

    output = run_load_plan(changed, update=True, dry_run=True)

    assert row_counts() == before
    assert Action.objects.get(ref="2.2b").timescale == "March 2024"
    assert "updated 1 actions" in output


# --- Bad input: reported with its place, nothing written ---------------------------------


def bad_plan(mutate) -> bytes:
    document = small_document()
    mutate(document)
    return to_yaml(document)


def first_action(document: dict) -> dict:
    return document["concerns"][0]["outcomes"][0]["actions"][0]


def _unknown_rating(document):
    first_action(document)["progress"][0]["rating"] = "AMBER"


def _typo(document):
    action = first_action(document)
    action["sucess_measures"] = action.pop("success_measures")


def _dates_out_of_order(document):
    document["plan"]["inspection_end"] = datetime.date(2023, 3, 1)


BAD_FILES = {
    "not YAML": (b"format: wsoa-plan/1\narea: [Exampleshire\nplan: {}\n", "not valid YAML"),
    "not JSON": (b'{"a":', "line 1: not valid JSON: Expecting value (column 6)"),
    "empty": (b"", "is empty"),
    "only blank lines": (b"\n   \n\n", "is empty"),
    "not UTF-8": (
        "area:\n  name: Café\n".encode("latin-1"),
        "is not UTF-8 text (byte 17 cannot be read)",
    ),
    "a list, not a plan": (b"- one\n- two\n", "a plan file must be a mapping"),
    "unknown rating code": (
        bad_plan(_unknown_rating),
        "concern 1, outcome 1.1, the 1st progress entry of action 1.1a, rating: "
        'unknown rating code "AMBER"',
    ),
    "unknown key typo": (
        bad_plan(_typo),
        'concern 1, outcome 1.1, action 1.1a, sucess_measures: unknown field "sucess_measures" '
        '(did you mean "success_measures"?)',
    ),
    "inspection dates out of order": (
        bad_plan(_dates_out_of_order),
        "plan.inspection_end: the inspection cannot end before it starts",
    ),
}


@pytest.mark.parametrize("raw, expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_by_the_command_naming_the_place_and_nothing_is_written(
    tmp_path, raw, expected
):
    PlanFactory()
    path = tmp_path / "plan.yaml"
    path.write_bytes(raw)
    before = row_counts()

    with pytest.raises(CommandError) as caught:
        run_load_plan(path)

    assert row_counts() == before
    assert "nothing was loaded" in str(caught.value)
    assert expected in str(caught.value)


def test_file_larger_than_the_limit_is_refused_before_it_is_read(settings):
    settings.PLAN_UPLOAD_MAX_BYTES = 1000
    size = len(KINGSTON.read_bytes())
    before = row_counts()

    with pytest.raises(CommandError) as caught:
        run_load_plan(KINGSTON)

    assert row_counts() == before
    assert f"{KINGSTON} is {size:,} bytes; the largest plan file accepted is 1,000 bytes" in str(
        caught.value
    )


def test_unknown_post_is_reported_with_its_place_line_and_a_suggestion():
    document = small_document()
    document["posts"][0]["title"] = "Director of Education Services"
    document["concerns"][0]["sponsor"] = "Director of Education Services"
    first_action(document)["leads"] = ["Director of Educaton Services"]
    raw = to_yaml(document)
    line = line_of(raw.decode(), "Director of Educaton Services")
    before = row_counts()

    problems = problems_of(raw)

    assert problems == [
        f"line {line}, concern 1, outcome 1.1, the 1st lead of action 1.1a: unknown post "
        '"Director of Educaton Services" (did you mean "Director of Education Services"?)'
    ]
    assert row_counts() == before


def test_duplicate_action_ref_is_reported_with_the_line_of_the_second_one():
    document = small_document()
    actions = document["concerns"][0]["outcomes"][0]["actions"]
    actions.append({**copy.deepcopy(actions[0]), "description": "A second action"})
    raw = to_yaml(document)
    line = line_of(raw.decode(), "ref: 1.1a", occurrence=2)
    before = row_counts()

    problems = problems_of(raw)

    assert problems == [
        f"line {line}, concern 1, the 2nd action of outcome 1.1, ref: duplicate action ref "
        '"1.1a" (first used at concern 1, the 1st action of outcome 1.1)'
    ]
    assert row_counts() == before


def test_several_problems_are_all_reported_at_once():
    document = small_document()
    action = first_action(document)
    action["leads"] = ["Head of Nothing"]
    action["progress"][0]["rating"] = "PURPLE"
    action["milestones"][0]["due_date"] = "next week"
    del document["plan"]["title"]
    before = row_counts()

    problems = problems_of(to_yaml(document))

    assert len(problems) == 4
    places = [problem.split(": ", 1)[0] for problem in problems]
    assert any(place.endswith("plan.title") for place in places)
    assert any(place.endswith("the 1st lead of action 1.1a") for place in places)
    assert any(place.endswith("the 1st progress entry of action 1.1a, rating") for place in places)
    assert any(place.endswith("the 1st milestone of action 1.1a, due_date") for place in places)
    assert row_counts() == before


def test_a_number_where_a_ref_is_expected_asks_for_quotes():
    raw = to_yaml(small_document()).replace(b'ref: "1.1"', b"ref: 1.10")
    raw = raw if b"ref: 1.10" in raw else raw.replace(b"ref: '1.1'", b"ref: 1.10")

    problems = problems_of(raw)

    assert any(
        "concern 1, outcome 1.1, ref: 1.1 was read as a number: put the ref in quotes" in p
        for p in problems
    )


def test_text_too_long_for_its_field_is_reported_not_written():
    document = small_document()
    document["posts"][0]["title"] = "D" * 201
    document["concerns"][0]["sponsor"] = "D" * 201
    first_action(document)["leads"] = ["D" * 201]
    before = row_counts()

    problems = problems_of(to_yaml(document))

    assert any(", title: is 201 characters long; at most 200 allowed" in p for p in problems)
    assert row_counts() == before


def test_the_format_guide_example_is_a_valid_plan():
    result = plan_load(user=None, raw=to_yaml(small_document()), dry_run=True)

    assert result.plan_title == "Exampleshire SEND Written Statement of Action"
    assert result.report.created["actions"] == 1
    assert result.report.created["milestones"] == 1
    assert result.report.created["status updates"] == 2


# --- Property: however a valid document is broken, nothing is written ------------------


def _fields(value: dict, spec_name: str, path: tuple = ()):
    """(path, field) of every field present in a document, following the format's spec."""
    for key, field in SPECS[spec_name].items():
        if key not in value:
            continue
        yield path + (key,), field
        child, inner = value[key], field.kind.strip("[]")
        if field.kind in SPECS and isinstance(child, dict):
            yield from _fields(child, field.kind, path + (key,))
        elif field.kind.startswith("[") and inner in SPECS and isinstance(child, list):
            for index, item in enumerate(child):
                if isinstance(item, dict):
                    yield from _fields(item, inner, path + (key, index))


def _get(document, path):
    for step in path:
        document = document[step]
    return document


WRONG_VALUES = {
    "text": ["a", "list"],
    "int": "one",
    "bool": "yes please",
    "date": "some time soon",
    "colour": "red",
    "resource": "plenty",
    "organisation_kind": "club",
    "plan_kind": "wish list",
    "plan_status": "half done",
}
PLAIN_TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs"], max_codepoint=0x24F), min_size=1
).filter(lambda text: text.strip() != "")


@st.composite
def broken_documents(draw) -> tuple[bytes, str]:
    document = small_document()
    fields = list(_fields(document, "document"))
    how = draw(
        st.sampled_from(
            [
                "delete a required field",
                "wrong type",
                "unknown key",
                "duplicate ref",
                "missing post",
                "unknown rating",
                "truncate",
            ]
        )
    )
    if how == "delete a required field":
        path, _ = draw(st.sampled_from([(p, f) for p, f in fields if f.required]))
        del _get(document, path[:-1])[path[-1]]
    elif how == "wrong type":
        path, field = draw(st.sampled_from(fields))
        if field.kind.startswith("["):
            wrong = {"not": "a list"}
        elif field.kind in SPECS:
            wrong = ["not", "a", "mapping"]
        else:
            wrong = WRONG_VALUES[field.kind]
        _get(document, path[:-1])[path[-1]] = wrong
    elif how == "unknown key":
        mappings = [()] + [p for p, f in fields if f.kind in SPECS]
        mappings += [
            p + (i,)
            for p, f in fields
            if f.kind.startswith("[") and f.kind.strip("[]") in SPECS
            for i in range(len(_get(document, p)))
        ]
        target = _get(document, draw(st.sampled_from(mappings)))
        key = draw(st.from_regex(r"[a-z][a-z_]{0,19}", fullmatch=True))
        target[key if key not in target else key + "_x"] = "surprise"
    elif how == "duplicate ref":
        actions = document["concerns"][0]["outcomes"][0]["actions"]
        actions.append(copy.deepcopy(actions[0]))
    elif how == "missing post":
        titles = {post["title"] for post in document["posts"]} | set(
            Post.objects.values_list("title", flat=True)
        )
        name = draw(PLAIN_TEXT.filter(lambda text: text.strip() not in titles))
        first_action(document)["leads"] = [name]
    elif how == "unknown rating":
        codes = {level["code"] for level in document["rating_scheme"]["levels"]}
        code = draw(PLAIN_TEXT.filter(lambda text: text.strip() not in codes))
        first_action(document)["progress"][0]["rating"] = code[:30]
    else:
        # `format` last: any cut then loses (part of) a required value, so no prefix of the
        # text is itself a valid plan.
        document["format"] = document.pop("format")
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True).rstrip()
        cut = draw(st.integers(min_value=0, max_value=len(text) - 1))
        return text[:cut].encode("utf-8"), f"truncated at {cut}"
    if draw(st.booleans()):
        return json.dumps(document, default=str).encode("utf-8"), f"{how} (JSON)"
    return to_yaml(document), how


@pytest.fixture
def database_with_a_plan():
    run_load_plan(EXAMPLESHIRE)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(broken=broken_documents())
def test_a_broken_document_is_refused_with_problems_and_the_database_is_unchanged(
    database_with_a_plan, broken
):
    raw, how = broken
    before = row_counts()

    with pytest.raises(PlanFileError) as caught:
        plan_load(user=None, raw=raw, name="broken.yaml")

    assert caught.value.problems, how
    assert all(str(problem) for problem in caught.value.problems)
    assert row_counts() == before, how


# --- The format guide's timescale examples are what the loader derives ------------------


def _guide_date(text: str) -> datetime.date | None:
    text = text.strip()
    if text in ("–", "none", ""):
        return None
    return datetime.datetime.strptime(text, "%d %b %Y").date()


def timescale_examples() -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """Rows of the "Examples" table of docs/plan-format.md: (text, start, due)."""
    guide = FORMAT_GUIDE.read_text(encoding="utf-8")
    table = guide.split("### Examples", 1)[1].split("###", 1)[0]
    examples = []
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 4 or "`" not in cells[0]:
            continue
        texts = re.findall(r"`([^`]*)`", cells[0])
        dues = cells[2].split(", ")
        for index, text in enumerate(texts):
            due = dues[index] if len(dues) == len(texts) else dues[0]
            examples.append((text, _guide_date(cells[1]), _guide_date(due)))
    return examples


def test_the_format_guide_shows_the_dates_the_loader_derives():
    examples = timescale_examples()

    assert len(examples) >= 25
    for text, start, due in examples:
        parsed = parse_timescale(text)
        assert (text, parsed.start, parsed.due) == (text, start, due)
