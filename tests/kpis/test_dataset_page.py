"""The KPI dataset page of a plan and of a board: latest value, target, RAG, change and
trend per KPI, grouped by section, filterable, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from kpis.models import KpiRag, ValueStatus
from tests.kpis.factories import (
    BoardFactory,
    KpiFactory,
    KpiSectionFactory,
    KpiTargetFactory,
    KpiValueFactory,
)
from tests.wsoa.factories import ConcernFactory, PlanFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def monthly_series(kpi, count, start=60):
    for index in range(count):
        year = 2019 if index < 9 else 2020
        KpiValueFactory(
            kpi=kpi, period=f"{MONTHS[index % 12]} {year + index // 12}", value=start + index
        )


def build_dataset(plan, n_kpis, n_periods):
    sections = [KpiSectionFactory(plan=plan, name=name) for name in ("EHC plans", "Health")]
    concern = ConcernFactory(plan=plan, number=1)
    for index in range(n_kpis):
        kpi = KpiFactory(plan=plan, section=sections[index % 2], concerns=[concern])
        KpiTargetFactory(kpi=kpi, value=95, due_on=D(2019, 8, 31))
        KpiTargetFactory(kpi=kpi, value=97, due_on=D(2020, 3, 31))
        monthly_series(kpi, n_periods)
    return concern


def test_dataset_shows_latest_value_target_rag_change_and_trend(client, plan, member_of):
    section = KpiSectionFactory(plan=plan, name="EHC plans")
    kpi = KpiFactory(plan=plan, section=section, code="EHC2", title="Issued within 20 weeks")
    KpiTargetFactory(kpi=kpi, value=95, due_on=D(2019, 8, 31))
    KpiValueFactory(kpi=kpi, period="Q2 2021/22", value=98)
    # Ends with Q3 and contains it: not what Q3 is compared with.
    KpiValueFactory(kpi=kpi, period="2021/22 YTD to December", value=50)
    KpiValueFactory(kpi=kpi, period="Q3 2021/22", numerator=18, denominator=24, value=None)
    client.force_login(member_of(plan))

    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text

    row = html[html.index('id="kpi-') :]
    assert 'caption class="govuk-table__caption govuk-table__caption--m">EHC plans<' in html
    for text in (
        "EHC2",
        "Issued within 20 weeks",
        '<span class="kpi-figure">75%</span> <span class="kpi-fraction">(18/24)</span>',
        "Q3 2021/22",
        "95% by August 2019",
        '<strong class="kpi-rag kpi-rag--red">Red</strong>',
        '<span aria-hidden="true">▼ </span>down 23 points, <strong>worsened</strong>',
        "since Q2 2021/22",
        'class="kpi-sparkline"',
    ):
        assert text in row, text
    positions = [row.index(t) for t in ("EHC2", "75%", "95% by August", "kpi-rag--red", "worsened")]
    assert positions == sorted(positions)


def test_a_part_year_after_a_full_year_has_no_comparable_earlier_period(client, plan, member_of):
    kpi = KpiFactory(plan=plan, code="EHC2")
    KpiTargetFactory(kpi=kpi, value=95, due_on=D(2019, 8, 31))
    KpiValueFactory(kpi=kpi, period="2018/19", value=77)
    KpiValueFactory(kpi=kpi, period="2019/20 YTD to December", value=60)
    client.force_login(member_of(plan))

    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text

    row = html[html.index('id="kpi-') :]
    assert '<span class="kpi-change kpi-change--none">No comparable earlier period</span>' in row
    assert "worsened" not in row and "since 2018/19" not in row


def test_missing_and_unreliable_values_are_shown_as_such_never_as_zero(client, plan, member_of):
    missing = KpiFactory(plan=plan, code="M1")
    KpiValueFactory(kpi=missing, period="Q3 2021/22", status=ValueStatus.NO_DATA, value=None)
    unreliable = KpiFactory(plan=plan, code="U1")
    KpiValueFactory(kpi=unreliable, period="Q3 2021/22", status=ValueStatus.UNRELIABLE, value=0)
    KpiFactory(plan=plan, code="N1")  # no values at all
    client.force_login(member_of(plan))

    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text

    assert '<span class="kpi-missing">No data</span>' in html
    assert '<strong class="kpi-rag kpi-rag--no-data">No data</strong>' in html
    assert (
        '<span class="kpi-figure">0%</span> <span class="kpi-missing">(unreliable data)</span>'
        in html
    )
    assert '<strong class="kpi-rag kpi-rag--unreliable">Unreliable data</strong>' in html
    assert '<span class="kpi-missing">No values yet</span>' in html
    assert ">0%</span></td>" not in html


def test_dataset_filters_by_section_concern_and_rag(client, plan, member_of):
    ehc, health = (
        KpiSectionFactory(plan=plan, name="EHC plans"),
        KpiSectionFactory(plan=plan, name="Health"),
    )
    one, two = ConcernFactory(plan=plan, number=1), ConcernFactory(plan=plan, number=2)
    red = KpiFactory(plan=plan, section=ehc, code="RED1", concerns=[one])
    green = KpiFactory(plan=plan, section=health, code="GRN1", concerns=[two])
    empty = KpiFactory(plan=plan, section=health, code="NONE1", concerns=[two])
    for kpi, value in ((red, 50), (green, 99)):
        KpiTargetFactory(kpi=kpi, value=95)
        KpiValueFactory(kpi=kpi, period="2019/20", value=value)
    url = reverse("kpi-dataset", args=[plan.pk])
    client.force_login(member_of(plan))

    def codes(**params):
        html = client.get(url, params).text
        return {kpi.code for kpi in (red, green, empty) if f">{kpi.code} <" in html}

    assert codes() == {"RED1", "GRN1", "NONE1"}
    assert codes(section=ehc.pk) == {"RED1"}
    assert codes(concern=two.pk) == {"GRN1", "NONE1"}
    assert codes(rag=KpiRag.RED) == {"RED1"}
    assert codes(rag=KpiRag.NO_DATA) == {"NONE1"}
    assert codes(rag=KpiRag.GREEN, section=health.pk) == {"GRN1"}
    assert "No KPIs match these filters." in client.get(url, {"rag": KpiRag.AMBER}).text


def test_rag_filter_uses_the_override(client, plan, member_of):
    kpi = KpiFactory(plan=plan, code="OVR1")
    KpiTargetFactory(kpi=kpi, value=95)
    KpiValueFactory(kpi=kpi, value=99, rag_override=KpiRag.RED, override_reason="Data lag")
    client.force_login(member_of(plan))
    url = reverse("kpi-dataset", args=[plan.pk])
    assert ">OVR1 <" in client.get(url, {"rag": KpiRag.RED}).text
    assert ">OVR1 <" not in client.get(url, {"rag": KpiRag.GREEN}).text


@pytest.mark.parametrize(("n_kpis", "n_periods"), [(1, 1), (20, 12)])
def test_dataset_query_count_does_not_grow_with_kpis_or_periods(
    client, plan, member_of, n_kpis, n_periods, django_assert_num_queries
):
    build_dataset(plan, n_kpis, n_periods)
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    url = reverse("kpi-dataset", args=[plan.pk])
    # session, user, plan, membership, sections and concerns (filter form), KPIs
    # (+ concerns, targets, values)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.text.count('class="kpi-sparkline"') == (n_kpis if n_periods > 1 else 0)
    # Filtering by RAG adds no query: the rating is a subquery of the KPI query.
    with django_assert_num_queries(10):
        client.get(url, {"rag": KpiRag.RED, "section": "", "concern": ""})


def test_board_dataset_shows_the_kpis_of_the_concerns_it_oversees(client, plan, member_of):
    overseen, other = ConcernFactory(plan=plan, number=1), ConcernFactory(plan=plan, number=2)
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[overseen])
    mine = KpiFactory(plan=plan, code="B1", concerns=[overseen])
    KpiFactory(plan=plan, code="B2", concerns=[other])
    KpiTargetFactory(kpi=mine, value=95)
    KpiValueFactory(kpi=mine, period="Q1 2021/22", value=90)
    KpiValueFactory(kpi=mine, period="Q2 2021/22", value=80)
    client.force_login(member_of(plan))

    html = client.get(reverse("board-kpi-dataset", args=[board.pk])).text

    assert "SEND Partnership Board" in html
    assert ">B1 <" in html and ">B2 <" not in html
    assert "Red or worsened" in html


@pytest.mark.parametrize("n_kpis", [1, 15])
def test_board_dataset_query_count_is_fixed(
    client, plan, member_of, n_kpis, django_assert_num_queries
):
    concern = build_dataset(plan, n_kpis, 4)
    board = BoardFactory(area=plan.area, concerns=[concern])
    client.force_login(member_of(plan))
    # session, user, board, membership, plans, sections, concerns, KPIs (+3 prefetches)
    with django_assert_num_queries(11):
        client.get(reverse("board-kpi-dataset", args=[board.pk]))


def test_index_lists_datasets_of_my_plans_and_boards(client, plan, member_of):
    concern = ConcernFactory(plan=plan, number=1)
    KpiFactory(plan=plan, concerns=[concern])
    board = BoardFactory(area=plan.area, name="Performance board", concerns=[concern])
    elsewhere = PlanFactory(area__name="Elsewhere", title="Elsewhere WSOA")
    client.force_login(member_of(plan))
    html = client.get(reverse("kpi-index")).text
    assert reverse("kpi-dataset", args=[plan.pk]) in html
    assert reverse("board-kpi-dataset", args=[board.pk]) in html
    assert elsewhere.title not in html
