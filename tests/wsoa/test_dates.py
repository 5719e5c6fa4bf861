"""Plan timescales and KPI periods read the shared words of dates (wsoa.dates) the same way."""

from datetime import date

import pytest

from kpis.periods import PeriodError, parse_period
from wsoa.timescales import parse_timescale

D = date


def both_readings(text):
    """(start, end) as a plan timescale and as a KPI period read the same text."""
    timescale = parse_timescale(text)
    period = parse_period(text)
    return (timescale.start, timescale.due), (period.start, period.end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Sept 2019 to Oct 2019", D(2019, 9, 1), D(2019, 10, 31)),
        ("Sep 2019 to October 2019", D(2019, 9, 1), D(2019, 10, 31)),
        ("Febuary 2020 to March 2020", D(2020, 2, 1), D(2020, 3, 31)),
    ],
)
def test_month_names_and_abbreviations_are_read_alike(text, start, end):
    assert both_readings(text) == ((start, end), (start, end))


def test_a_month_and_two_digit_year_means_that_month_of_20xx_in_both():
    assert parse_timescale("Sept 19").due == D(2019, 9, 30)
    assert parse_period("Sept 19").end == D(2019, 9, 30)


def test_a_financial_year_quarter_three_is_october_to_december_in_both():
    expected = (D(2021, 10, 1), D(2021, 12, 31))
    for text in ("Q3 2021/22", "Quarter 3 2021-22", "2021/22 Q3", "Q3 FY 2021/22"):
        assert both_readings(text) == (expected, expected), text


def test_a_financial_year_quarter_four_is_january_to_march_of_the_second_year_in_both():
    expected = (D(2022, 1, 1), D(2022, 3, 31))
    assert both_readings("Q4 2021/22") == (expected, expected)


def test_a_calendar_quarter_is_read_alike_where_the_kpi_is_on_calendar_years():
    """A plan timescale reads "Q1 2020" as January to March. A KPI period does too under the
    calendar convention; under the financial default it has two readings and is refused."""
    from kpis.periods import PeriodError

    timescale = parse_timescale("Q1 2020")
    period = parse_period("Q1 2020", convention="calendar")
    assert (timescale.start, timescale.due) == (period.start, period.end)
    assert (period.start, period.end) == (D(2020, 1, 1), D(2020, 3, 31))
    with pytest.raises(PeriodError, match="could be"):
        parse_period("Q1 2020")


@pytest.mark.parametrize("text", ["FY 2019/20", "2019/20 financial year", "FY 2019-2020"])
def test_a_marked_financial_year_runs_april_to_march_in_both(text):
    expected = (D(2019, 4, 1), D(2020, 3, 31))
    assert both_readings(text) == (expected, expected)


@pytest.mark.parametrize("text", ["academic year 2019/20", "2019/20 academic year", "AY 2019-20"])
def test_a_marked_academic_year_runs_september_to_august_in_both(text):
    expected = (D(2019, 9, 1), D(2020, 8, 31))
    assert both_readings(text) == (expected, expected)


@pytest.mark.parametrize("text", ["2019/20", "2019-20", "2019/2020"])
def test_a_bare_year_pair_is_2019_to_2020_academic_in_a_plan_and_financial_in_a_kpi(text):
    timescale, period = both_readings(text)
    assert timescale == (D(2019, 9, 1), D(2020, 8, 31))
    assert period == (D(2019, 4, 1), D(2020, 3, 31))


def test_a_term_of_an_academic_year_falls_in_the_same_calendar_year_in_both():
    expected = (D(2020, 1, 1), D(2020, 3, 31))
    assert both_readings("Spring term 2019/20") == (expected, expected)


def test_a_full_date_is_read_alike():
    assert parse_timescale("14-Jan-19").due == D(2019, 1, 14)
    assert parse_period("14-Jan-19").end == D(2019, 1, 14)


@pytest.mark.parametrize("text", ["2019/21", "Q3 2021/23"])
def test_years_that_do_not_follow_each_other_are_no_pair_in_either(text):
    assert parse_timescale(text).due is None
    with pytest.raises(PeriodError):
        parse_period(text)


def test_years_outside_2000_to_2099_are_no_dates_in_either():
    assert parse_timescale("1999").due is None
    with pytest.raises(PeriodError, match="2000 to 2099"):
        parse_period("1999")
