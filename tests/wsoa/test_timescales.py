"""Tests for wsoa.timescales: dates derived from timescales as council officers write them."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from wsoa import timescales
from wsoa.timescales import NO_DATE_READING, ParsedTimescale, parse_timescale

D = date

# (text, start, due, is_ongoing)
CASES = [
    # Taken from real plans.
    ("January 2019 – Self-evaluation finalised and shared", None, D(2019, 1, 31), False),
    ("April 2019", None, D(2019, 4, 30), False),
    ("May 2019 February 2019", D(2019, 2, 1), D(2019, 5, 31), False),
    ("Synergy deadline May 19", None, D(2019, 5, 31), False),
    ("Feb 19", None, D(2019, 2, 28), False),
    ("July 19", None, D(2019, 7, 31), False),
    ("2019", None, D(2019, 12, 31), False),
    ("From January 2019", D(2019, 1, 1), None, True),
    ("January to March 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    (
        "April, July, October 2019, January 2020 ongoing",
        D(2019, 4, 1),
        D(2020, 1, 31),
        True,
    ),
    ("Programme of audits to commence from June 2019", D(2019, 6, 1), None, True),
    ("July 2019 October 2020", D(2019, 7, 1), D(2020, 10, 31), False),
    ("From May 2019", D(2019, 5, 1), None, True),
    ("April to May 2019", D(2019, 4, 1), D(2019, 5, 31), False),
    ("Spring term 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    ("June 2020 to April 2021", D(2020, 6, 1), D(2021, 4, 30), False),
    ("Ongoing from March 2020", D(2020, 3, 1), None, True),
    ("Nov 2019", None, D(2019, 11, 30), False),
    ("Once appointed – April 2019", None, D(2019, 4, 30), False),
    ("Bi-monthly thereafter", None, None, True),
    ("September 2019", None, D(2019, 9, 30), False),
    # Month and year.
    ("November 2019", None, D(2019, 11, 30), False),
    ("May 19", None, D(2019, 5, 31), False),
    ("Feb-19", None, D(2019, 2, 28), False),
    ("Sept 2019", None, D(2019, 9, 30), False),
    ("February 2020", None, D(2020, 2, 29), False),
    # Full dates, UK day/month order.
    ("14/1/19", None, D(2019, 1, 14), False),
    ("14/01/2019", None, D(2019, 1, 14), False),
    ("14 January 2019", None, D(2019, 1, 14), False),
    ("2019-01-14", None, D(2019, 1, 14), False),
    ("14th January 2019", None, D(2019, 1, 14), False),
    ("14.01.2019", None, D(2019, 1, 14), False),
    ("1st of April 2019", None, D(2019, 4, 1), False),
    ("January 14th, 2019", None, D(2019, 1, 14), False),
    ("29/2/2020", None, D(2020, 2, 29), False),
    ("week commencing 14 January 2019", None, D(2019, 1, 14), False),
    # School terms and half terms.
    ("Summer term 2019", D(2019, 4, 1), D(2019, 7, 31), False),
    ("Autumn term 2019", D(2019, 9, 1), D(2019, 12, 31), False),
    ("Spring 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    ("spring term 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    ("Summer Term 2020", D(2020, 4, 1), D(2020, 7, 31), False),
    ("Spring term 2019/20", D(2020, 1, 1), D(2020, 3, 31), False),
    ("Autumn term 2019/20", D(2019, 9, 1), D(2019, 12, 31), False),
    ("End of Spring term 2020", None, D(2020, 3, 31), False),
    ("Autumn 1 2019", D(2019, 9, 1), D(2019, 10, 31), False),
    # Academic and financial years, quarters.
    ("2019/20", D(2019, 9, 1), D(2020, 8, 31), False),
    ("2019/2020", D(2019, 9, 1), D(2020, 8, 31), False),
    ("2019-20", D(2019, 9, 1), D(2020, 8, 31), False),
    ("academic year 2019/20", D(2019, 9, 1), D(2020, 8, 31), False),
    ("academic year 2019-2020", D(2019, 9, 1), D(2020, 8, 31), False),
    ("2019/20 financial year", D(2019, 4, 1), D(2020, 3, 31), False),
    ("FY 2019/20", D(2019, 4, 1), D(2020, 3, 31), False),
    ("FY19/20", D(2019, 4, 1), D(2020, 3, 31), False),
    ("Q1 2021/22", D(2021, 4, 1), D(2021, 6, 30), False),
    ("Q2 2021-22", D(2021, 7, 1), D(2021, 9, 30), False),
    ("Q3 2021/22", D(2021, 10, 1), D(2021, 12, 31), False),
    ("Q4 2021/22", D(2022, 1, 1), D(2022, 3, 31), False),
    ("2021/22 Q3", D(2021, 10, 1), D(2021, 12, 31), False),
    ("Q1 2020", D(2020, 1, 1), D(2020, 3, 31), False),
    ("Q4 2020", D(2020, 10, 1), D(2020, 12, 31), False),
    # Ranges.
    ("June 2020 – April 2021", D(2020, 6, 1), D(2021, 4, 30), False),
    ("June 2020 — April 2021", D(2020, 6, 1), D(2021, 4, 30), False),
    ("June 2020 - April 2021", D(2020, 6, 1), D(2021, 4, 30), False),
    ("4/2019 to 3/2020", D(2019, 4, 1), D(2020, 3, 31), False),
    ("Jan-Mar 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    ("November to February 2020", D(2019, 11, 1), D(2020, 2, 29), False),
    ("November 2019 to March", D(2019, 11, 1), D(2020, 3, 31), False),
    ("From January 2019 to March 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    ("From 1 April 2019 until 31 March 2020", D(2019, 4, 1), D(2020, 3, 31), False),
    ("2019 to 2020", D(2019, 1, 1), D(2020, 12, 31), False),
    ("Sep 2019 - Mar 2020 then termly thereafter", D(2019, 9, 1), D(2020, 3, 31), True),
    # Start only.
    ("From February 2019", D(2019, 2, 1), None, True),
    ("Starting May 2019", D(2019, 5, 1), None, True),
    ("April 2019 onwards", D(2019, 4, 1), None, True),
    ("From Spring term 2020", D(2020, 1, 1), None, True),
    # Due only.
    ("By July 2019", None, D(2019, 7, 31), False),
    ("by end of March 2020", None, D(2020, 3, 31), False),
    ("by the end of March 2020", None, D(2020, 3, 31), False),
    ("no later than June 2019", None, D(2019, 6, 30), False),
    ("Deadline: 31/03/2020", None, D(2020, 3, 31), False),
    ("before April 2019", None, D(2019, 3, 31), False),
    ("Monthly until March 2020", None, D(2020, 3, 31), True),
    ("From January 2019, review by March 2019", D(2019, 1, 1), D(2019, 3, 31), False),
    # Several dates, or one among words.
    ("Phase 1: September 2019; Phase 2: April 2020", D(2019, 9, 1), D(2020, 4, 30), False),
    ("April 2019 and ongoing", None, D(2019, 4, 30), True),
    ("it may slip into 2020", None, D(2020, 12, 31), False),
    # Backwards: no due date, start is the earliest date.
    ("May 2019 to February 2019", D(2019, 2, 1), None, False),
    # No dates.
    ("Ongoing", None, None, True),
    ("Termly", None, None, True),
    ("Monthly", None, None, True),
    ("Quarterly", None, None, True),
    ("TBC", None, None, False),
    ("", None, None, False),
    ("   ", None, None, False),
    (None, None, None, False),
    ("Once appointed", None, None, False),
    ("31/2/2019", None, None, False),
    ("29/2/2019", None, None, False),
    ("13/2019", None, None, False),
    ("May 1999", None, None, False),
    ("1999", None, None, False),
    ("2100", None, None, False),
    ("May", None, None, False),
]


@pytest.mark.parametrize(("text", "start", "due", "is_ongoing"), CASES, ids=repr)
def test_parse_timescale(text, start, due, is_ongoing):
    parsed = parse_timescale(text)
    assert (parsed.start, parsed.due, parsed.is_ongoing) == (start, due, is_ongoing)
    if start is None and due is None:
        assert parsed.reading == NO_DATE_READING
    else:
        assert parsed.reading and parsed.reading != NO_DATE_READING


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("April 2019", "due at the end of April 2019"),
        ("14/1/19", "due on 14 January 2019"),
        ("Spring term 2019", "the Spring term 2019 (1 January 2019 to 31 March 2019)"),
        (
            "From February 2019",
            "starting at the beginning of February 2019; ongoing with no end date",
        ),
        (
            "June 2020 to April 2021",
            "read as a range, starting at the beginning of June 2020, due at the end of April 2021",
        ),
        ("TBC", NO_DATE_READING),
        ("Bi-monthly thereafter", NO_DATE_READING),
    ],
)
def test_reading(text, reading):
    assert parse_timescale(text).reading == reading


def test_backwards_range_is_explained():
    reading = parse_timescale("May 2019 to February 2019").reading
    assert "backwards" in reading
    assert "no due date" in reading


def test_impossible_date_is_noted_when_other_dates_are_found():
    parsed = parse_timescale("31/2/2019 or April 2019")
    assert parsed.due == D(2019, 4, 30)
    assert "31/2/2019" in parsed.reading


def test_result_is_frozen():
    parsed = parse_timescale("April 2019")
    assert isinstance(parsed, ParsedTimescale)
    with pytest.raises(FrozenInstanceError):
        parsed.due = None


FRAGMENTS = [
    "May",
    "may",
    "March",
    "Jan",
    "Sept.",
    "Q3",
    "quarter 4",
    "Spring",
    "summer term",
    "Autumn 1",
    "2019",
    "19",
    "2099",
    "2100",
    "1999",
    "/",
    "-",
    "–",
    "—",
    " to ",
    "From ",
    "by",
    "before",
    "no later than",
    "onwards",
    "ongoing",
    "thereafter",
    ",",
    "and",
    "14th",
    "31",
    "29",
    "/2/",
    "FY",
    "financial year",
    "academic year",
    "w/c",
    "2019/20",
    "2019-20",
    "14/01/2019",
    "2019-01-14",
]


def test_never_raises_and_start_is_never_after_due():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    fragment = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4))
    texts = st.one_of(
        st.none(),
        st.text(),
        st.lists(fragment, max_size=10).map("".join),
        st.lists(fragment, max_size=10).map(" ".join),
    )

    @hypothesis.settings(max_examples=500, deadline=None, database=None)
    @hypothesis.given(texts)
    def check(text):
        # _parse is the parser without parse_timescale's safety net, so a bug cannot hide.
        parsed = timescales._parse(text)
        assert parse_timescale(text) == parsed
        if parsed.start is not None and parsed.due is not None:
            assert parsed.start <= parsed.due
        for value in (parsed.start, parsed.due):
            assert value is None or 2000 <= value.year <= 2099
        assert (parsed.reading == NO_DATE_READING) == (parsed.start is None and parsed.due is None)

    check()
