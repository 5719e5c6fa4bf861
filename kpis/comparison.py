"""Like-for-like comparisons: which earlier value a KPI value is compared with, and how the
change between them is described.

The rule (one rule, used by the dataset page, the KPI page, the board dashboard's "worsened"
and the board pack; charts draw one line per kind of period by the same rule):

A value is only ever compared with the value of the **comparable earlier period**: the
period of the same kind and length just before it. The kind and length come from the
period's first and last days (`KpiValue.period_start` / `period_end`), never from its label:

- a **month** (the 1st to the last day of one month) is compared with the month before;
- a **quarter** (three whole months) with the three months before it;
- a **full year** (twelve whole months: a financial, academic or calendar year, or any
  twelve months) with the twelve months before it, which is the same year a year earlier;
- **any other run of whole months** (a year to date, a half year, a term) with the same
  months a year earlier: 2021/22 YTD to December (April to December 2021) with April to
  December 2020, never with the whole of 2020/21 or with Q3 2021/22 inside it;
- **any other run of days** with the same days a year earlier (a run longer than a year
  with the same days as many whole years earlier as it takes not to overlap);
- a **day** (a position at a date, like the number of plans at 30/12/19) with the latest
  earlier position at a date.

So a part-year is never compared with a full year, nor a quarter with a year to date that
contains it. When there is no value for the comparable earlier period, the change is
"No comparable earlier period" (never "worsened"). When that period's value, or this one,
is missing or unreliable there is no comparison either ("No comparison"): neither is ever
treated as a figure.

Where there is a comparison, the amount is this value minus the earlier one; it is
*improved* or *worsened* by the KPI's better direction (*up* or *down* for a context
measure, which has none), or *no change*.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

from kpis.choices import KpiDirection

__all__ = [
    "NOT_COMPARABLE",
    "NO_EARLIER_PERIOD",
    "Change",
    "PeriodKind",
    "PeriodShape",
    "Trend",
    "change_between",
    "changes_in_series",
    "comparable_earlier",
    "comparable_earlier_period",
    "period_shape",
]

MONTH_NAMES = [calendar.month_name[number] for number in range(1, 13)]


# --- The kind of a period, from its dates ------------------------------------------------


class PeriodKind(models.TextChoices):
    DAY = "day", "At a date"
    MONTH = "month", "Monthly"
    QUARTER = "quarter", "Quarterly"
    YEAR = "year", "Full year"
    MONTHS = "months", "Part of a year"  # other whole months: a year to date, a half year
    DAYS = "days", "Other period"  # not whole months


@dataclass(frozen=True)
class PeriodShape:
    """What a period is, from its dates: its `kind`, its length in whole `months` (None when
    it is not whole months), how far back its comparable earlier period is (`shift_months`
    whole months, or `shift_years` years for a run of days), and a `key` shared by exactly
    the periods that are like for like with it (one line on a chart), with a `label` for it.
    """

    kind: str
    months: int | None
    shift_months: int
    shift_years: int
    key: tuple
    label: str


def _is_last_day(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _last_of(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _years_back(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _day_month(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"


def period_shape(start: date, end: date) -> PeriodShape:
    """The kind and length of the period from `start` to `end` (its first and last days)."""
    if start == end:
        return PeriodShape(PeriodKind.DAY, None, 0, 0, (PeriodKind.DAY,), PeriodKind.DAY.label)
    if start.day == 1 and _is_last_day(end):
        months = _month_index(end) - _month_index(start) + 1
        first, last = MONTH_NAMES[start.month - 1], MONTH_NAMES[end.month - 1]
        if months in (1, 3, 12):
            kind = {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 12: PeriodKind.YEAR}[months]
            shift = months
            label = f"Full year ({first} to {last})" if months == 12 else kind.label
        else:
            kind = PeriodKind.MONTHS
            shift = 12 * -(-months // 12)  # the same months a year (or years) earlier
            label = f"{first} to {last}" if months < 12 else f"{months} months from {first}"
        key = (kind, months, _month_index(start) % shift)
        return PeriodShape(kind, months, shift, 0, key, label)
    years = 1
    while _years_back(end, years) >= start:
        years += 1
    key = (PeriodKind.DAYS, start.month, start.day, end.month, end.day, end.year - start.year)
    label = f"{_day_month(start)} to {_day_month(end)}"
    return PeriodShape(PeriodKind.DAYS, None, 0, years, key, label)


def comparable_earlier_period(start: date, end: date) -> tuple[date, date] | None:
    """The first and last days of the comparable earlier period (see the module docstring);
    None for a day, which is compared with the latest earlier day instead."""
    shape = period_shape(start, end)
    if shape.kind == PeriodKind.DAY:
        return None
    if shape.months is not None:
        return (
            _first_of(_month_index(start) - shape.shift_months),
            _last_of(_month_index(end) - shape.shift_months),
        )
    return _years_back(start, shape.shift_years), _years_back(end, shape.shift_years)


def comparable_earlier(value, series: Sequence):
    """The value in `series` (KpiValues) of `value`'s comparable earlier period, or None."""
    return _Index(series).earlier(value)


