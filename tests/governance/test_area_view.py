"""The whole-area view: every board's summary on one page, for a programme lead."""

import pytest
from django.urls import reverse

from tests.governance.factories import BoardFactory, MeetingFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


def test_every_board_with_ratings_today_next_meeting_and_open_log(
    client, scenario, member_of, no_kpis
):
    pqi = BoardFactory(area=scenario.plan.area, name="AfC PQI Board")
    scenario.a7.boards.add(pqi)
    upcoming = MeetingFactory(board=pqi)
    client.force_login(member_of(scenario.plan, Role.PROGRAMME_LEAD))

    response = client.get(reverse("board-list"))

    boards = {b.name: b for b in response.context["boards"]}
    partnership = boards["SEND Partnership Board"]
    [summary] = partnership.plan_summaries
    cells = {(level.code if level else "UNRATED"): n for level, n in summary["cells"]}
    # Today: A1 dark green (1 Apr 2022), A2 red, A3 proposed complete, A4 amber, A5
    # unrated; A6 complete (signed off).
    assert cells == {
        "RED": 1,
        "AMBER": 1,
        "LIGHT GREEN": 0,
        "DARK GREEN": 1,
        "COMPLETED": 1,  # A6 only: a proposal is not complete until signed off
        "PROPOSED": 1,
        "UNRATED": 1,
    }
    assert (summary["total"], summary["awaiting"]) == (6, 1)
    # Overdue today: A1 and A2 (30 Jun 2022), A4 (28 Feb 2022); A5 has no date.
    assert summary["overdue"] == 3
    assert (partnership.open_log_count, partnership.overdue_log_count) == (3, 1)
    assert partnership.next_meeting_id is None  # 26 May 2022 is in the past
    assert boards["AfC PQI Board"].next_meeting_id == upcoming.pk
    assert [s["total"] for s in boards["AfC PQI Board"].plan_summaries] == [1]
    assert reverse("meeting-dashboard", args=[upcoming.pk]) in response.text
