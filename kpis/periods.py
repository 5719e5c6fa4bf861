"""Reporting periods as local areas write them, read into a label and two dates.

A KPI value belongs to a period: the label is kept as written ("Q3 2021/22"), less any
qualifier after it ("(provisional)", "FTE", "forecast"), which becomes a note on the value;
the period's first and last days are derived from it, or given explicitly (an explicit date
always wins over what the label says). The forms read, with worked examples, are in the
table of docs/kpi-import.md; in short:

- years: "2019/20", "2019-20", "2018/9" (shorthand), "FY 2019/20", "AY 2019/20", "2019",
  "CY 2019"
- quarters and halves of a year: "Q3 2021/22", "2021/22 Q3", "Q3 2021/2", "H1 2021/22";
  of a calendar year ("Q1 2021", "H2 2020") only under the calendar convention
- ranges of quarters or months: "Q1-Q3 2021/22", "Apr-Dec 2021", "Nov 2021 to Feb 2022"
- "up to Q3 2021/22", "up to December 2021"
- year to date: "2021/22 YTD to December", "2021/22 YTD" (the end from `end`, the file's
  period_end, or `as_at`, the file's "as at" date), "YTD" alone (likewise)
- months: "Apr 2021", "04/2021", "2021-04", "Dec 2021/22"
- terms: "Spring term 2020", "Autumn 1 2019", "Summer term 2019/20"
- a day: "30/12/2019", "at 30/12/19", "as at 30 December 2019"

**Year conventions.** A year pair with no marker word ("2019/20", "Q3 2019/20") is read in
the convention in force: the value's own (a `year_convention` column), else its KPI's
(`Kpi.year_convention`), else the file's (the import form's setting or a "Year convention:"
note above the header), else :data:`DEFAULT_CONVENTION`, **financial**, as performance
datasets count (unlike plan timescales, where a bare pair is an academic year). Under the
calendar convention a pair has no meaning of its own, so one whose financial and academic
readings differ is refused.

**Nothing is read as something else.** A label with two readings is refused, naming both
and what to write instead: "Q1 2021" (calendar Jan-Mar, or Q1 of 2021/22, Apr-Jun) unless
the calendar convention is in force; "Spring 2021" (the spring term, Jan-Mar, or the season,
Mar-May); "2011-12" (December 2011 or 2011/12); "6/20/21" (not day/month/year; 20 June 2021
only if month first); "FY 2021" (2020/21 or 2021/22); a part-year label ("2021/22 part
year") is refused rather than read as the whole year.

The shared words, year rules and calendars are :mod:`wsoa.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from wsoa import dates

__all__ = [
    "DEFAULT_CONVENTION",
    "KpiPeriod",
    "PeriodError",
    "parse_period",
    "split_qualifier",
]


class PeriodError(ValueError):
    """The label and dates given do not make a period; the message says why."""


# A KPI's bare "2019/20" is a financial year: performance datasets count in financial years.
_BARE_YEAR_PAIR_IS_FINANCIAL = True
DEFAULT_CONVENTION = dates.FINANCIAL if _BARE_YEAR_PAIR_IS_FINANCIAL else dates.ACADEMIC


@dataclass(frozen=True, order=True)
class KpiPeriod:
    """A reporting period: sorted by end, then start (the order a series is read in).

    `convention` is the year convention the label was read in ("" when it did not matter, as
    for a month), `qualifier` the words after the period ("provisional"), and `reading` what
    kind of period it was read as ("financial quarter", "given dates")."""

    end: date
    start: date
    label: str
    convention: str = field(default="", compare=False)
    qualifier: str = field(default="", compare=False)
    reading: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.label

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end

    @property
    def read_as(self) -> str:
        """ "Oct–Dec 2021 (01/10/2021 to 31/12/2021)": what the check step shows."""
        return (
            f"{dates.describe_span((self.start, self.end))} "
            f"({self.start:%d/%m/%Y} to {self.end:%d/%m/%Y})"
        )


@dataclass(frozen=True)
class _Reading:
    start: date
    end: date | None
    convention: str
    reading: str


@dataclass(frozen=True)
class _Context:
    label: str
    convention: str  # in force
    is_explicit: bool  # given (row, KPI or file), not the default
    as_at: date | None


# --- Patterns ------------------------------------------------------------------------------

_FY, _AY, _CY = dates.FINANCIAL_WORDS, dates.ACADEMIC_WORDS, dates.CALENDAR_WORDS
_MARK = rf"(?:{_FY}|{_AY}|{_CY})"
# A year pair; a one-digit second year ("2018/9") only after a slash ("2021-2" is February).
_YY = r"(?P<y1>[0-9]{4})\s*(?P<sep>[/-])\s*(?P<y2>[0-9]{4}|[0-9]{1,2})(?![0-9])"
_PART = rf"(?:{dates.QUARTER}|{dates.HALF})"
_YTD = r"(?:ytd|year[\s-]+to[\s-]+date|fytd)"
_TO = r"(?:to|until|till|-|up\s+to)"


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^{pattern}$", re.IGNORECASE)


_MK1 = rf"(?:(?P<mk1>{_MARK})\s*)?"
_MK2 = rf"(?:\s*(?P<mk2>{_MARK}))?"
_YEAR_PAIR = _re(rf"{_MK1}{_YY}{_MK2}(?:\s+years?)?")
_PAIR_PART = [
    _re(rf"{_PART}\s*(?:of\s+)?(?:the\s+)?{_MK1}{_YY}{_MK2}"),
    _re(rf"{_MK1}{_YY}{_MK2}\s*{_PART}"),
]
_YEAR_PART = [
    _re(rf"{_PART}\s*(?:of\s+)?{_MK1}(?P<y>[0-9]{{4}}|[0-9]{{2}})"),
    _re(rf"{_MK1}(?P<y>[0-9]{{4}})\s*{_PART}"),
]
_PAIR_MONTH = _re(rf"{dates.MONTH}\s*[-']?\s*{_MK1}{_YY}{_MK2}")
_PAIR_YTD = [
    _re(
        rf"{_MK1}{_YY}{_MK2}\s*{_YTD}"
        # The month may follow without a space: "2021/22 YTDDec".
        rf"(?:\s*{_TO}?\s*(?:(?:the\s+)?end\s+of\s+)?"
        rf"(?:{dates.MONTH_WORD}\.?(?:\s+(?P<y>[0-9]{{4}}))?|{_PART}))?"
    ),
    _re(rf"{_YTD}\s*{_MK1}{_YY}{_MK2}"),
]
_YTD_MONTH = _re(
    rf"{_YTD}(?:\s*{_TO})?\s*(?:(?:the\s+)?end\s+of\s+)?{dates.MONTH}\s*[-']?\s*{dates.YEAR}"
)
_BARE_YTD = _re(rf"{_YTD}")
_UP_TO = _re(r"(?:up\s+to|to\s+(?:the\s+)?end\s+of|until\s+(?:the\s+)?end\s+of)\s+(?P<rest>.+)")
_CALENDAR_YEAR = _re(rf"(?:(?P<mk1>{_CY})\s*)?(?P<y>[0-9]{{4}})")
_MARKED_SINGLE_YEAR = _re(rf"(?P<mk1>{_FY}|{_AY})\s*(?P<y>[0-9]{{4}})")
_ISO_MONTH = _re(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})")
_MONTH = [
    _re(rf"{dates.MONTH}\s*[-']?\s*{dates.YEAR}"),
    _re(r"(?P<m>[0-9]{1,2})\s*/\s*(?P<y>[0-9]{4})"),
    _ISO_MONTH,
]
_DAY_PREFIX = re.compile(
    r"^(?:as\s+at|as\s+of|at|snapshot(?:\s+at)?|position\s+at|census(?:\s+date)?)\s*:?\s+",
    re.IGNORECASE,
)
_DAY = [_re(dates.NUMERIC_DATE), _re(dates.ISO_DATE), _re(dates.DAY_MONTH_YEAR)]
_TERM = _re(
    r"(?P<t>spring|summer|autumn|winter)\s*(?P<tw>term)?\s*(?P<half>[12])?\s*"
    rf"(?:half[\s-]*term\s*)?(?:{_MK1}{_YY}|(?P<y>[0-9]{{4}}))"
)
_RANGE_WORD = re.compile(r"\s*(?:-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*", re.I)
_YEAR_SUFFIX = re.compile(
    rf"(?:{_MARK}\s*)?(?:[0-9]{{4}}\s*[/-]\s*(?:[0-9]{{4}}|[0-9]{{1,2}})|[0-9]{{4}}|"
    rf"(?<![0-9/])[0-9]{{2}})(?:\s*{_MARK})?$",
    re.IGNORECASE,
)
_PART_YEAR_WORDS = re.compile(
    r"\b(?:part[\s-]*year|part|partial|incomplete|so\s+far|to\s+date)\b", re.IGNORECASE
)

# Qualifiers: words after the period about the figure, not the period.
_QUALIFIER_WORD = (
    r"(?:provisional|prov\.?|final|forecasts?|forecasted|projected|projection|estimated?|"
    r"est\.?|draft|revised|unvalidated|validated|unaudited|audited|actuals?|fte|"
    r"full[\s-]time[\s-]equivalents?|headcount|interim|preliminary|prelim\.?|outturn)"
)
_QUALIFIER_LETTERS = {"p": "provisional", "r": "revised", "e": "estimated", "f": "forecast"}
_QUALIFIER_LIST = rf"{_QUALIFIER_WORD}(?:\s*(?:,|/|&|\band\b)?\s*{_QUALIFIER_WORD})*"
_TRAILING_QUALIFIER = re.compile(
    rf"(?:\s*[(\[]\s*(?P<paren>{_QUALIFIER_LIST}|[pref])\s*[)\]]|"
    rf"(?:\s*[,;:]\s*|\s+-\s+|\s+)(?P<word>{_QUALIFIER_LIST}))\s*$",
    re.IGNORECASE,
)


# --- Reading -------------------------------------------------------------------------------


def split_qualifier(label: str) -> tuple[str, str]:
    """("2021/22", "provisional") from "2021/22 (provisional)"; ("Q3 2021/22", "FTE,
    forecast") from "Q3 2021/22 FTE (forecast)". A bracketed note that is not a qualifier
    stays in the label (and is then refused, not dropped)."""
    text = dates.normalise(label).strip()
    found: list[str] = []
    while match := _TRAILING_QUALIFIER.search(text):
        words = (match["paren"] or match["word"]).strip()
        found.insert(0, _QUALIFIER_LETTERS.get(words.lower(), words))
        text = text[: match.start()].rstrip(" ,;:-")
        if not text:
            break
    return text, ", ".join(found)


def _convention_of_marker(marker: str | None) -> str | None:
    if not marker:
        return None
    marker = marker.strip()
    for words, convention in ((_FY, dates.FINANCIAL), (_AY, dates.ACADEMIC), (_CY, dates.CALENDAR)):
        if re.fullmatch(words, marker, re.IGNORECASE):
            return convention
    return None  # pragma: no cover - the patterns only capture marker words


def _marker(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    return _convention_of_marker(groups.get("mk1")) or _convention_of_marker(groups.get("mk2"))


def _span(span) -> str:
    if span[1] is None:
        return f"from {span[0].day} {span[0]:%b %Y}"
    return dates.describe_span(span)


def _ambiguous(ctx: _Context, readings: list[tuple[dates.Span, str]], writes: list[str]) -> None:
    described = " or ".join(f"{_span(span)} ({why})" for span, why in readings)
    instead = " or ".join(f"'{text}'" for text in writes)
    raise PeriodError(f'"{ctx.label}" could be {described}: write {instead}')


def _pair_years(ctx: _Context, match: re.Match[str], what: str = "") -> tuple[int, int]:
    if match["sep"] == "-" and len(match["y2"]) == 1:
        raise PeriodError(
            f'"{ctx.label}" could be a month or a year: write "{match["y1"]}/'
            f'{int(match["y1"][2:]) + 1:02d}" for the year, or the month by name'
        )
    years = dates.read_year_pair(match["y1"], match["y2"])
    if years is None:
        raise PeriodError(
            f'"{ctx.label}" is not a {what or "year"}: it does not name two years that follow '
            "each other (like 2021/22)"
        )
    return years


def _pair_reading(
    ctx: _Context, match: re.Match[str], span_of, what: str, *, fix: str = "{mark} {pair}"
) -> _Reading:
    """A year pair's reading in its marker's convention, else the one in force; under the
    calendar convention, refused if its financial and academic readings differ."""
    first_year, _ = _pair_years(ctx, match, "year" if what == "year" else f"financial year {what}")
    convention = _marker(match)
    if convention == dates.CALENDAR:
        raise PeriodError(
            f'"{ctx.label}": a year like {first_year}/{(first_year + 1) % 100:02d} is a financial '
            "or academic year, not a calendar year: write FY or AY before it"
        )
    convention = convention or ctx.convention
    if convention == dates.CALENDAR:
        financial = span_of(first_year, dates.FINANCIAL)
        academic = span_of(first_year, dates.ACADEMIC)
        if financial != academic:
            pair = f"{first_year}/{(first_year + 1) % 100:02d}"
            _ambiguous(
                ctx,
                [(financial, f"financial {pair}"), (academic, f"academic {pair}")],
                [fix.format(mark=mark, pair=pair) for mark in ("FY", "AY")],
            )
        convention = dates.FINANCIAL
    start, end = span_of(first_year, convention)
    return _Reading(start, end, convention, f"{convention} {what}")


def _part_months(match: re.Match[str]) -> tuple[int, int, str]:
    if match["q"]:
        number = int(match["q"])
        return 3 * number - 2, 3 * number, f"Q{number}"
    number = int(match["h"])
    return 6 * number - 5, 6 * number, f"H{number}"


def _year_part(ctx: _Context, match: re.Match[str]) -> _Reading:
    """A quarter or half of a single year: calendar only under the calendar convention."""
    year = dates.read_year(match["y"])
    if year is None:
        raise PeriodError(_out_of_range(ctx.label))
    first, last, name = _part_months(match)
    what = "quarter" if name.startswith("Q") else "half"
    calendar = dates.part_of_year(year, dates.CALENDAR, first, last)
    marker = _marker(match)
    if marker == dates.CALENDAR or (marker is None and ctx.convention == dates.CALENDAR):
        return _Reading(*calendar, dates.CALENDAR, f"calendar {what}")
    other = marker or (ctx.convention if ctx.convention != dates.CALENDAR else DEFAULT_CONVENTION)
    pair = f"{year}/{(year + 1) % 100:02d}"
    _ambiguous(
        ctx,
        [
            (calendar, f"calendar {name}"),
            (dates.part_of_year(year, other, first, last), f"{name} of {other} {pair}"),
        ],
        [f"{name} {pair}", _span(calendar)],
    )
    raise AssertionError  # pragma: no cover


def _out_of_range(label: str) -> str:
    return f'"{label}" is not in the years {dates.MIN_YEAR} to {dates.MAX_YEAR}'


def _month(match: re.Match[str]) -> int:
    """The month a pattern read, by name (group mon) or by number (group m)."""
    name = match.groupdict().get("mon")
    return dates.month_number(name) if name else int(match["m"])


def _first_match(patterns, text):
    for pattern in patterns:
        if match := pattern.match(text):
            return match
    return None


def _year_to_date_start(day: date, convention: str) -> date:
    return dates.convention_year(dates.convention_year_containing(day, convention), convention)[0]


def _read(text: str, ctx: _Context, *, in_range: bool = False) -> _Reading | None:
    """What a label (without its qualifier) says, or None if it is not a form read here.
    Raises PeriodError for a label with two readings, or one that is wrong in itself."""
    text = " ".join(text.split())

    if _DAY_PREFIX.match(text):
        return _read_day(_DAY_PREFIX.sub("", text), ctx, must=True)

    if match := _first_match(_PAIR_YTD, text):
        groups = match.groupdict()

        def span_of(first_year, convention):
            year_start, year_end = dates.convention_year(first_year, convention)
            if groups.get("mon"):
                month = _month(match)
                year = (
                    dates.read_year(match["y"])
                    if groups.get("y")
                    else dates.year_of_month(
                        first_year, month, financial=convention == dates.FINANCIAL
                    )
                )
                if year is None:
                    raise PeriodError(_out_of_range(ctx.label))
                return year_start, dates.last_day(year, month)
            if groups.get("q") or groups.get("h"):
                _, last, _ = _part_months(match)
                return year_start, dates.part_of_year(first_year, convention, 1, last)[1]
            return year_start, None

        reading = _pair_reading(ctx, match, span_of, "year to date", fix="{mark} {pair} YTD")
        if reading.end is not None and not reading.start <= reading.end:
            raise PeriodError(f'"{ctx.label}": the month it counts to is not in that year')
        return reading

    if match := _YTD_MONTH.match(text):
        if (year := dates.read_year(match["y"])) is None:
            raise PeriodError(_out_of_range(ctx.label))
        end = dates.last_day(year, _month(match))
        start = _year_to_date_start(end, ctx.convention)
        return _Reading(start, end, ctx.convention, f"{ctx.convention} year to date")

    if _BARE_YTD.match(text):
        return _Reading(None, None, ctx.convention, f"{ctx.convention} year to date")

    if match := _UP_TO.match(text):
        return _each_convention(ctx, lambda each: _read_up_to(match["rest"], each))

    return _read_rest(text, ctx, in_range=in_range)


def _each_convention(ctx: _Context, read):
    """`read(ctx)`; under the calendar convention, a label made of parts (a range, "up to")
    whose year pairs read differently as financial and academic years is refused with both
    whole readings, not the reading of one part."""
    try:
        return read(ctx)
    except PeriodError:
        if ctx.convention != dates.CALENDAR:
            raise
        readings = []
        for convention in (dates.FINANCIAL, dates.ACADEMIC):
            reading = read(_Context(ctx.label, convention, True, ctx.as_at))
            readings.append(((reading.start, reading.end), f"{convention} years"))
        _ambiguous(ctx, readings, ["FY 2021/22", "AY 2021/22"])
        raise


def _read_up_to(rest: str, ctx: _Context) -> _Reading | None:
    if True:
        inner = _read(rest, ctx)
        if inner is None or inner.end is None:
            return None
        convention = inner.convention or ctx.convention
        start = _year_to_date_start(inner.start, convention)
        return _Reading(start, inner.end, convention, f"{convention} year to date")
    return None  # pragma: no cover


def _read_rest(text: str, ctx: _Context, *, in_range: bool) -> _Reading | None:
    if match := _first_match(_PAIR_PART, text):
        first, last, name = _part_months(match)
        what = "quarter" if name.startswith("Q") else "half year"
        return _pair_reading(
            ctx,
            match,
            lambda year, convention: dates.part_of_year(year, convention, first, last),
            what,
            fix=name + " {mark} {pair}",
        )

    if match := _first_match(_YEAR_PART, text):
        return _year_part(ctx, match)

    if match := _TERM.match(text):
        return _read_term(match, ctx)

    if (match := _ISO_MONTH.match(text)) and 1 <= int(match["m"]) <= 12:
        pair = dates.read_year_pair(match["y"], match["m"]) if len(match["m"]) == 2 else None
        if pair:
            year, month = int(match["y"]), int(match["m"])
            convention = ctx.convention if ctx.convention != dates.CALENDAR else DEFAULT_CONVENTION
            _ambiguous(
                ctx,
                [
                    (dates.month_span(year, month), "a month"),
                    (dates.convention_year(year, convention), f"{convention} {text}"),
                ],
                [dates.MONTH_NAMES[month - 1][:3] + f" {year}", f"{year}/{month:02d}"],
            )

    if (match := _YEAR_PAIR.match(text)) and not (
        match["sep"] == "-" and len(match["y2"]) <= 2 and not _consecutive(match)
    ):
        return _pair_reading(
            ctx, match, lambda year, convention: dates.convention_year(year, convention), "year"
        )

    if match := _PAIR_MONTH.match(text):
        month = _month(match)

        def month_of(first_year, convention):
            year = dates.year_of_month(first_year, month, financial=convention == dates.FINANCIAL)
            return dates.month_span(year, month)

        reading = _pair_reading(ctx, match, month_of, "month")
        return _Reading(reading.start, reading.end, reading.convention, "month")

    if match := _first_match(_MONTH, text):
        month = _month(match)
        if not 1 <= month <= 12:
            raise PeriodError(f'"{ctx.label}" has no month {month}')
        if (year := dates.read_year(match["y"])) is None:
            raise PeriodError(_out_of_range(ctx.label))
        return _Reading(*dates.month_span(year, month), "", "month")

    if match := _MARKED_SINGLE_YEAR.match(text):
        convention = _marker(match)
        if (year := dates.read_year(match["y"])) is None:
            raise PeriodError(_out_of_range(ctx.label))
        word = "FY" if convention == dates.FINANCIAL else "AY"
        _ambiguous(
            ctx,
            [
                (dates.convention_year(year - 1, convention), f"{year - 1}/{year % 100:02d}"),
                (dates.convention_year(year, convention), f"{year}/{(year + 1) % 100:02d}"),
            ],
            [f"{word} {year - 1}/{year % 100:02d}", f"{word} {year}/{(year + 1) % 100:02d}"],
        )

    if match := _CALENDAR_YEAR.match(text):
        if (year := dates.read_year(match["y"])) is None:
            raise PeriodError(_out_of_range(ctx.label))
        return _Reading(*dates.year_span(year), dates.CALENDAR, "calendar year")

    if day := _read_day(text, ctx, must=False):
        return day

    if not in_range:
        return _each_convention(ctx, lambda each: _read_range(text, each))
    return None


def _consecutive(match: re.Match[str]) -> bool:
    return dates.read_year_pair(match["y1"], match["y2"]) is not None


def _read_day(text: str, ctx: _Context, *, must: bool) -> _Reading | None:
    match = _first_match(_DAY, text)
    if match is None:
        if must:
            raise PeriodError(f'"{ctx.label}" is not a date: write it like "at 31/03/2020"')
        return None
    if (year := dates.read_year(match["y"])) is None:
        raise PeriodError(_out_of_range(ctx.label))
    day_number = int(match["d"])
    month = _month(match)
    try:
        day = date(year, month, day_number)
    except ValueError:
        if match.groupdict().get("sep") and month > 12 and day_number <= 12:
            try:
                us = date(year, day_number, month)
            except ValueError:
                us = None
            if us:
                raise PeriodError(
                    f'"{ctx.label}" is not a date written day/month/year; written month first '
                    f"it would be {us.day} {us:%B %Y}: write {us:%d/%m/%Y}"
                ) from None
        raise PeriodError(f'"{ctx.label}" is not a real date') from None
    return _Reading(day, day, "", "a day")


def _read_term(match: re.Match[str], ctx: _Context) -> _Reading:
    name = match["t"].lower()
    half = int(match["half"]) if match["half"] else None
    if match["y"]:
        if (year := dates.read_year(match["y"])) is None:
            raise PeriodError(_out_of_range(ctx.label))
        pair = None
    else:
        pair = _pair_years(ctx, match)
        year = pair[0] if name == "autumn" else pair[1]
    if name == "winter":
        first_year = year - 1 if pair is None else pair[0]
        options = [year - 1, year] if pair is None else [first_year]
        if len(options) == 1:
            return _Reading(*_months_span(first_year, 12, first_year + 1, 2), "", "season")
        _ambiguous(
            ctx,
            [(_months_span(y, 12, y + 1, 2), "winter") for y in options],
            [_span(_months_span(y, 12, y + 1, 2)) for y in options],
        )
    term = dates.term(year, name, half)
    if match["tw"] or half:
        return _Reading(*term, dates.ACADEMIC if pair else "", "term")
    first_month, last_month = dates.SEASONS[name]
    season = _months_span(year, first_month, year, last_month)
    written = f"{name.title()} term {match['y'] or f'{pair[0]}/{pair[1] % 100:02d}'}"
    _ambiguous(
        ctx,
        [(term, f"the {name} term"), (season, name)],
        [written, _span(season).replace("\u2013", "-")],
    )
    raise AssertionError  # pragma: no cover


def _months_span(first_year, first_month, last_year, last_month) -> dates.Span:
    return date(first_year, first_month, 1), dates.last_day(last_year, last_month)


def _read_range(text: str, ctx: _Context) -> _Reading | None:
    """Two items joined by "to", "-", "until"…: "Q1-Q3 2021/22", "Apr-Dec 2021", "4/2019 to
    3/2020". An item without a year takes the year of the item after it ("Nov-Feb 2022" starts
    in November 2021)."""
    for joint in _RANGE_WORD.finditer(text):
        left, right = text[: joint.start()].strip(), text[joint.end() :].strip()
        if not left or not right:
            continue
        try:
            last = _read(right, ctx, in_range=True)
            if last is None or last.end is None:
                continue
            first = _read(left, ctx, in_range=True)
            suffix = _YEAR_SUFFIX.search(right)
            completed = False
            if first is None and suffix and not re.search(r"[0-9]{2}", left):
                first = _read(f"{left} {suffix.group(0)}", ctx, in_range=True)
                completed = True
        except PeriodError:
            raise
        if first is None or first.end is None:
            continue
        if completed and first.start > last.start and re.fullmatch(r"[0-9]{4}", suffix.group(0)):
            earlier = f"{left} {int(suffix.group(0)) - 1}"
            first = _read(earlier, ctx, in_range=True) or first
        if first.start > last.start or first.end > last.end:
            raise PeriodError(
                f'"{ctx.label}" runs backwards: {_span((first.start, first.end))} comes after '
                f"{_span((last.start, last.end))}"
            )
        convention = last.convention or first.convention
        return _Reading(first.start, last.end, convention, "range")
    return None


def parse_period(
    label: str | None,
    *,
    start: date | None = None,
    end: date | None = None,
    convention: str | None = None,
    as_at: date | None = None,
) -> KpiPeriod:
    """The period a label names, with explicit start and end dates taking precedence.

    `convention` is the year convention in force (financial, academic or calendar; None for
    :data:`DEFAULT_CONVENTION`); `as_at` the file's "as at" date, the end of a year to date
    that does not say. Raises PeriodError when the label is empty, has two readings, when the
    dates cannot be worked out from what is given, or when the period would end before it
    starts.
    """
    written = (label or "").strip()
    if not written:
        raise PeriodError("Enter the period label, as your dataset writes it (like Q3 2021/22)")
    core, qualifier = split_qualifier(written)
    if not core:
        raise PeriodError(f'"{written}" names no period, only "{qualifier}"')
    if convention and convention not in dates.YEAR_CONVENTIONS:
        raise PeriodError(
            f'"{convention}" is not a year convention: financial, academic or calendar'
        )
    ctx = _Context(
        label=core,
        convention=convention or DEFAULT_CONVENTION,
        is_explicit=bool(convention),
        as_at=as_at,
    )
    given_both = start is not None and end is not None
    try:
        if _PART_YEAR_WORDS.search(re.sub(_YTD, "", core, flags=re.IGNORECASE)):
            raise PeriodError(
                f'"{core}" is part of a year: give its start and end dates (period_start and '
                'period_end), or write the months it covers ("Apr-Dec 2021") or "2021/22 YTD '
                'to December"'
            )
        reading = _read(core, ctx)
    except PeriodError:
        if not given_both:
            raise
        reading = None
    if reading is None and not given_both:
        raise PeriodError(
            f'Cannot tell the dates of the period "{core}": give its start and end dates, or '
            "write it as a financial year (2019/20), a quarter (Q3 2021/22), a month "
            "(Apr 2021) or a range (Apr-Dec 2021)"
        )
    how = reading.reading if reading and not given_both else "given dates"
    is_ytd = bool(reading and reading.reading.endswith("year to date"))
    start = start or (reading.start if reading else None)
    if end is None and reading is not None and reading.end is None:
        end = _end_of_year_to_date(core, start, reading.convention or ctx.convention, ctx)
        how += " (ends on the file's as at date)" if end else ""
    end = end or (reading.end if reading else None)
    if start is None and end is not None and is_ytd:
        start = _year_to_date_start(end, reading.convention or ctx.convention)
    if is_ytd and end is None:
        raise PeriodError(
            f'"{core}" says when the period starts but not when it ends: give the end date '
            '(period_end: the last day it counts up to) or the file\'s "as at" date'
        )
    if start is None and end is None:
        raise PeriodError(f'Cannot tell the dates of the period "{core}": give its start and end')
    if end is None:
        raise PeriodError(
            f'"{core}" says when the period starts but not when it ends: give the end date '
            '(for a year to date, the last day it counts up to, or the file\'s "as at" date)'
        )
    if start is None:
        raise PeriodError(f'"{core}" says when the period ends but not when it starts')
    if end < start:
        raise PeriodError(
            f"The period {core} cannot end ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})"
        )
    if out := dates.date_out_of_range(start) or dates.date_out_of_range(end):
        raise PeriodError(f'"{core}": {out[0].lower()}{out[1:]}')
    used = reading.convention if reading and not given_both else ""
    return KpiPeriod(
        end=end, start=start, label=core, convention=used, qualifier=qualifier, reading=how
    )


def _end_of_year_to_date(
    core: str, start: date | None, convention: str, ctx: _Context
) -> date | None:
    """A year to date that does not say where it ends ends on the file's "as at" date, when
    that falls within its year."""
    if ctx.as_at is None:
        return None
    if start is None:
        return ctx.as_at
    first_year = dates.convention_year_containing(start, convention)
    year_end = dates.convention_year(first_year, convention)[1]
    if not start <= ctx.as_at <= year_end:
        raise PeriodError(
            f'"{core}" has no end date, and the file\'s "as at" date ({ctx.as_at:%d/%m/%Y}) is '
            f"not in it ({start:%d/%m/%Y} onwards): give period_end"
        )
    return ctx.as_at
