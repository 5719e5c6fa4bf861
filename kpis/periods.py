"""Reporting periods as local areas write them, read into a label and two dates.

A KPI value belongs to a period: the label is kept exactly as written ("Q3 2021/22"), and
the period's first and last days are derived from it, or given explicitly (an explicit date
always wins over what the label says). Labels read here:

- financial year: "2019/20", "2019-20", "FY 2019/20" → 1 Apr 2019 to 31 Mar 2020
- academic year: "AY 2019/20", "academic year 2019/20" → 1 Sep 2019 to 31 Aug 2020
- financial quarter (Q1 = Apr-Jun): "Q3 2021/22", "2021/22 Q3", "Quarter 3 2021-22"
  → 1 Oct 2021 to 31 Dec 2021
- calendar quarter: "Q1 2020", "2020 Q1" → 1 Jan 2020 to 31 Mar 2020
- month: "Apr 2021", "April 2021", "04/2021", "2021-04" → 1 to 30 Apr 2021
- year to date: "2021/22 YTD to December" → 1 Apr 2021 to 31 Dec 2021; "2021/22 YTD" on its
  own starts on 1 Apr 2021 and needs its end date given
- calendar year: "2019", "calendar year 2019" → 1 Jan to 31 Dec 2019
- a day (a snapshot): "30/12/2019", "at 30/12/19", "as at 30 December 2019" → that day
- ranges and terms: "4/2019 to 3/2020", "April 2019 to March 2020", "Apr-Jun 2021",
  "Spring term 2020" → first day of the first to last day of the last

Bare "2019/20" is a **financial year** here, as in performance datasets (unlike the plan's
timescales, where it is an academic year). Ranges and terms are read by
:func:`wsoa.timescales.parse_timescale`; months, years, quarters and the financial and
academic year words are the shared ones of :mod:`wsoa.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from wsoa import dates
from wsoa.timescales import parse_timescale

__all__ = ["KpiPeriod", "PeriodError", "parse_period"]


class PeriodError(ValueError):
    """The label and dates given do not make a period; the message says why."""


@dataclass(frozen=True, order=True)
class KpiPeriod:
    """A reporting period: sorted by end, then start (the order a series is read in)."""

    end: date
    start: date
    label: str

    def __str__(self) -> str:
        return self.label

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end


# A KPI's bare "2019/20" is a financial year: performance datasets count in financial years.
_BARE_YEAR_PAIR_IS_FINANCIAL = True
# A label is only a period, so a spaced hyphen ("2019 - 20") still joins the two years.
_YY = r"(?P<y1>[0-9]{4})\s*[/-]\s*(?P<y2>[0-9]{2}|[0-9]{4})"
_FY = dates.FINANCIAL_WORDS
_AY = dates.ACADEMIC_WORDS


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{pattern}\s*$", re.IGNORECASE)


_YEAR_PAIR = _re(rf"(?P<fy>{_FY}\s*)?{_YY}(?P<fy_after>\s*{_FY})?")
_ACADEMIC_YEAR = [_re(rf"{_AY}\s*{_YY}"), _re(rf"{_YY}\s*{_AY}")]
_FINANCIAL_QUARTER = [
    _re(rf"{dates.FINANCIAL_QUARTER_PREFIX}{_YY}"),
    _re(rf"(?:{_FY}\s*)?{_YY}{dates.FINANCIAL_QUARTER_SUFFIX}"),
]
_CALENDAR_QUARTER = [
    _re(dates.CALENDAR_QUARTER),
    _re(rf"(?P<y>[0-9]{{4}})\s*{dates.QUARTER}"),
]
_MONTH = [
    _re(rf"{dates.MONTH}\s*[-']?\s*{dates.YEAR}"),
    _re(r"(?P<m>[0-9]{1,2})\s*/\s*(?P<y>[0-9]{4})"),
    _re(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})"),
]
_YTD = [
    _re(
        rf"(?:{_FY}\s*)?{_YY}\s*(?:ytd|year\s+to\s+date)"
        # The month may follow without a space: "2021/22 YTDDec".
        rf"(?:\s*(?:to|-|until)?\s*{dates.MONTH_WORD}\.?(?:\s+(?P<y>[0-9]{{4}}))?)?"
    ),
    _re(rf"(?:ytd|year\s+to\s+date)\s*(?:{_FY}\s*)?{_YY}"),
]
_CALENDAR_YEAR = _re(r"(?:calendar\s+year\s*|cy\s*)?(?P<y>[0-9]{4})")
_DAY_PREFIX = re.compile(r"^\s*(?:as\s+at|at|snapshot(?:\s+at)?|position\s+at)\s+", re.IGNORECASE)
_DAY = [_re(dates.NUMERIC_DATE), _re(dates.ISO_DATE), _re(dates.DAY_MONTH_YEAR)]


def _month(match: re.Match[str]) -> int:
    """The month a pattern read, by name (group mon) or by number (group m)."""
    name = match.groupdict().get("mon")
    return dates.month_number(name) if name else int(match["m"])


def _first_match(patterns, text):
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            return match
    return None


def _dates_from_label(label: str) -> tuple[date | None, date | None, str | None]:
    """(start, end, problem): what the label alone says. A None date means 'not given'."""
    text = dates.normalise(label).strip()
    out_of_range = f'"{label}" is not in the years {dates.MIN_YEAR} to {dates.MAX_YEAR}'

    if match := _first_match(_YTD, text):
        years = dates.read_year_pair(match["y1"], match["y2"])
        if years is None:
            return None, None, f'"{label}" is not a financial year (like 2021/22)'
        start = dates.financial_year(years[0])[0]
        if not match.groupdict().get("mon"):
            return start, None, None
        month = _month(match)
        if match["y"]:
            year = dates.read_year(match["y"])
        else:
            year = dates.year_of_month(years[0], month, financial=True)
        if year is None:
            return None, None, out_of_range
        return start, dates.last_day(year, month), None

    if match := _first_match(_FINANCIAL_QUARTER, text):
        years = dates.read_year_pair(match["y1"], match["y2"])
        if years is None:
            return None, None, f'"{label}" is not a financial year quarter (like Q3 2021/22)'
        return (*dates.quarter(years[0], int(match["q"]), financial=True), None)

    if match := _first_match(_ACADEMIC_YEAR, text):
        years = dates.read_year_pair(match["y1"], match["y2"])
        if years is None:
            return None, None, f'"{label}" is not an academic year (like 2019/20)'
        return (*dates.academic_year(years[0]), None)

    # "2021-04" (not two consecutive years) is a month.
    if (match := _YEAR_PAIR.match(text)) and (
        years := dates.read_year_pair(match["y1"], match["y2"])
    ):
        financial = bool(match["fy"] or match["fy_after"]) or _BARE_YEAR_PAIR_IS_FINANCIAL
        return (*dates.year_pair(years[0], financial=financial), None)

    if match := _first_match(_CALENDAR_QUARTER, text):
        if (year := dates.read_year(match["y"])) is None:
            return None, None, out_of_range
        return (*dates.quarter(year, int(match["q"]), financial=False), None)

    if match := _first_match(_MONTH, text):
        month = _month(match)
        if not 1 <= month <= 12:
            return None, None, f'"{label}" has no month {month}'
        if (year := dates.read_year(match["y"])) is None:
            return None, None, out_of_range
        return (*dates.month_span(year, month), None)

    if match := _CALENDAR_YEAR.match(text):
        if (year := dates.read_year(match["y"])) is None:
            return None, None, out_of_range
        return (*dates.year_span(year), None)

    if match := _first_match(_DAY, _DAY_PREFIX.sub("", text)):
        if (year := dates.read_year(match["y"])) is None:
            return None, None, out_of_range
        try:
            day = date(year, _month(match), int(match["d"]))
        except ValueError:
            return None, None, f'"{label}" is not a real date'
        return day, day, None

    return _dates_from_timescale(label, text)


def _dates_from_timescale(label: str, text: str) -> tuple[date | None, date | None, str | None]:
    parsed = parse_timescale(text)
    if parsed.start and parsed.due and not parsed.is_ongoing and "ignored" not in parsed.reading:
        return parsed.start, parsed.due, None
    return None, None, None


def parse_period(
    label: str | None, *, start: date | None = None, end: date | None = None
) -> KpiPeriod:
    """The period a label names, with explicit start and end dates taking precedence.

    Raises PeriodError when the label is empty, when the dates cannot be worked out from
    what is given, or when the period would end before it starts.
    """
    label = (label or "").strip()
    if not label:
        raise PeriodError("Enter the period label, as your dataset writes it (like Q3 2021/22)")
    label_start, label_end, problem = _dates_from_label(label)
    if problem and not (start and end):
        raise PeriodError(problem)
    start = start or label_start
    end = end or label_end
    if start is None and end is None:
        raise PeriodError(
            f'Cannot tell the dates of the period "{label}": give its start and end dates, or '
            "write it as a financial year (2019/20), a quarter (Q3 2021/22), a month "
            "(Apr 2021) or a range (4/2019 to 3/2020)"
        )
    if end is None:
        raise PeriodError(
            f'"{label}" says when the period starts but not when it ends: give the end date '
            "(for a year to date, the last day it counts up to)"
        )
    if start is None:
        raise PeriodError(f'"{label}" says when the period ends but not when it starts')
    if end < start:
        raise PeriodError(
            f"The period {label} cannot end ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})"
        )
    return KpiPeriod(end=end, start=start, label=label)
