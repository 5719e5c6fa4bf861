"""RAG and change, worked by hand: each case gives the value, the target in force and the
rating a reader should see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis import services
from kpis.models import KpiRag, ValueStatus
from kpis.periods import parse_period
from tests.kpis.factories import KpiFactory, KpiTargetFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def lead(plan, member_of):
    return member_of(plan, Role.PROGRAMME_LEAD, username="lead")


def record(lead, kpi, label, value=None, **fields):
    return services.kpi_value_record(
        user=lead,
        kpi=kpi,
        period=parse_period(label, start=fields.pop("start", None), end=fields.pop("end", None)),
        value=None if value is None else Decimal(str(value)),
        **fields,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (96, KpiRag.GREEN),  # beats the target
        (95, KpiRag.GREEN),  # meets it exactly
        (92, KpiRag.AMBER),  # 3 points short, within the 5-point band
        (90, KpiRag.AMBER),  # exactly 5 short: the band includes its edge
        ("89.9", KpiRag.RED),  # 5.1 short
        (61, KpiRag.RED),
    ],
)
def test_higher_is_better_against_a_single_target(plan, lead, value, expected):
    kpi = KpiFactory(plan=plan, amber_threshold=5)
    KpiTargetFactory(kpi=kpi, value=95, due_on=D(2019, 8, 31))
    saved = record(lead, kpi, "2019/20", value)
    assert saved.computed_rag == expected
    assert saved.target_value == Decimal("95")


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (19, KpiRag.GREEN),  # fewer days than the target: better
        (20, KpiRag.GREEN),
        (21, KpiRag.AMBER),  # 1 day over, within the 2-day band
        (22, KpiRag.AMBER),
        ("22.5", KpiRag.RED),
    ],
)
def test_lower_is_better_rates_values_above_the_target_as_worse(plan, lead, days, expected):
    kpi = KpiFactory(plan=plan, days=True)  # lower is better, amber within 2 days
    KpiTargetFactory(kpi=kpi, value=20, due_on=D(2020, 3, 31))
    assert record(lead, kpi, "Q4 2019/20", days).computed_rag == expected


@pytest.mark.parametrize(
    ("period", "value", "target", "expected"),
    [
        # Trajectory: 50% by July 2019, 75% by December 2019, 95% by March 2020.
        ("Q1 2019/20", 45, 50, KpiRag.AMBER),  # ends before the first point: the first applies
        ("Jul 2019", 49, 50, KpiRag.AMBER),  # ends on the first point's date
        ("Q2 2019/20", 62, 50, KpiRag.GREEN),  # July's point is in force until December's
        ("Q3 2019/20", 71, 75, KpiRag.AMBER),  # ends 31 December: December's point
        ("Q4 2019/20", 88, 95, KpiRag.RED),
        ("Q1 2020/21", 94, 95, KpiRag.AMBER),  # after the last point, it stays in force
    ],
)
def test_trajectory_point_in_force_for_the_period(plan, lead, period, value, target, expected):
    kpi = KpiFactory(plan=plan, amber_threshold=5)
    for points, due in ((50, D(2019, 7, 31)), (75, D(2019, 12, 31)), (95, D(2020, 3, 31))):
        KpiTargetFactory(kpi=kpi, value=points, due_on=due)
    saved = record(lead, kpi, period, value)
    assert (saved.target_value, saved.computed_rag) == (Decimal(target), expected)


def test_missing_and_unreliable_values_are_never_rated_as_figures(plan, lead):
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=95)
    missing = record(lead, kpi, "Apr 2019", status=ValueStatus.NO_DATA)
    unreliable = record(lead, kpi, "May 2019", 99, status=ValueStatus.UNRELIABLE)
    assert (missing.value, missing.computed_rag) == (None, KpiRag.NO_DATA)
    assert unreliable.computed_rag == KpiRag.UNRELIABLE  # 99 would have been green


def test_no_target_and_context_measures_are_not_rated(plan, lead):
    untargeted = KpiFactory(plan=plan)
    context = KpiFactory(plan=plan, count=True)
    assert record(lead, untargeted, "2019/20", 50).computed_rag == KpiRag.NO_TARGET
    assert record(lead, context, "at 30/12/19", 1312).computed_rag == KpiRag.NO_TARGET


def test_no_amber_band_makes_any_shortfall_red(plan, lead):
    kpi = KpiFactory(plan=plan, amber_threshold=0)
    KpiTargetFactory(kpi=kpi, value=95)
    assert record(lead, kpi, "2019/20", "94.9").computed_rag == KpiRag.RED


def test_percentage_from_numerator_and_denominator(plan, lead):
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=75)
    saved = record(lead, kpi, "Q3 2021/22", numerator=18, denominator=24)
    assert (saved.value, saved.computed_rag) == (Decimal("75.00"), KpiRag.GREEN)


def test_override_is_shown_as_an_override_and_keeps_the_computed_rating(client, plan, lead):
    kpi = KpiFactory(plan=plan, code="EHC2")
    KpiTargetFactory(kpi=kpi, value=95)
    value = record(lead, kpi, "Q3 2021/22", 92)
    services.kpi_value_override(
        user=lead, value=value, rag=KpiRag.RED, reason="Recruitment gaps will worsen Q4"
    )
    value.refresh_from_db()
    assert (value.rag, value.computed_rag, value.is_overridden) == (
        KpiRag.RED,
        KpiRag.AMBER,
        True,
    )
    client.force_login(lead)
    html = client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk])).text
    assert '<strong class="kpi-rag kpi-rag--red">Red</strong>' in html
    assert "(override: Recruitment gaps will worsen Q4)" in html
    assert "Computed: Amber" in html


def test_a_changed_figure_clears_the_override(plan, lead):
    kpi = KpiFactory(plan=plan)
    KpiTargetFactory(kpi=kpi, value=95)
    value = record(lead, kpi, "Q3 2021/22", 92)
    services.kpi_value_override(user=lead, value=value, rag=KpiRag.GREEN, reason="Data lag")
    corrected = record(lead, kpi, "Q3 2021/22", 80)
    assert (corrected.corrects, corrected.rag, corrected.override_reason) == (
        value,
        KpiRag.RED,
        "",
    )
    history = corrected.history.order_by("history_date").values_list(
        "history_change_reason", flat=True
    )
    assert "RAG override was cleared" in list(history)[-1]


def test_changing_targets_rerates_values(plan, lead):
    kpi = KpiFactory(plan=plan)
    value = record(lead, kpi, "2019/20", 80)
    assert value.computed_rag == KpiRag.NO_TARGET
    services.kpi_targets_set(
        user=lead, kpi=kpi, targets=[{"value": 95, "due_on": D(2019, 8, 31), "label": ""}]
    )
    value.refresh_from_db()
    assert value.computed_rag == KpiRag.RED


@pytest.mark.parametrize(
    ("direction", "before", "after", "text"),
    [
        ("higher", 70, 75, "up 5 points, <strong>improved</strong>"),
        ("higher", 75, 70, "down 5 points, <strong>worsened</strong>"),
        ("lower", 75, 70, "down 5 points, <strong>improved</strong>"),
        ("lower", 70, 75, "up 5 points, <strong>worsened</strong>"),
        ("higher", 70, 70, "No change"),
    ],
)
def test_change_from_the_previous_period_respects_the_direction(
    client, plan, lead, direction, before, after, text
):
    kpi = KpiFactory(plan=plan, direction=direction)
    record(lead, kpi, "Q1 2021/22", before)
    record(lead, kpi, "Q2 2021/22", after)
    client.force_login(lead)
    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text
    assert text in html


def test_no_comparison_with_a_missing_or_unreliable_period(client, plan, lead):
    missing = KpiFactory(plan=plan, code="A1")
    record(lead, missing, "Q1 2021/22", status=ValueStatus.NO_DATA)
    record(lead, missing, "Q2 2021/22", 70)
    unreliable = KpiFactory(plan=plan, code="A2")
    record(lead, unreliable, "Q1 2021/22", 60)
    record(lead, unreliable, "Q2 2021/22", 70, status=ValueStatus.UNRELIABLE)
    client.force_login(lead)
    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text
    assert html.count("No comparison") == 2
    assert "improved" not in html and "worsened" not in html


def test_context_measure_changes_go_up_or_down_without_judgement(client, plan, lead):
    kpi = KpiFactory(plan=plan, count=True, code="EHC1")
    record(lead, kpi, "at 30/12/18", 1157)
    record(lead, kpi, "at 30/12/19", 1312)
    client.force_login(lead)
    html = client.get(reverse("kpi-dataset", args=[plan.pk])).text
    assert "up 155</span>" in html
    assert "1,312" in html
