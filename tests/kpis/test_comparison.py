"""Like-for-like comparisons, worked by hand: each value is compared only with the value of
the same kind and length of period before it (kpis.comparison)."""

import datetime

import pytest

from kpis.comparison import (
    PeriodKind,
    Trend,
    changes_in_series,
    comparable_earlier_period,
    period_shape,
)
from kpis.models import Kpi
from kpis.periods import parse_period
from kpis.selectors import kpi_rows
from tests.kpis.factories import KpiFactory, KpiValueFactory

D = datetime.date


def earlier(label):
    period = parse_period(label)
    return comparable_earlier_period(period.start, period.end)


@pytest.mark.parametrize(
    ("label", "kind", "expected"),
    [
        ("Q3 2021/22", PeriodKind.QUARTER, (D(2021, 7, 1), D(2021, 9, 30))),  # Q2 2021/22
        ("Q1 2021/22", PeriodKind.QUARTER, (D(2021, 1, 1), D(2021, 3, 31))),  # Q4 2020/21
        ("Mar 2020", PeriodKind.MONTH, (D(2020, 2, 1), D(2020, 2, 29))),  # a leap February
        ("2019/20", PeriodKind.YEAR, (D(2018, 4, 1), D(2019, 3, 31))),  # 2018/19
        ("AY 2019/20", PeriodKind.YEAR, (D(2018, 9, 1), D(2019, 8, 31))),
        ("2021/22 YTD to December", PeriodKind.MONTHS, (D(2020, 4, 1), D(2020, 12, 31))),
        ("Apr-Aug 2021", PeriodKind.MONTHS, (D(2020, 4, 1), D(2020, 8, 31))),
        ("at 30/12/19", PeriodKind.DAY, None),  # the latest earlier position instead
    ],
)
def test_the_comparable_earlier_period_is_the_same_kind_and_length(label, kind, expected):
    period = parse_period(label)
    assert period_shape(period.start, period.end).kind == kind
    assert earlier(label) == expected


def test_a_run_of_days_is_compared_with_the_same_days_a_year_earlier():
    assert comparable_earlier_period(D(2020, 2, 29), D(2020, 5, 15)) == (
        D(2019, 2, 28),
        D(2019, 5, 15),
    )


@pytest.fixture
def compare(plan, db):
    """compare([(label, value), ...]) -> the dataset row of a new KPI with those values."""

    def build(values, **kpi_fields):
        kpi = KpiFactory(plan=plan, **kpi_fields)
        for label, value in values:
            KpiValueFactory(kpi=kpi, period=label, value=value)
        return kpi_rows(Kpi.objects.filter(pk=kpi.pk))[0]

    return build


def test_quarter_against_the_quarter_before_not_the_year_to_date_containing_it(compare):
    row = compare([("Q2 2021/22", 70), ("2021/22 YTD to December", 90), ("Q3 2021/22", 61)])
    assert row.latest.period_label == "Q3 2021/22"
    assert (row.previous.period_label, row.change.trend, str(row.change.amount)) == (
        "Q2 2021/22",
        Trend.WORSENED,
        "-9.00",
    )


def test_year_to_date_against_the_same_months_a_year_earlier(compare):
    row = compare(
        [("2019/20 YTD to December", 80), ("2019/20", 70), ("2020/21 YTD to December", 85)]
    )
    assert (row.previous.period_label, row.change.trend, str(row.change.amount)) == (
        "2019/20 YTD to December",
        Trend.IMPROVED,
        "5.00",
    )


def test_a_part_year_is_never_compared_with_a_full_year(compare):
    row = compare([("2018/19", 76.6), ("2019/20 YTD to December", 98)])
    assert row.previous is None
    assert (row.change.trend, row.change.amount, row.is_worsened) == (
        Trend.NO_EARLIER_PERIOD,
        None,
        False,
    )
    row = compare([("2019/20 YTD to December", 98), ("Q3 2021/22", 61)])
    assert (row.change.trend, row.is_worsened) == (Trend.NO_EARLIER_PERIOD, False)


def changes_by_label(series):
    return {
        value.period_label: change
        for value, (_, change) in zip(
            series, changes_in_series(series, direction="higher"), strict=True
        )
    }


def test_full_year_against_the_year_before_even_with_quarters_between(compare):
    row = compare([("2019/20", 70), ("Q4 2020/21", 50), ("2020/21", 66)])
    assert row.latest.period_label == "Q4 2020/21"  # ends with the year, starts later
    assert row.change.trend == Trend.NO_EARLIER_PERIOD  # no Q3 2020/21
    changes = changes_by_label(row.series)
    assert (changes["2020/21"].previous_label, str(changes["2020/21"].amount)) == (
        "2019/20",
        "-4.00",
    )


def test_a_monthly_series_compares_each_month_with_the_one_before(compare):
    row = compare([("Jan 2020", 60), ("Feb 2020", 64), ("Apr 2020", 66), ("May 2020", 62)])
    assert (row.previous.period_label, str(row.change.amount), row.change.trend) == (
        "Apr 2020",
        "-4.00",
        Trend.WORSENED,
    )
    changes = [c for _, c in changes_in_series(row.series, direction="higher")]
    assert [c.trend for c in changes] == [
        Trend.NO_EARLIER_PERIOD,  # January: nothing before it
        Trend.IMPROVED,
        Trend.NO_EARLIER_PERIOD,  # April: March is missing, February is not comparable
        Trend.WORSENED,
    ]


def test_positions_at_a_date_compare_with_the_latest_earlier_position(compare):
    row = compare([("at 30/12/18", 1157), ("at 30/06/19", 1200), ("at 30/12/19", 1312)], count=True)
    assert (row.previous.period_label, str(row.change.amount), row.change.trend) == (
        "at 30/06/19",
        "112.00",
        Trend.UP,
    )
