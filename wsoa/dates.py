"""The one grammar of dates and periods, shared by plan timescales and KPI periods.

:mod:`wsoa.timescales` reads the free text of a plan's timescales ("by March 2020", "Spring
term 2019/20"); :mod:`kpis.periods` reads the short labels of KPI reporting periods
("Q3 2021/22", "2021/22 YTD"). Both read the same words the same way because the words,
the year rules and the calendar of councils and schools are defined here, once:

* **Years.** Only 2000-2099 are years (:data:`MIN_YEAR`, :data:`MAX_YEAR`). A two-digit year
  always means 20xx: "19" is 2019, "99" is 2099. "1999" is not a year.
* **Year pairs.** "2019/20", "2019/2020" and "2019-20" are the two consecutive years 2019 and
  2020; a two-digit second year takes the century of the first. A pair whose years are not
  consecutive ("2019/21") is not a pair (:func:`read_year_pair` gives None).
* **Months.** English names and three-letter abbreviations, with an optional full stop, plus
  "Sept" and the common misspelling "Febuary" (:data:`MONTH`, :func:`month_number`).
* **Financial year** runs 1 April to 31 March (:func:`financial_year`); its quarters are
  Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec, Q4 = Jan-Mar of the second year. Its marker words
  are :data:`FINANCIAL_WORDS`: "FY", "financial (year)", "fiscal (year)", "finance (year)",
  "budget (year)", "fin. year".
* **Academic year** runs 1 September to 31 August (:func:`academic_year`). Its marker words are
  :data:`ACADEMIC_WORDS`: "AY", "academic (year)", "school year".
* **Calendar quarters** are Q1 = Jan-Mar to Q4 = Oct-Dec (:func:`quarter`).
* **Terms**: spring = Jan-Mar, summer = Apr-Jul, autumn = Sep-Dec; half terms Autumn 1 = Sep-Oct,
  Autumn 2 = Nov-Dec, Spring 1 = Jan-Feb, Spring 2 = Mar, Summer 1 = Apr-May, Summer 2 = Jun-Jul.
  In an academic year "2019/20" the autumn term is in 2019 and spring and summer in 2020.
* **A bare year pair** ("2019/20" with no marker word) is read differently by the two parsers,
  and each names its default as ``_BARE_YEAR_PAIR_IS_FINANCIAL``: in a plan timescale it is an
  **academic** year (plans are written around the school year); in a KPI period it is a
  **financial** year (performance datasets count in financial years).
* **Year conventions** (:data:`YEAR_CONVENTIONS`): ``financial`` (April to March), ``academic``
  (September to August) and ``calendar`` (January to December), with their marker words
  (:data:`CALENDAR_WORDS` besides the two above) and the words people write for them
  (:func:`read_convention`: "FY", "academic", "school year", "calendar year"…). A year's
  quarters and halves count from its first month (:func:`part_of_year`): Q1 of an academic
  year is Sep-Nov, H1 of a financial year Apr-Sep.
* **One-digit shorthand**: "2018/9" is 2018/19 and "2019/0" is 2019/20 (the second year's last
  digit) in :func:`read_year_pair`.
* **Halves**: "H1", "H2", "half 1" (:data:`HALF`). **Seasons** (:data:`SEASONS`: spring =
  Mar-May, summer = Jun-Aug, autumn = Sep-Nov, winter = Dec-Feb) are not terms: a KPI period
  that could be either is refused (see :mod:`kpis.periods`).

The regex fragments are plain strings, to be compiled case-insensitively inside each parser's
own patterns (which add the context they need: word boundaries in free text, anchors for a
label). They name their groups (``mon``, ``y``, ``d``, ``m``, ``q``), so a pattern uses each
fragment at most once.


How a plan timescale is read (:func:`wsoa.timescales.parse_timescale`)
-----------------------------------------------------------------------

The text is always kept as written; only dates are derived from it, and a text that gives
none (or ``None``) is read as ``'no date could be derived'``, never an error.

Rules, in the order they are applied:

| #  | The text contains | Examples | start | due |
|----|-------------------|----------|-------|-----|
| 1  | a full date, UK day/month order | "14/1/19", "14/01/2019", "14.01.2019", "14 January 2019", "14th January 2019", "14-Jan-19", "January 14th, 2019", "2019-01-14" | - | that date |
| 2  | a month and year | "Nov 2019", "November 2019", "Feb 19", "May 19", "Feb-19", "4/2019" | - | last day of that month |
| 3  | a bare year | "2019" | - | 31 December of that year |
| 4  | a school term | "Spring term 2019" (1 Jan-31 Mar), "Summer Term 2020" (1 Apr-31 Jul), "autumn 2019" (1 Sep-31 Dec); "Spring term 2019/20" is the spring of 2020 | first day of the term | last day of the term |
| 5  | a half term | "Autumn 1 2019" (Sep-Oct), "Autumn 2" (Nov-Dec), "Spring 1" (Jan-Feb), "Spring 2" (Mar), "Summer 1" (Apr-May), "Summer 2" (Jun-Jul) | first day | last day |
| 6  | an academic year | "2019/20", "2019/2020", "2019-20", "academic year 2019/20", "academic year 2019-2020" | 1 Sep 2019 | 31 Aug 2020 |
| 7  | a financial year | "FY 2019/20", "FY19/20", "2019/20 financial year" | 1 Apr 2019 | 31 Mar 2020 |
| 8  | a financial-year quarter (a slash or hyphen year) | "Q3 2021/22", "Quarter 3 2021-22", "2021/22 Q3"; Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec, Q4 = Jan-Mar | first day of the quarter | last day of the quarter |
| 9  | a calendar quarter (no slash) | "Q1 2020" = Jan-Mar 2020 | first day | last day |
| 10 | a range: two dated items joined by "to", "until", "till", "through", "-", en or em dash | "June 2020 to April 2021", "June 2020 - April 2021", "4/2019 to 3/2020", "2019 to 2020" | first day of the first item | last day of the second item |
| 11 | a month (or day and month) without a year, listed or ranged with a dated item | "January to March 2019", "April to May 2019", "Jan-Mar 2019", "April, July, October 2019" | the month takes the year of the next dated item, one year earlier if the month comes later in the year ("November to February 2020" = Nov 2019); failing that the year of the previous item, one year later if the month comes earlier | |
| 12 | several separate dated items with no range word | "May 2019 February 2019", "July 2019 October 2020", "April, July, October 2019, January 2020 ongoing" | earliest start of the items | latest end of the items |
| 13 | "from", "starting", "starts", "start date", "since", "commence(s/d/ing)", "begins", "beginning in", "effective", "w.e.f." before a date, or "onwards" / "and beyond" after it | "From February 2019", "Ongoing from March 2020", "Programme of audits to commence from June 2019", "Starting May 2019", "April 2019 onwards" | first day of that item | none unless another date gives one; ongoing |
| 14 | "by", "by (the) end of", "end of", "until", "till", "up to", "no later than", "deadline", "due", "target (date)", "latest", "before the end of" before a date | "By July 2019", "by end of March 2020", "no later than June 2019", "Synergy deadline May 19" | - (that item never gives a start) | last day of that item |
| 15 | "before" / "prior to" (without "end of") before a date | "before April 2019" | - | the day before that item begins (31 Mar 2019) |
| 16 | one dated item among other words | "Once appointed - April 2019", "January 2019 - Self-evaluation finalised and shared" | as rows 1-9 | as rows 1-9 |
| 17 | ongoing or recurring words: ongoing, on-going, thereafter, continuous/continuing/continue, monthly, bi-monthly, six-monthly, weekly, bi-weekly, fortnightly, termly, half-termly, quarterly, annually, yearly, rolling, regularly, onwards, and beyond, every/each week/month/term/quarter/year | "Bi-monthly thereafter", "Ongoing", "Termly", "Monthly" | (dates as found, if any) | (dates as found, if any) |
| 18 | nothing recognisable | "TBC", "", None | - | - |

Further rules:

* A single day, month or year on its own gives a due date only (start is None); a term, half
  term, academic or financial year or quarter on its own gives both its first and last day.
* ``is_ongoing`` is True when the text uses an ongoing or recurring word (row 17), or when it
  has a start (row 13) and nothing gives a due date ("from X with no end").
* Dates run backwards: if the derived start would fall after the derived due date (for
  example "May 2019 to February 2019"), nothing is swapped: due is None, start is the earliest
  date mentioned (1 Feb 2019), and the reading says so. So whenever both are set, start <= due.
* Impossible dates are ignored quietly ("31/2/2019" is not a date; the text is used up, so
  "2/2019" inside it is not read as a month either). "29/2/2020" is a real date.
* Only years 2000-2099 are accepted; a two-digit year always means 20xx ("May 19" is May
  2019, "Feb 99" is February 2099). "May 1999" or "1999" gives no date. Other four-digit
  numbers are only read as years when they are 2000-2099.
* "2019-20" and "2019/2020" are academic years; "2019-2020" with a four-digit second year is
  an academic year only after or before "academic year" (or "financial year" / "FY"),
  otherwise it is the range 2019 to 2020 (row 10).
* A bare month without a year is never a date on its own; "may", "mar" and "march" must also
  start with a capital letter to count ("it may slip to 2020" has no May in it).
* "week commencing 14 January 2019" or "w/c 14/1/19" is that date (due), not a start.
* When no date can be derived the reading is exactly ``'no date could be derived'``.
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = [
    "ACADEMIC",
    "ACADEMIC_WORDS",
    "CALENDAR",
    "CALENDAR_WORDS",
    "FINANCIAL",
    "HALF",
    "SEASONS",
    "YEAR_CONVENTIONS",
    "convention_year",
    "describe_span",
    "part_of_year",
    "read_convention",
    "ACADEMIC_YEAR_START_MONTH",
    "CALENDAR_QUARTER",
    "DAY_MONTH_YEAR",
    "FINANCIAL_QUARTER_PREFIX",
    "FINANCIAL_QUARTER_SUFFIX",
    "FINANCIAL_WORDS",
    "FINANCIAL_YEAR_START_MONTH",
    "HALF_TERMS",
    "ISO_DATE",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH",
    "MONTH_NAMES",
    "MONTH_WORD",
    "NUMERIC_DATE",
    "ORDINAL",
    "QUARTER",
    "TERMS",
    "WORDLIKE_MONTHS",
    "YEAR",
    "Span",
    "academic_year",
    "financial_year",
    "last_day",
    "month_number",
    "month_span",
    "convention_year_containing",
    "normalise",
    "quarter",
    "read_year",
    "read_year_pair",
    "term",
    "year_of_month",
    "year_pair",
    "year_span",
]

Span = tuple[date, date]  # the first and last day of a period

MIN_YEAR = 2000
MAX_YEAR = 2099
FINANCIAL_YEAR_START_MONTH = 4
ACADEMIC_YEAR_START_MONTH = 9

FINANCIAL = "financial"
ACADEMIC = "academic"
CALENDAR = "calendar"
YEAR_CONVENTIONS = (FINANCIAL, ACADEMIC, CALENDAR)
_CONVENTION_START_MONTH = {
    FINANCIAL: FINANCIAL_YEAR_START_MONTH,
    ACADEMIC: ACADEMIC_YEAR_START_MONTH,
    CALENDAR: 1,
}
# The words people write for a convention, in a cell or a note ("Year convention: AY").
_CONVENTION_NAMES = {
    **dict.fromkeys(
        ("financial", "financial year", "fy", "fiscal", "fiscal year", "april to march"),
        FINANCIAL,
    ),
    **dict.fromkeys(
        ("academic", "academic year", "ay", "school year", "september to august"), ACADEMIC
    ),
    **dict.fromkeys(("calendar", "calendar year", "cy", "january to december"), CALENDAR),
}

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
# Month words that are also ordinary English words: free text counts them only when capitalised.
WORDLIKE_MONTHS = frozenset({"may", "mar", "march"})

TERMS = {"spring": (1, 3), "summer": (4, 7), "autumn": (9, 12)}  # first and last month
# Meteorological seasons, first and last month: winter runs from December into the next year.
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}
HALF_TERMS = {
    ("autumn", 1): (9, 10),
    ("autumn", 2): (11, 12),
    ("spring", 1): (1, 2),
    ("spring", 2): (3, 3),
    ("summer", 1): (4, 5),
    ("summer", 2): (6, 7),
}

# --------------------------------------------------------------------------------------------
# Regex fragments

# A month name or abbreviation, unbounded; MONTH is the same as a word of its own.
MONTH_WORD = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary|uary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH = rf"(?<![a-z]){MONTH_WORD}(?![a-z])\.?"
YEAR = r"(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])"
ORDINAL = r"(?:st|nd|rd|th)?"
QUARTER = r"(?:q|quarter\s*)(?P<q>[1-4])"
FINANCIAL_WORDS = r"(?:fy|(?:financial|fiscal|finance|budget|fin\.?)(?:\s+year)?)"
ACADEMIC_WORDS = r"(?:ay|academic(?:\s+year)?|school\s+year)"
CALENDAR_WORDS = r"(?:cy|calendar(?:\s+year)?)"
HALF = r"(?:h|half\s*)(?P<h>[12])"

ISO_DATE = r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
NUMERIC_DATE = r"(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})"
DAY_MONTH_YEAR = (
    rf"(?P<d>[0-9]{{1,2}}){ORDINAL}(?:\s+of\s+|\s+|-)?{MONTH}(?:\s*,\s*|\s+|-)?'?{YEAR}"
)
# A financial-year quarter is a QUARTER prefix or suffix around a year pair.
FINANCIAL_QUARTER_PREFIX = rf"{QUARTER}\s*(?:of\s+)?(?:(?:the\s+)?{FINANCIAL_WORDS}\s*)?"
FINANCIAL_QUARTER_SUFFIX = rf"\s*(?:{FINANCIAL_WORDS}\s*)?{QUARTER}"
CALENDAR_QUARTER = rf"{QUARTER}\s*(?:of\s+)?{YEAR}"

# Characters rewritten one for one, so positions in the text never move.
_NORMALISE = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys(
            "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            "\u2028\u2029\u202f\u205f\u3000\x85",
            " ",
        ),
        **dict.fromkeys("\u2018\u2019\u02bc\u2032", "'"),
    }
)


def normalise(text: str) -> str:
    """Dashes to '-', odd spaces to ' ', curly quotes to "'", keeping every position."""
    return text.translate(_NORMALISE)


# --------------------------------------------------------------------------------------------
# Reading years and months


def read_year(digits: str) -> int | None:
    """'19' -> 2019, '2019' -> 2019; None outside 2000-2099."""
    value = int(digits)
    if len(digits) == 2:
        value += 2000
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def read_year_pair(first_digits: str, second_digits: str) -> tuple[int, int] | None:
    """(2019, 2020) from '2019' and '20', '2020' or '0' (the shorthand "2019/0"); None unless
    two consecutive years."""
    first = read_year(first_digits)
    if first is None:
        return None
    second = int(second_digits)
    if len(second_digits) == 1:
        second += first - first % 10
        if second < first:
            second += 10
    elif len(second_digits) == 2:
        second += first - first % 100
        if second < first:
            second += 100
    return (first, second) if second == first + 1 and second <= MAX_YEAR else None


def month_number(name: str) -> int:
    """'Sept' -> 9, 'january' -> 1: any word the MONTH fragment matches."""
    return _MONTH_NUMBERS[name[:3].lower()]


def year_of_month(first_year: int, month: int, *, financial: bool) -> int:
    """The calendar year in which a month of the financial or academic year first_year falls."""
    start = FINANCIAL_YEAR_START_MONTH if financial else ACADEMIC_YEAR_START_MONTH
    return first_year if month >= start else first_year + 1


# --------------------------------------------------------------------------------------------
# Periods, as their first and last day


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_span(year: int, month: int) -> Span:
    return date(year, month, 1), last_day(year, month)


def year_span(year: int) -> Span:
    return date(year, 1, 1), date(year, 12, 31)


def _months(first: tuple[int, int], last: tuple[int, int]) -> Span:
    """From the first day of (year, month) first to the last day of (year, month) last."""
    return date(*first, 1), last_day(*last)


def year_pair(first_year: int, *, financial: bool) -> Span:
    """The financial (April to March) or academic (September to August) year first_year."""
    start = FINANCIAL_YEAR_START_MONTH if financial else ACADEMIC_YEAR_START_MONTH
    return _months((first_year, start), (first_year + 1, start - 1))


def financial_year(first_year: int) -> Span:
    return year_pair(first_year, financial=True)


def academic_year(first_year: int) -> Span:
    return year_pair(first_year, financial=False)


def quarter(year: int, number: int, *, financial: bool) -> Span:
    """Quarter 1-4 of the financial year starting in year, or of the calendar year."""
    index = 3 * (number - 1) + (FINANCIAL_YEAR_START_MONTH - 1 if financial else 0)
    first = (year + index // 12, index % 12 + 1)
    index += 2
    return _months(first, (year + index // 12, index % 12 + 1))


def read_convention(text: str) -> str | None:
    """'financial', 'academic' or 'calendar' from the words people write for them ("FY",
    "Academic year", "school year", "calendar"); None for anything else."""
    key = " ".join(str(text or "").replace("_", " ").lower().split()).removesuffix(" convention")
    return _CONVENTION_NAMES.get(key)


def convention_year(first_year: int, convention: str) -> Span:
    """The year of a convention that starts in first_year: 2021 → 1 Apr 2021 to 31 Mar 2022
    (financial), 1 Sep 2021 to 31 Aug 2022 (academic), 1 Jan to 31 Dec 2021 (calendar)."""
    return part_of_year(first_year, convention, 1, 12)


def part_of_year(first_year: int, convention: str, first: int, last: int) -> Span:
    """Months first to last (1-12, counted from the year's first month) of the convention's
    year starting in first_year: quarter 3 is months 7-9, half 1 is months 1-6."""
    index = _CONVENTION_START_MONTH[convention] - 1 + first - 1
    start = (first_year + index // 12, index % 12 + 1)
    index += last - first
    return _months(start, (first_year + index // 12, index % 12 + 1))


def convention_year_containing(day: date, convention: str) -> int:
    """The first calendar year of the convention's year that day falls in."""
    start_month = _CONVENTION_START_MONTH[convention]
    return day.year if day.month >= start_month else day.year - 1


def describe_span(span: Span) -> str:
    """A period in words, shortest first: "Apr 2021", "Jan-Mar 2021", "Apr 2021-Mar 2022",
    "30 Dec 2019", "1 Apr-15 Dec 2021"."""
    start, end = span
    whole_months = start.day == 1 and end == last_day(end.year, end.month)
    if whole_months:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%b %Y}"
        if start.year == end.year:
            return f"{start:%b}\u2013{end:%b %Y}"
        return f"{start:%b %Y}\u2013{end:%b %Y}"
    if start == end:
        return f"{start.day} {start:%b %Y}"
    return f"{start.day} {start:%b %Y}\u2013{end.day} {end:%b %Y}"


def term(year: int, name: str, half: int | None = None) -> Span:
    """The spring, summer or autumn term of a calendar year, or its first or second half."""
    name = name.lower()
    first_month, last_month = TERMS[name] if half is None else HALF_TERMS[(name, half)]
    return _months((year, first_month), (year, last_month))


def date_out_of_range(day: date) -> str | None:
    """None when `day` falls in the years the service deals in (MIN_YEAR to MAX_YEAR), else
    the message to show: every date typed, uploaded or asked for is bounded by this."""
    if MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return f"Enter a date between 1 January {MIN_YEAR} and 31 December {MAX_YEAR}"


def validate_date_in_range(day: date) -> None:
    """The form validator of `date_out_of_range`."""
    from django.core.exceptions import ValidationError  # noqa: PLC0415 - keeps dates pure

    message = date_out_of_range(day)
    if message:
        raise ValidationError(message, code="date_out_of_range")
