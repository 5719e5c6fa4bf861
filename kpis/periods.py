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
:func:`wsoa.timescales.parse_timescale`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

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


_MONTHS = {
    name[:3].lower(): number
    for number, name in enumerate(calendar.month_name)
    if number  # month_name[0] is ""
}
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YY = r"(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})"
_FY_WORDS = r"(?:fy|financial\s+year|fin\.?\s+year)"
_AY_WORDS = r"(?:ay|academic\s+year|school\s+year|academic)"


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{pattern}\s*$", re.IGNORECASE)


_FINANCIAL_YEAR = _re(rf"(?:{_FY_WORDS}\s*)?{_YY}(?:\s*{_FY_WORDS})?")
_ACADEMIC_YEAR = [_re(rf"{_AY_WORDS}\s*{_YY}"), _re(rf"{_YY}\s*{_AY_WORDS}")]
_FINANCIAL_QUARTER = [
    _re(rf"(?:q|quarter\s*)(?P<q>[1-4])\s*(?:of\s+)?(?:{_FY_WORDS}\s*)?{_YY}"),
    _re(rf"(?:{_FY_WORDS}\s*)?{_YY}\s*(?:q|quarter\s*)(?P<q>[1-4])"),
]
_CALENDAR_QUARTER = [
    _re(r"(?:q|quarter\s*)(?P<q>[1-4])\s*(?P<y>\d{4})"),
    _re(r"(?P<y>\d{4})\s*(?:q|quarter\s*)(?P<q>[1-4])"),
]
_MONTH = [
    _re(rf"{_MON}\s*[-']?\s*(?P<y>\d{{4}}|\d{{2}})"),
    _re(r"(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"),
    _re(r"(?P<y>\d{4})-(?P<m>\d{1,2})"),
]
_YTD = [
    _re(
        rf"(?:{_FY_WORDS}\s*)?{_YY}\s*(?:ytd|year\s+to\s+date)(?:\s*(?:to|-|until)?\s*{_MON}(?:\s+(?P<y>\d{{4}}))?)?"
    ),  # noqa: E501
    _re(rf"(?:ytd|year\s+to\s+date)\s*(?:{_FY_WORDS}\s*)?{_YY}"),
]
_CALENDAR_YEAR = _re(r"(?:calendar\s+year\s*|cy\s*)?(?P<y>\d{4})")
_DAY_PREFIX = re.compile(r"^\s*(?:as\s+at|at|snapshot(?:\s+at)?|position\s+at)\s+", re.IGNORECASE)
_DAY = [
    _re(r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4}|\d{2})"),
    _re(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    _re(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}\s+(?P<y>\d{{4}})"),
]


def _year(digits: str) -> int:
    value = int(digits)
    return value + 2000 if len(digits) == 2 else value


def _second_year(match: re.Match[str]) -> tuple[int, int] | None:
    """(2019, 2020) from "2019/20" or "2019/2020"; None unless the second is the next year."""
    first = int(match["y1"])
    digits = match["y2"]
    second = int(digits) if len(digits) == 4 else first - first % 100 + int(digits)
    if len(digits) == 2 and second < first:
        second += 100
    return (first, second) if second == first + 1 else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _first_match(patterns, text):
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            return match
    return None


def _dates_from_label(label: str) -> tuple[date | None, date | None, str | None]:
    """(start, end, problem): what the label alone says. A None date means 'not given'."""
    text = label.replace("\u2013", "-").replace("\u2014", "-").strip()

    if match := _first_match(_YTD, text):
        years = _second_year(match)
        if years is None:
            return None, None, f'"{label}" is not a financial year (like 2021/22)'
        start = date(years[0], 4, 1)
        if match.groupdict().get("mon"):
            month = _month(match["mon"])
            year = int(match["y"]) if match["y"] else years[0] if month >= 4 else years[1]
            return start, _last_day(year, month), None
        return start, None, None

    if match := _first_match(_FINANCIAL_QUARTER, text):
        years = _second_year(match)
        if years is None:
            return None, None, f'"{label}" is not a financial year quarter (like Q3 2021/22)'
        months_after_april = 3 * (int(match["q"]) - 1)
        first_month = 4 + months_after_april
        year = years[0] + (first_month - 1) // 12
        first_month = (first_month - 1) % 12 + 1
        return date(year, first_month, 1), _last_day(year, first_month + 2), None

    if match := _first_match(_ACADEMIC_YEAR, text):
        years = _second_year(match)
        if years is None:
            return None, None, f'"{label}" is not an academic year (like 2019/20)'
        return date(years[0], 9, 1), date(years[1], 8, 31), None

    # "2019/20" is a financial year; "2021-04" (not two consecutive years) is a month.
    if (match := _FINANCIAL_YEAR.match(text)) and (years := _second_year(match)):
        return date(years[0], 4, 1), date(years[1], 3, 31), None

    if match := _first_match(_CALENDAR_QUARTER, text):
        year, quarter = int(match["y"]), int(match["q"])
        return date(year, 3 * quarter - 2, 1), _last_day(year, 3 * quarter), None

    if match := _first_match(_MONTH, text):
        groups = match.groupdict()
        month = _month(groups["mon"]) if groups.get("mon") else int(groups["m"])
        if not 1 <= month <= 12:
            return None, None, f'"{label}" has no month {month}'
        year = _year(match["y"])
        return date(year, month, 1), _last_day(year, month), None

    if match := _CALENDAR_YEAR.match(text):
        year = int(match["y"])
        return date(year, 1, 1), date(year, 12, 31), None

    day_text = _DAY_PREFIX.sub("", text)
    if match := _first_match(_DAY, day_text):
        groups = match.groupdict()
        month = _month(groups["mon"]) if groups.get("mon") else int(groups["m"])
        try:
            day = date(_year(match["y"]), month, int(match["d"]))
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
