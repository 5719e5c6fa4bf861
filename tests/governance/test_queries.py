"""Governance pages run a fixed number of SQL queries, whatever the number of actions,
status updates, milestones, due-date changes, meetings and meeting actions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.services import board_pack_issue
from tests.actions.factories import ActionFactory, MilestoneFactory
from tests.governance.factories import (
    BoardFactory,
    MeetingActionFactory,
    MeetingFactory,
    at,
    move_due_date,
    rate,
)
from tests.wsoa.factories import ConcernFactory, PlanFactory, PostFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def build(n: int):
    """A board overseeing n actions, each with 4 ratings, a milestone, a due-date change and
    a lead; n earlier meetings each with a meeting action."""
    plan = PlanFactory(area__name="Kingston upon Thames")
    levels = list(plan.rating_scheme.levels.order_by("rank"))
    concerns = [ConcernFactory(plan=plan, number=i + 1) for i in range(2)]
    board = BoardFactory(area=plan.area, concerns=concerns)
    post = PostFactory(area=plan.area)
    for i in range(n):
        meeting = MeetingFactory(
            board=board, starts_at=at("2021-01-04") + datetime.timedelta(7 * i)
        )
        MeetingActionFactory(raised_at=meeting, number=i + 1, due_date=D("2022-01-01"))
    meeting = MeetingFactory(board=board, starts_at=at("2022-03-22", 14), held=True)
    MeetingFactory(board=board, starts_at=at("2022-05-26", 10))
    for i in range(n):
        action = ActionFactory(
            plan=plan,
            concern=concerns[i % 2],
            outcome=None,
            ref=f"{i % 2 + 1}.{i}a",
            due_date=D("2022-02-01"),
            leads=[post],
        )
        for j, day in enumerate(["2021-06-01", "2021-12-01", "2022-02-01", "2022-03-01"]):
            rate(action, levels[(i + j) % len(levels)], day, narrative=f"Update {j}")
        MilestoneFactory(action=action, due_date=D("2022-01-15"))
        move_due_date(action, to=D("2022-02-01"), changed_at=at("2022-02-10"))
    return plan, board, meeting


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Expected queries per page (session, user and the user's roles included). The KPI section
# is left out (`no_kpis`): it runs the KPI feature's own fixed number of queries.
# The boards list counts its boards once more, to page them (20 a page, however many areas).
EXPECTED = {"dashboard": 13, "meeting": 10, "board": 9, "board-list": 10, "pack": 7}


@pytest.mark.parametrize("n", [1, 25])
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_query_count_is_constant(client, member_of, no_kpis, page, n):
    plan, board, meeting = build(n)
    board_pack_issue(user=None, meeting=meeting)
    client.force_login(member_of(plan, Role.PROGRAMME_LEAD))
    url = {
        "dashboard": reverse("meeting-dashboard", args=[meeting.pk]),
        "meeting": reverse("meeting-detail", args=[meeting.pk]),
        "board": reverse("board-detail", args=[board.pk]),
        "board-list": reverse("area-boards", args=[plan.area_id]),
        "pack": reverse("board-pack", args=[meeting.pk, 1]),
    }[page]
    assert count_queries(client, url) == EXPECTED[page]


@pytest.mark.parametrize("n", [1, 25])
def test_issuing_a_pack_runs_a_fixed_number_of_queries(django_assert_num_queries, no_kpis, n):
    _, _, meeting = build(n)
    with django_assert_num_queries(17):
        board_pack_issue(user=None, meeting=meeting)


@pytest.mark.parametrize("kpi_count", [1, 12])
def test_dashboard_with_its_kpi_section_runs_a_fixed_number_of_queries(
    client, member_of, kpi_count
):
    """The KPI section too: the same count at 1 KPI with 1 value as at 12 KPIs with 6 each."""
    from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory

    plan, board, meeting = build(3)
    for i in range(kpi_count):
        kpi = KpiFactory(plan=plan, concerns=list(board.concerns.all()))
        KpiTargetFactory(kpi=kpi, value=90 + i % 3, due_on=D("2022-08-31"))
        for year in range(2016, 2016 + (6 if kpi_count > 1 else 1)):
            KpiValueFactory(kpi=kpi, period=f"{year}/{str(year + 1)[2:]}", value=70 + i)
    client.force_login(member_of(plan, Role.PROGRAMME_LEAD))
    url = reverse("meeting-dashboard", args=[meeting.pk])
    assert count_queries(client, url) == EXPECTED["dashboard"] + DASHBOARD_KPI_QUERIES
    rows = client.get(url).context["dash"]["kpis"]
    assert rows["count"] == kpi_count


# The KPI section's own queries (kpis.selectors.board_kpi_summary).
DASHBOARD_KPI_QUERIES = 4