class _Index:
    """A series looked up by period, so a whole series is compared in one pass."""

    def __init__(self, series: Sequence):
        self.by_dates = {(v.period_start, v.period_end): v for v in series}
        self.days = sorted(
            (v for v in series if v.period_start == v.period_end), key=lambda v: v.period_end
        )
        self.day_ends = [v.period_end for v in self.days]

    def earlier(self, value):
        if value is None:
            return None
        dates = comparable_earlier_period(value.period_start, value.period_end)
        if dates is not None:
            return self.by_dates.get(dates)
        position = bisect_left(self.day_ends, value.period_end)
        return self.days[position - 1] if position else None


# --- The change ----------------------------------------------------------------------------


class Trend(models.TextChoices):
    IMPROVED = "improved", "Improved"
    WORSENED = "worsened", "Worsened"
    NO_CHANGE = "no_change", "No change"
    UP = "up", "Up"  # a context measure: no better direction
    DOWN = "down", "Down"
    NOT_COMPARABLE = "not_comparable", "No comparison"  # a value missing or unreliable
    NO_EARLIER_PERIOD = "no_earlier_period", "No comparable earlier period"


@dataclass(frozen=True)
class Change:
    """How a value moved from its comparable earlier period's value.

    `amount` is this value minus the earlier one (None when there is no comparison);
    `trend` says whether that is better or worse for this KPI's direction, or why there is
    no comparison; `previous_label` names the earlier period ("" when there is none).
    """

    amount: Decimal | None
    trend: str
    previous_label: str = ""

    @property
    def is_improved(self) -> bool:
        return self.trend == Trend.IMPROVED

    @property
    def is_worsened(self) -> bool:
        return self.trend == Trend.WORSENED

    @property
    def is_compared(self) -> bool:
        return self.amount is not None

    @property
    def arrow(self) -> str:
        if self.amount is None or self.amount == 0:
            return ""
        return "▲" if self.amount > 0 else "▼"


NOT_COMPARABLE = Change(amount=None, trend=Trend.NOT_COMPARABLE)
NO_EARLIER_PERIOD = Change(amount=None, trend=Trend.NO_EARLIER_PERIOD)


def change_between(latest, previous, *, direction: str) -> Change:
    """The change from `previous` to `latest`, which must be the value of `latest`'s
    comparable earlier period (`comparable_earlier`), or None when there is none."""
    if latest is None:
        return NOT_COMPARABLE
    if previous is None:
        return NO_EARLIER_PERIOD
    if not (latest.is_comparable and previous.is_comparable):
        return Change(amount=None, trend=Trend.NOT_COMPARABLE, previous_label=previous.period_label)
    amount = latest.value - previous.value
    if amount == 0:
        trend = Trend.NO_CHANGE
    elif direction == KpiDirection.NEITHER:
        trend = Trend.UP if amount > 0 else Trend.DOWN
    elif (amount > 0) == (direction == KpiDirection.HIGHER_IS_BETTER):
        trend = Trend.IMPROVED
    else:
        trend = Trend.WORSENED
    return Change(amount=amount, trend=trend, previous_label=previous.period_label)


def changes_in_series(series: Sequence, *, direction: str) -> list[tuple[object, Change]]:
    """[(earlier value or None, change)] for each value of `series`, in its order."""
    index = _Index(series)
    out = []
    for value in series:
        earlier = index.earlier(value)
        out.append((earlier, change_between(value, earlier, direction=direction)))
    return out
