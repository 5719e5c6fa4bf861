"""The dashboard as at any date is reconstructed from the append-only history."""

import datetime

import pytest
from django.urls import reverse

from governance.dashboard import meeting_dashboard
from governance.snapshot import to_json
from tests.governance.factories import at, rate
from tests.governance.helpers import matrix, refs, row_counts

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def _a1(dash):
    return next(
        row["level"]
        for row in dash["attention"]["red_amber"] + [{"ref": "1.1a", "level": None}]
        if row["ref"] == "1.1a"
    )


@pytest.mark.parametrize(
    ("as_at", "expected_row_1", "expected_row_2"),
    [
        # Only A4's amber (1 Nov 2021) exists yet; everything else is not yet rated.
        ("2021-11-15", row_counts(amber=1, unrated=4), row_counts(unrated=1)),
        # The previous meeting: A1 red, A2 light green, A3 dark green, A4 amber; A6 proposed
        # (not signed off until 15 February, so not yet complete).
        (
            "2022-01-10",
            row_counts(red=1, amber=1, light_green=1, dark_green=1, unrated=1),
            row_counts(proposed=1),
        ),
        # A3's completion is proposed (10 March), not signed off; A6 was signed off.
        ("2022-03-22", row_counts(red=1, amber=2, proposed=1, unrated=1), row_counts(completed=1)),
        # After A1 went dark green on 1 April 2022.
        (
            "2022-04-02",
            row_counts(red=1, amber=1, dark_green=1, proposed=1, unrated=1),
            row_counts(completed=1),
        ),
    ],
)
def test_rag_summary_as_at_different_dates(
    scenario, no_kpis, as_at, expected_row_1, expected_row_2
):
    dash = to_json(meeting_dashboard(scenario.meeting, as_at=D(as_at)))
    table = matrix(dash)
    assert table[1] == expected_row_1
    assert table[2] == expected_row_2


def test_one_actions_rating_changes_across_dates(scenario, no_kpis):
    levels = scenario.levels
    seen = {}
    for day in ["2021-11-15", "2022-01-10", "2022-03-22", "2022-04-02"]:
        dash = to_json(meeting_dashboard(scenario.meeting, as_at=D(day)))
        cells = {row["number"]: row["cells"] for row in dash["plans"][0]["rows"]}
        seen[day] = dash
        assert cells  # the matrix always has the board's concerns
    assert _a1(seen["2022-01-10"]) == levels.red.pk
    assert _a1(seen["2022-03-22"]) == levels.amber.pk
    assert _a1(seen["2022-04-02"]) is None  # dark green: no longer red or amber


@pytest.mark.parametrize(
    ("as_at", "due"),
    [("2021-12-10", "2022-01-31"), ("2022-01-10", "2022-03-31"), ("2022-03-22", "2022-06-30")],
)
def test_due_dates_are_reconstructed_from_due_date_changes(scenario, as_at, due):
    # A2 was due 31 Jan 2022, moved to 31 Mar on 15 Dec 2021 and to 30 Jun on 20 Feb 2022.
    from actions.models import Action
    from governance.dashboard import with_due_date_as_at

    a2 = with_due_date_as_at(
        Action.objects.filter(pk=scenario.a2.pk), on=D(as_at), known_by=None, subject="action"
    ).get()
    assert a2.due_as_at == D(due)


def test_an_action_is_overdue_only_against_the_due_date_in_force_then(scenario, no_kpis):
    red_amber_on_22_march = to_json(meeting_dashboard(scenario.meeting, as_at=D("2022-03-22")))
    a2 = next(r for r in red_amber_on_22_march["attention"]["red_amber"] if r["ref"] == "1.1b")
    assert a2["due_date"] == "2022-06-30"
    # On 5 Feb 2022 its first date (31 Jan) had passed, but it had been moved to 31 March.
    dash = to_json(meeting_dashboard(scenario.meeting, as_at=D("2022-02-05")))
    assert "1.1b" not in refs(dash["attention"]["overdue_actions"])
    assert refs(dash["attention"]["overdue_actions"]) == []


def test_latest_recorded_wins_on_the_same_effective_date_and_known_by_hides_later(
    scenario, no_kpis
):
    levels = scenario.levels
    # Two updates for A5 effective on the same day; the second was recorded later.
    rate(scenario.a5, levels.red, "2022-03-15", recorded_at=at("2022-03-15", 9))
    rate(scenario.a5, levels.light, "2022-03-15", recorded_at=at("2022-03-16", 9))

    dash = to_json(meeting_dashboard(scenario.meeting, as_at=D("2022-03-22")))
    assert matrix(dash)[1]["LIGHT GREEN"] == 1

    known_on_15th = to_json(
        meeting_dashboard(scenario.meeting, as_at=D("2022-03-22"), known_by=at("2022-03-15", 18))
    )
    assert matrix(known_on_15th)[1]["LIGHT GREEN"] == 0
    assert matrix(known_on_15th)[1]["RED"] == 2


def test_dashboard_page_takes_an_as_at_date(client, scenario, member_of, no_kpis):
    client.force_login(member_of(scenario.plan))
    url = reverse("meeting-dashboard", args=[scenario.meeting.pk])
    response = client.get(url, {"as_at": "2022-01-10"})
    assert response.status_code == 200
    assert response.context["dash"]["as_at"].isoformat() == "2022-01-10"
    assert "Ratings as at <strong>10 January 2022</strong>" in response.text


def test_a_malformed_as_at_date_is_an_error_not_a_crash(client, scenario, member_of, no_kpis):
    client.force_login(member_of(scenario.plan))
    url = reverse("meeting-dashboard", args=[scenario.meeting.pk])
    response = client.get(url, {"as_at": "22/03/2022"})
    assert response.status_code == 400
    assert "Enter the date as year-month-day" in response.text
    assert response.context["dash"]["as_at"].isoformat() == "2022-03-22"


@pytest.mark.parametrize("as_at", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_a_date_outside_the_services_years_is_a_400_with_a_message(
    client, scenario, member_of, no_kpis, as_at
):
    client.force_login(member_of(scenario.plan))
    url = reverse("meeting-dashboard", args=[scenario.meeting.pk])
    response = client.get(url, {"as_at": as_at})
    assert response.status_code == 400
    assert "Enter a date between 1 January 2000 and 31 December 2099" in response.text
