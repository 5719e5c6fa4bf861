"""The one period grammar: every label form, the year conventions, qualifiers, and the labels
with two readings, which are refused naming both (never read silently as one of them)."""

import datetime

import pytest

from kpis.periods import PeriodError, parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("label", "convention", "start", "end"),
    [
        # years, in the convention in force (default financial)
        ("2019/20", None, D(2019, 4, 1), D(2020, 3, 31)),
        ("2019/20", "academic", D(2019, 9, 1), D(2020, 8, 31)),
        ("FY 2019/20", "academic", D(2019, 4, 1), D(2020, 3, 31)),  # a marker wins
        ("AY 2019/20", "financial", D(2019, 9, 1), D(2020, 8, 31)),
        ("2018/9", None, D(2018, 4, 1), D(2019, 3, 31)),  # one-digit shorthand
        ("2019/0", None, D(2019, 4, 1), D(2020, 3, 31)),
        ("2019", None, D(2019, 1, 1), D(2019, 12, 31)),
        ("CY 2019", None, D(2019, 1, 1), D(2019, 12, 31)),
        # quarters and halves
        ("Q3 2021/2", None, D(2021, 10, 1), D(2021, 12, 31)),
        ("Q1 2021/22", "academic", D(2021, 9, 1), D(2021, 11, 30)),
        ("H1 2021/22", None, D(2021, 4, 1), D(2021, 9, 30)),
        ("H2 2021/22", None, D(2021, 10, 1), D(2022, 3, 31)),
        ("2021/22 H2", None, D(2021, 10, 1), D(2022, 3, 31)),
        ("Q1 2021", "calendar", D(2021, 1, 1), D(2021, 3, 31)),
        ("H2 2021", "calendar", D(2021, 7, 1), D(2021, 12, 31)),
        # ranges and "up to"
        ("Q1-Q3 2021/22", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("Q2 to Q4 2021/22", None, D(2021, 7, 1), D(2022, 3, 31)),
        ("Apr-Dec 2021", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("Nov-Feb 2022", None, D(2021, 11, 1), D(2022, 2, 28)),
        ("Apr 2021 to Mar 2022", None, D(2021, 4, 1), D(2022, 3, 31)),
        ("up to Q3 2021/22", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("up to December 2021", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("up to December 2021", "calendar", D(2021, 1, 1), D(2021, 12, 31)),
        # years to date with an end in the label
        ("2021/22 YTD to December", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("2021/22 YTD Q3", None, D(2021, 4, 1), D(2021, 12, 31)),
        ("YTD Dec 2021", "academic", D(2021, 9, 1), D(2021, 12, 31)),
        # months, terms, days
        ("Dec 2021/22", None, D(2021, 12, 1), D(2021, 12, 31)),
        ("May 2021/22", "academic", D(2022, 5, 1), D(2022, 5, 31)),
        ("06/2021", None, D(2021, 6, 1), D(2021, 6, 30)),
        ("Spring term 2021", None, D(2021, 1, 1), D(2021, 3, 31)),
        ("Summer term 2019/20", None, D(2020, 4, 1), D(2020, 7, 31)),
        ("Autumn 1 2019", None, D(2019, 9, 1), D(2019, 10, 31)),
        ("Winter 2021/22", None, D(2021, 12, 1), D(2022, 2, 28)),
        ("as at 31/03/2022", None, D(2022, 3, 31), D(2022, 3, 31)),
    ],
)
def test_every_label_form_is_read_in_the_convention_in_force(label, convention, start, end):
    period = parse_period(label, convention=convention)
    assert (period.start, period.end) == (start, end)


def test_the_convention_used_and_the_kind_of_period_are_kept_with_the_reading():
    period = parse_period("Q3 2021/22")
    assert (period.convention, period.reading) == ("financial", "financial quarter")
    assert period.read_as == "Oct\u2013Dec 2021 (01/10/2021 to 31/12/2021)"
    assert parse_period("Apr 2021").convention == ""  # a month needs no convention


@pytest.mark.parametrize(
    ("label", "core", "qualifier"),
    [
        ("2021/22 (provisional)", "2021/22", "provisional"),
        ("Q3 2021/22 FTE", "Q3 2021/22", "FTE"),
        ("2021/22 forecast", "2021/22", "forecast"),
        ("Q3 2021/22 FTE (provisional)", "Q3 2021/22", "FTE, provisional"),
        ("2020/21 (p)", "2020/21", "provisional"),
        ("Apr 2021 - revised", "Apr 2021", "revised"),
    ],
)
def test_a_qualifier_after_the_period_is_kept_apart_not_part_of_the_period(label, core, qualifier):
    period = parse_period(label)
    assert (period.label, period.qualifier) == (core, qualifier)
    assert (period.start, period.end) == (parse_period(core).start, parse_period(core).end)


def test_a_year_to_date_without_an_end_ends_on_the_as_at_date_or_the_given_end():
    period = parse_period("2021/22 YTD", as_at=D(2021, 12, 31))
    assert (period.start, period.end) == (D(2021, 4, 1), D(2021, 12, 31))
    assert "as at" in period.reading
    assert parse_period("YTD", as_at=D(2022, 1, 15)).start == D(2021, 4, 1)
    assert parse_period("YTD", end=D(2022, 1, 15), convention="calendar").start == D(2022, 1, 1)
    with pytest.raises(PeriodError, match="not in it"):
        parse_period("2021/22 YTD", as_at=D(2022, 6, 30))
    with pytest.raises(PeriodError, match="as at"):
        parse_period("YTD")


@pytest.mark.parametrize(
    ("label", "convention", "both"),
    [
        ("Q1 2021", None, ["Jan\u2013Mar 2021", "Apr\u2013Jun 2021", "'Q1 2021/22'"]),
        ("Q1 2021", "financial", ["Jan\u2013Mar 2021", "Apr\u2013Jun 2021"]),
        ("Q1 2021", "academic", ["Jan\u2013Mar 2021", "Sep\u2013Nov 2021"]),
        ("H1 2021", None, ["Jan\u2013Jun 2021", "Apr\u2013Sep 2021"]),
        ("Spring 2021", None, ["Jan\u2013Mar 2021 (the spring term)", "Mar\u2013May 2021"]),
        ("Summer 2021", None, ["Apr\u2013Jul 2021", "Jun\u2013Aug 2021"]),
        ("Winter 2021", None, ["Dec 2020\u2013Feb 2021", "Dec 2021\u2013Feb 2022"]),
        ("2011-12", None, ["Dec 2011", "Apr 2011\u2013Mar 2012"]),
        ("FY 2021", None, ["2020/21", "2021/22"]),
        ("2019/20", "calendar", ["Apr 2019\u2013Mar 2020", "Sep 2019\u2013Aug 2020"]),
        ("Q3 2021/22", "calendar", ["Oct\u2013Dec 2021", "Mar\u2013May 2022"]),
        ("Q1-Q3 2021/22", "calendar", ["Apr\u2013Dec 2021", "Sep 2021\u2013May 2022"]),
        ("6/20/21", None, ["20 June 2021", "20/06/2021"]),
    ],
)
def test_a_label_with_two_readings_is_refused_naming_both(label, convention, both):
    with pytest.raises(PeriodError) as caught:
        parse_period(label, convention=convention)
    for text in both:
        assert text in str(caught.value)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2021/22 part year", "is part of a year"),
        ("2021/22 (partial)", "is part of a year"),
        ("2021/22 (to Dec)", "Cannot tell the dates"),  # a bracket that is not a qualifier
        ("2021-2", "could be a month or a year"),
        ("(provisional)", "names no period"),
        ("Apr 2022 to Jun 2021", "runs backwards"),
    ],
)
def test_a_label_that_says_more_than_its_period_is_refused_not_read_as_the_whole(label, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(label)


def test_explicit_dates_settle_a_label_with_two_readings():
    period = parse_period("Q1 2021", start=D(2021, 1, 1), end=D(2021, 3, 31))
    assert (period.start, period.end, period.reading) == (
        D(2021, 1, 1),
        D(2021, 3, 31),
        "given dates",
    )


def test_a_calendar_quarter_needs_the_calendar_convention_reversing_q1_2020_as_calendar():
    """Before this change "Q1 2020" was read as Jan-Mar 2020 whatever the file; it is now
    refused unless the calendar convention is in force (a financial Q1 is Apr-Jun)."""
    with pytest.raises(PeriodError, match="could be"):
        parse_period("Q1 2020")
    assert parse_period("Q1 2020", convention="calendar").end == D(2020, 3, 31)
