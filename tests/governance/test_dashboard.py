"""The meeting dashboard's figures, against expectations counted by hand from the scenario
in conftest.py (meeting of 22 March 2022; previous meeting 10 January 2022)."""

import pytest
from django.urls import reverse

from governance.dashboard import meeting_dashboard
from governance.snapshot import to_json
from tests.governance.helpers import matrix, refs, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def dash(scenario, no_kpis):
    return to_json(meeting_dashboard(scenario.meeting))


def test_rag_summary_counts_actions_by_rating_as_at_the_meeting(dash):
    assert matrix(dash) == {
        # A3's completion is proposed, not signed off: it counts as proposed, not complete.
        1: row_counts(red=1, amber=2, proposed=1, unrated=1),
        2: row_counts(completed=1),
        "TOTAL": row_counts(red=1, amber=2, completed=1, proposed=1, unrated=1),
    }
    assert dash["as_at"] == "2022-03-22"
    assert [level["code"] for level in dash["levels"].values()] == [
        "RED",
        "AMBER",
        "LIGHT GREEN",
        "DARK GREEN",
        "COMPLETED",
        "PROPOSED",
    ]


def test_the_previous_meeting_skips_cancelled_meetings(dash, scenario):
    assert dash["previous_meeting"]["pk"] == scenario.previous.pk


def test_since_the_last_meeting_comes_from_the_history(dash):
    since = dash["since"]["sections"]
    # red→amber. 1.2a's dark green→completed is a completion proposed, listed only as such.
    assert refs(since["improved"]) == ["1.1a"]
    assert refs(since["worsened"]) == ["1.1b"]  # light green→red
    assert refs(since["proposed"]) == ["1.2a"]
    assert refs(since["signed_off"]) == ["2.1a"]
    assert since["sent_back"] == []
    assert [m["action_ref"] for m in since["milestones_completed"]] == ["1.1a"]
    moved = since["due_dates_moved"]
    assert [(c["action_ref"], c["from_date"], c["to_date"], c["reason"]) for c in moved] == [
        ("1.1b", "2022-03-31", "2022-06-30", "Recruitment")
    ]


def test_needs_attention_lists_overdue_stale_red_amber_and_unsigned(dash):
    attention = dash["attention"]
    assert refs(attention["overdue_actions"]) == ["1.2b"]
    assert [m["description"] for m in attention["overdue_milestones"]] == ["Posts advertised"]
    assert refs(attention["no_update_since_last_meeting"]) == ["1.2b", "1.3a"]
    assert refs(attention["red_amber"]) == ["1.1b", "1.1a", "1.2b"]  # worst first
    assert attention["red_amber"][0]["narrative"] == "Recruitment stalled"
    assert refs(attention["awaiting_sign_off"]) == ["1.2a"]


def test_meeting_action_log_shows_items_open_at_the_meeting(dash, scenario):
    log = dash["action_log"]
    assert [row["ref"] for row in log["open"]] == ["A1", "A4"]
    assert log["overdue_count"] == 1
    assert [row["ref"] for row in log["open"] if row["is_overdue"]] == ["A1"]


def test_kpi_section_says_when_there_is_no_kpi_dataset(dash):
    assert dash["kpis"] == {"available": False, "rows": []}


def test_kpi_section_keeps_red_or_worsened_kpis_from_the_kpi_feature(scenario, monkeypatch):

    calls = []

    class Row:
        def __init__(self, code, rag, worsened):
            self.kpi = _Kpi(code)
            self.latest = self.previous = None
            self.target = None
            self.rag = rag
            self.rag_label = rag.title()
            self.is_red = rag == "red"
            self.is_worsened = worsened

    def board_kpi_summary(board, *, as_at=None, known_by=None):
        calls.append((board, as_at))
        return [Row("K1", "red", False), Row("K2", "green", True), Row("K3", "green", False)]

    monkeypatch.setattr("governance.dashboard.board_kpi_summary", board_kpi_summary)

    dash = to_json(meeting_dashboard(scenario.meeting))

    assert calls == [(scenario.board, scenario.meeting.local_date)]
    assert dash["kpis"]["available"] is True
    assert [row["code"] for row in dash["kpis"]["rows"]] == ["K1", "K2"]


class _Kpi:
    def __init__(self, code):
        self.code = code
        self.unit = "percentage"

    def __str__(self):
        return f"{self.code} A KPI"


def test_dashboard_page_shows_the_matrix_with_cells_linking_to_the_register(
    client, scenario, member_of, no_kpis
):
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("meeting-dashboard", args=[scenario.meeting.pk]))
    assert response.status_code == 200
    register = reverse("action-register", kwargs={"plan_pk": scenario.plan.pk})
    red_cell = f"{register}?concern={scenario.c1.pk}&amp;rating={scenario.levels.red.pk}"
    assert red_cell in response.text
    assert f"{register}?concern={scenario.c1.pk}&amp;rating=unrated" in response.text
    assert f"{register}?rating={scenario.levels.done.pk}" in response.text
    assert "Recruitment stalled" in response.text
    assert "No KPI dataset yet" in response.text


def test_upcoming_meeting_dashboard_is_as_at_today(client, scenario, member_of, no_kpis):
    from django.utils import timezone

    from tests.governance.factories import MeetingFactory

    upcoming = MeetingFactory(board=scenario.board)
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("meeting-dashboard", args=[upcoming.pk]))
    assert response.context["dash"]["as_at"].isoformat() == timezone.localdate().isoformat()
    # Today A1 is dark green (from 1 April 2022): no red or amber A1 any more.
    assert "1.1a" not in [r["ref"] for r in response.context["dash"]["attention"]["red_amber"]]


def test_a_board_that_oversees_only_named_actions_counts_only_those(scenario, no_kpis):
    from tests.governance.factories import BoardFactory, MeetingFactory

    board = BoardFactory(area=scenario.plan.area, name="AfC PQI Board")
    scenario.a7.boards.add(board)
    dash = to_json(
        meeting_dashboard(MeetingFactory(board=board, starts_at=scenario.meeting.starts_at))
    )
    assert matrix(dash) == {2: row_counts(red=1), "TOTAL": row_counts(red=1)}


def test_long_lists_show_the_first_rows_and_a_link_to_show_all(
    client, scenario, member_of, no_kpis, monkeypatch
):
    monkeypatch.setattr("governance.views.DASHBOARD_LIST_LIMIT", 2)
    client.force_login(member_of(scenario.plan))
    url = reverse("meeting-dashboard", args=[scenario.meeting.pk])

    response = client.get(url, {"as_at": "2022-03-22"})
    red_amber = response.context["dash"]["attention"]["red_amber"]
    assert (len(red_amber), red_amber.total) == (2, 3)
    assert "Red and amber actions (3)" in response.text
    assert "Showing the first 2 of 3." in response.text
    assert "?as_at=2022-03-22&amp;show=all" in response.text

    everything = client.get(url, {"as_at": "2022-03-22", "show": "all"})
    assert len(everything.context["dash"]["attention"]["red_amber"]) == 3
    assert "Showing the first" not in everything.text
