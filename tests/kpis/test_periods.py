"""Reporting periods as local areas write them, read into a label and two dates."""

import datetime

import pytest

from kpis.periods import PeriodError, parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2019/20", D(2019, 4, 1), D(2020, 3, 31)),  # a financial year
        ("2019-20", D(2019, 4, 1), D(2020, 3, 31)),
        ("FY 2019/2020", D(2019, 4, 1), D(2020, 3, 31)),
        ("AY 2019/20", D(2019, 9, 1), D(2020, 8, 31)),  # an academic year
        ("academic year 2019/20", D(2019, 9, 1), D(2020, 8, 31)),
        ("2019/20 academic year", D(2019, 9, 1), D(2020, 8, 31)),
        ("Q1 2021/22", D(2021, 4, 1), D(2021, 6, 30)),  # financial quarters start in April
        ("Q3 2021/22", D(2021, 10, 1), D(2021, 12, 31)),
        ("Q4 2021/22", D(2022, 1, 1), D(2022, 3, 31)),
        ("2021/22 Q3", D(2021, 10, 1), D(2021, 12, 31)),
        ("Quarter 3 2021-22", D(2021, 10, 1), D(2021, 12, 31)),
        ("Apr 2021", D(2021, 4, 1), D(2021, 4, 30)),
        ("February 2020", D(2020, 2, 1), D(2020, 2, 29)),
        ("04/2021", D(2021, 4, 1), D(2021, 4, 30)),
        ("2021-04", D(2021, 4, 1), D(2021, 4, 30)),
        ("Feb-22", D(2022, 2, 1), D(2022, 2, 28)),
        ("2021/22 YTD to December", D(2021, 4, 1), D(2021, 12, 31)),
        ("2021/22 YTD Feb", D(2021, 4, 1), D(2022, 2, 28)),
        ("4/2019 to 3/2020", D(2019, 4, 1), D(2020, 3, 31)),
        ("April 2019 to March 2020", D(2019, 4, 1), D(2020, 3, 31)),
        ("Apr-Jun 2021", D(2021, 4, 1), D(2021, 6, 30)),
        ("Spring term 2020", D(2020, 1, 1), D(2020, 3, 31)),
        ("2019", D(2019, 1, 1), D(2019, 12, 31)),
        ("at 30/12/19", D(2019, 12, 30), D(2019, 12, 30)),  # a snapshot
        ("as at 30 December 2019", D(2019, 12, 30), D(2019, 12, 30)),
    ],
)
def test_period_labels_are_read_as_areas_write_them(label, start, end):
    period = parse_period(label)
    assert (period.label, period.start, period.end) == (label, start, end)


def test_a_year_to_date_takes_its_end_from_the_file():
    period = parse_period("2021/22 YTD", end=D(2021, 12, 31))
    assert (period.start, period.end) == (D(2021, 4, 1), D(2021, 12, 31))


def test_a_year_to_date_without_an_end_is_refused():
    with pytest.raises(PeriodError, match="give the end date"):
        parse_period("2021/22 YTD")


def test_explicit_dates_win_over_the_label_and_make_any_label_a_period():
    period = parse_period("January census", start=D(2021, 1, 21), end=D(2021, 1, 21))
    assert (period.label, period.start, period.end) == (
        "January census",
        D(2021, 1, 21),
        D(2021, 1, 21),
    )
    assert parse_period("Q3 2021/22", end=D(2021, 12, 15)).end == D(2021, 12, 15)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "Enter the period label"),
        ("Spring-ish", "Cannot tell the dates"),
        ("Q3 2021/23", "not a financial year quarter"),
        ("31/2/2020", "not a real date"),
    ],
)
def test_unreadable_periods_say_why(label, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(label)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(PeriodError, match="cannot end"):
        parse_period("Q3 2021/22", start=D(2022, 1, 1), end=D(2021, 12, 31))
