"""The board pack snapshot's schema: a pack stored years ago still reads and renders as the
board saw it; a pack issued today round-trips; stored data that cannot be read is refused,
naming the key."""

import copy
import datetime
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse

from governance.dashboard import meeting_dashboard
from governance.models import BoardPack
from governance.packs import render_pack_html, render_xlsx
from governance.services import board_pack_issue
from governance.snapshot import (
    SNAPSHOT_SCHEMA,
    Snapshot,
    SnapshotError,
    read_snapshot,
    to_json,
)
from tests.governance.factories import MeetingFactory, at
from tests.governance.helpers import matrix, refs, row_counts
from tests.wsoa.factories import UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

# A pack of the scenario's meeting (22 March 2022) as schema 1 stored it: no "Rated for the
# first time" list and no "Completion proposed" column, so 1.2a's proposed completion is
# counted at Completed, where schema 1 counted it.
SCHEMA_1_PACK = Path(__file__).parent / "fixtures" / "pack_schema_1.json"


def schema_1_json() -> dict:
    return json.loads(SCHEMA_1_PACK.read_text())


@pytest.fixture
def old_pack(scenario):
    return BoardPack.objects.create(
        meeting=scenario.meeting,
        version=1,
        issued_at=at("2022-03-22", 9),
        as_at=datetime.date(2022, 3, 22),
        note="For the meeting",
        snapshot=schema_1_json(),
    )


DERIVED_KEYS = {"derived", "previous_derived"}


def without_derived(data):
    """The JSON without schema 3's `derived` flags and counts, checking they all say "own"."""
    if isinstance(data, dict):
        for key in DERIVED_KEYS & data.keys():
            assert data[key] in (False, 0), key
        return {k: without_derived(v) for k, v in data.items() if k not in DERIVED_KEYS}
    if isinstance(data, list):
        return [without_derived(v) for v in data]
    return data


def rag_section(html: str) -> str:
    return html[html.index('id="rag-summary"') : html.index('id="since-last"')]


# --- (a) A schema-1 pack renders what it showed --------------------------------------------


def test_a_schema_1_pack_reads_as_the_current_schema_with_nothing_invented():
    stored = schema_1_json()
    snapshot = read_snapshot(stored)

    assert snapshot.schema == SNAPSHOT_SCHEMA == 3
    assert snapshot.since.sections.first_rated == ()
    # No proposed level or column with made-up counts: the columns it had.
    assert "proposed" not in snapshot.levels
    assert all("proposed" not in plan.columns for plan in snapshot.plans)
    expected = row_counts(red=1, amber=2, completed=1, unrated=1)
    del expected["PROPOSED"]
    assert matrix(to_json(snapshot))[1] == expected
    # The upgrades only add the empty lists, "not derived" and the version; everything else is
    # as stored.
    upgraded = to_json(snapshot)
    assert upgraded["since"]["sections"].pop("first_rated") == []
    assert upgraded["since"]["sections"].pop("completed_by_milestones") == []
    assert {**without_derived(upgraded), "schema": 1} == stored


def test_a_schema_1_pack_page_shows_its_own_columns_and_lists(
    client, scenario, old_pack, member_of
):
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("board-pack", args=[scenario.meeting.pk, 1]))
    assert response.status_code == 200
    html = response.text
    rag = rag_section(html)
    assert "Completion proposed" not in rag
    assert "Not yet rated" in rag and ">Completed</strong>" in rag
    assert "Board pack for the meeting of 22 March 2022" in html
    assert "Ratings as at 22 March 2022" in html
    assert "Rated for the first time:</span> none." in html
    assert "Rating worsened (1)" in html and "Completion proposed (1)" in html
    assert "Recruitment stalled" in html
    assert render_pack_html(old_pack).count("Completion proposed") == 1  # the list, not a column


