"""The KPI page: definition, targets, the chart with its text alternative and the data
table beside it, linked actions with their ratings, and corrections."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis import services
from kpis.models import ValueStatus
from kpis.periods import parse_period
from tests.actions.factories import ActionFactory, StatusUpdateFactory
from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.wsoa.factories import ConcernFactory, OutcomeFactory, PostFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def trajectory_kpi(plan):
    concern = ConcernFactory(plan=plan, number=3, title="CCG strategic leadership")
    owner = PostFactory(
        area=plan.area, title="Designated Clinical Officer", holder_name="A. Stewart"
    )
    kpi = KpiFactory(
        plan=plan,
        code="H2",
        title="Positive feedback about DMO and DCO support",
        concerns=[concern],
        data_owner=owner,
        measurement="Feedback survey of professionals and parents.",
    )
    for value, due, label in (
        (50, D(2019, 7, 31), "By July 2019 - 50%"),
        (75, D(2019, 12, 31), "By December 2019 - 75%"),
        (95, D(2020, 3, 31), "By March 2020 - 95%"),
    ):
        KpiTargetFactory(kpi=kpi, value=value, due_on=due, label=label)
    for period, value in (("Q1 2019/20", 45), ("Q2 2019/20", 62), ("Q3 2019/20", 71)):
        KpiValueFactory(kpi=kpi, period=period, value=value)
    KpiValueFactory(kpi=kpi, period="Q4 2019/20", status=ValueStatus.NO_DATA, value=None)
    return kpi


def test_kpi_page_shows_definition_trajectory_chart_and_values(
    client, plan, member_of, trajectory_kpi
):
    client.force_login(member_of(plan))
    html = client.get(reverse("kpi-detail", args=[plan.pk, trajectory_kpi.pk])).text

    assert (
        '<h1 class="govuk-heading-xl">H2 Positive feedback about DMO and DCO support</h1>' in html
    )
    assert "Designated Clinical Officer (A. Stewart)" in html
    assert "Significant concern 3: CCG strategic leadership" in html
    assert ">Trajectory</h2>" in html and "By December 2019 - 75%" in html
    # The chart: inline SVG with a title and a text alternative, then the data table.
    chart = html[html.index('<figure class="kpi-chart">') : html.index("</figure>")]
    assert chart.count("<svg") == 1 and 'role="img"' in chart
    assert "<title id=" in chart and "Chart of H2" in chart
    assert (
        "4 periods: 45% (Q1 2019/20); 62% (Q2 2019/20); 71% (Q3 2019/20); No data (Q4 2019/20)."
        in chart
    )
    assert "Trajectory: 50% by July 2019, 75% by December 2019, 95% by March 2020." in chart
    assert "<?xml" not in chart and "<style" not in chart and "<metadata" not in chart
    table = html[html.index('id="values"') :]
    assert table.index("Q1 2019/20") < table.index("Q2 2019/20") < table.index("Q4 2019/20")
    assert 'kpi-rag--amber">Amber' in table and 'kpi-rag--no-data">No data' in table
    # Each value against the quarter before it; Q1 has none in the series.
    assert table.count("No comparable earlier period") == 1
    assert "up 17 points, <strong>improved</strong>" in table and "since Q1 2019/20" in table


def test_linked_actions_show_their_current_ratings(client, plan, member_of):
    outcome = OutcomeFactory(concern=ConcernFactory(plan=plan, number=1))
    action = ActionFactory(outcome=outcome, ref="3.2k", description="Advice and support")
    StatusUpdateFactory(action=action, level=level(plan, "AMBER"))
    kpi = KpiFactory(plan=plan, actions=[action])
    client.force_login(member_of(plan))
    html = client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk])).text
    section = html[html.index('id="actions"') :]
    assert "Action 3.2k" in section and "Advice and support" in section
    assert f'class="wsoa-rating {level(plan, "AMBER").css_class}"' in section


def test_corrections_show_what_a_value_was_and_who_changed_it(client, plan, member_of):
    lead = member_of(plan, Role.PROGRAMME_LEAD, first_name="Priya", last_name="Lead")
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=95)
    for figure in ("90", "96"):
        services.kpi_value_record(
            user=lead, kpi=kpi, period=parse_period("Q3 2021/22"), value=Decimal(figure)
        )
    client.force_login(lead)
    html = client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk])).text
    corrections = html[html.index('id="corrections"') :]
    assert "90% (Amber)" in corrections and "96% (Green)" in corrections
    assert "Priya Lead: Corrected" in corrections


@pytest.mark.parametrize("n_periods", [1, 24])
def test_kpi_page_query_count_does_not_grow_with_periods(
    client, plan, member_of, n_periods, django_assert_num_queries
):
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=95)
    for index in range(n_periods):
        KpiValueFactory(kpi=kpi, period=f"Q{index % 4 + 1} {2015 + index // 4}/{16 + index // 4}")
    client.force_login(member_of(plan))
    # session, user, plan, KPI, membership, KPI row (+ concerns, targets, values), levels,
    # actions, history
    with django_assert_num_queries(12):
        client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk]))