def test_a_schema_1_pack_pdf_renders_with_its_lists(client, scenario, old_pack, member_of):
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("board-pack-pdf", args=[scenario.meeting.pk, 1]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "send-partnership-board-2022-03-22-board-pack-v1.pdf" in response["Content-Disposition"]
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(
        " ".join(
            page.extract_text() or ""
            for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "Board pack for the meeting of Tuesday 22 March 2022" in text
    assert "Rated for the first time: none." in text
    assert "Rating worsened (1)" in text and "1.1b" in text


def test_a_schema_1_pack_xlsx_has_its_own_columns(client, scenario, old_pack, member_of):
    from openpyxl import load_workbook

    client.force_login(member_of(scenario.plan, Role.BOARD_MEMBER))
    response = client.get(reverse("board-pack-xlsx", args=[scenario.meeting.pk, 1]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rag = [list(row) for row in workbook["RAG summary"].iter_rows(values_only=True)]
    header = next(r for r in rag if r[0] == "Significant concern")
    assert header[1:8] == [
        "Red",
        "Amber",
        "Light green",
        "Dark green",
        "Completed",
        "Not yet rated",
        "Total",
    ]
    concern_1 = next(r for r in rag if r[0] and str(r[0]).startswith("1. "))
    assert concern_1[1:8] == [1, 2, 0, 0, 1, 1, 5]
    total = next(r for r in rag if r[0] == "Total")
    assert total[1:8] == [1, 2, 0, 0, 2, 1, 6]
    since = [r[0] for r in workbook["Since last meeting"].iter_rows(min_row=5, values_only=True)]
    assert "Rated for the first time" not in since
    assert "Completion proposed" in since
    assert render_xlsx(old_pack)  # straight from the model too


# --- (b) A pack issued today round-trips ---------------------------------------------------


def test_a_pack_issued_today_is_stored_as_the_current_schema_and_round_trips(scenario, no_kpis):
    pack = board_pack_issue(
        user=UserFactory(first_name="Priya", last_name="Lead"),
        meeting=scenario.meeting,
        note="For the meeting",
        now=at("2022-03-22", 9),
    )
    stored = BoardPack.objects.get(pk=pack.pk).snapshot
    snapshot = read_snapshot(stored)

    assert isinstance(snapshot, Snapshot)
    assert stored["schema"] == SNAPSHOT_SCHEMA
    assert read_snapshot(to_json(snapshot)) == snapshot
    assert to_json(snapshot) == stored
    assert snapshot.as_at == datetime.date(2022, 3, 22)
    assert snapshot.pack.issued_at == at("2022-03-22", 9)
    assert (snapshot.pack.version, snapshot.pack.issued_by) == (1, "Priya Lead")
    assert snapshot.since.sections.first_rated == ()
    assert "proposed" in snapshot.levels
    assert matrix(stored)[1] == row_counts(red=1, amber=2, proposed=1, unrated=1)


def test_the_live_dashboard_round_trips_with_no_meeting_to_compare_and_kpi_rows(
    scenario, monkeypatch
):
    kpis = {
        "available": True,
        "count": 2,
        "rows": [
            {
                "code": "K1",
                "name": "K1 A KPI",
                "period": "2021/22",
                "value": "70%",
                "previous": "75% (2020/21)",
                "target": "90% by August 2022",
                "rating": "Red",
                "rag": "red",
                "trend": "worse",
                "arrow": "↓",
                "is_red": True,
                "is_worsened": True,
            }
        ],
    }
    monkeypatch.setattr("governance.dashboard.kpi_section", lambda board, **kwargs: kpis)
    first = MeetingFactory(board=scenario.board, starts_at=at("2021-06-01", 14))

    snapshot = meeting_dashboard(first)

    assert snapshot.since.sections is None and snapshot.previous_meeting is None
    assert snapshot.attention.no_update_since_last_meeting is None
    assert snapshot.pack is None and "pack" not in to_json(snapshot)
    assert read_snapshot(to_json(snapshot)) == snapshot
    assert to_json(snapshot)["kpis"] == kpis


# --- (c) Stored data that cannot be read is refused, naming the key ------------------------


def current_json(scenario) -> dict:
    return to_json(meeting_dashboard(scenario.meeting))


@pytest.mark.parametrize(
    ("path", "named"),
    [
        (("since", "sections", "worsened"), "'since.sections.worsened'"),
        (("plans", 0, "rows", 0, "cells"), "'plans[0].rows[0].cells'"),
        (("levels", "1", "colour"), "\"levels['1'].colour\""),
        (("meeting", "date"), "'meeting.date'"),
        (("attention",), "'attention'"),
        (("schema",), "'schema'"),
    ],
)
def test_a_snapshot_missing_a_required_key_is_refused_naming_it(scenario, no_kpis, path, named):
    data = current_json(scenario)
    if path[:2] == ("levels", "1"):
        path = ("levels", next(iter(data["levels"])), path[2])
        named = f"\"levels['{path[1]}'].colour\""
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]

    with pytest.raises(SnapshotError) as refused:
        read_snapshot(data)
    assert f"missing {named}" in str(refused.value)


def test_a_schema_1_pack_missing_a_key_is_refused_naming_it():
    data = schema_1_json()
    del data["since"]["sections"]
    with pytest.raises(SnapshotError, match=r"missing 'since\.sections'"):
        read_snapshot(data)
    data = schema_1_json()
    del data["attention"]["red_amber"]
    with pytest.raises(SnapshotError, match=r"missing 'attention\.red_amber'"):
        read_snapshot(data)


def test_a_snapshot_with_a_wrong_value_or_a_newer_schema_is_refused(scenario, no_kpis):
    data = current_json(scenario)
    wrong = copy.deepcopy(data)
    wrong["as_at"] = "22/03/2022"
    with pytest.raises(SnapshotError, match=r"'as_at' should be a date"):
        read_snapshot(wrong)
    wrong = copy.deepcopy(data)
    wrong["plans"][0]["total"] = "6"
    with pytest.raises(SnapshotError, match=r"'plans\[0\]\.total' should be a number"):
        read_snapshot(wrong)
    with pytest.raises(SnapshotError, match="newer than this code reads"):
        read_snapshot({**data, "schema": SNAPSHOT_SCHEMA + 1})
    assert refs(read_snapshot(data).attention.red_amber) == ["1.1b", "1.1a", "1.2b"]
