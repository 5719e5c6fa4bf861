"""How a KPI value is rated, and how a change between two periods is described.

The rules (docs/kpi-import.md repeats them for data owners):

1. A value marked "no data" is rated **No data**; one marked "unreliable" is rated
   **Unreliable data**, whatever its figure. Neither is ever treated as zero.
2. The **target in force** for a period is the latest target (or trajectory point) due on or
   before the last day of the period; for a period ending before the first one is due, the
   first one. After the last point, the last point stays in force.
3. With no target (or for a context measure, which has no better direction): **No target**.
4. The shortfall is how far the value falls short of the target in the better direction:
   `target - value` when higher is better, `value - target` when lower is better.
   No shortfall (the target is met or beaten): **Green**. A shortfall no bigger than the
   KPI's amber threshold: **Amber**. A bigger one: **Red**.
5. A manual override (Red, Amber or Green, always with a reason) replaces the computed rating
   in what is shown; the computed rating is kept beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

from kpis.models import KpiDirection, KpiRag, KpiTarget, ValueStatus


def target_in_force(targets: Iterable[KpiTarget], period_end: date) -> KpiTarget | None:
    ordered = sorted(targets, key=lambda target: target.due_on)
    if not ordered:
        return None
    passed = [target for target in ordered if target.due_on <= period_end]
    return passed[-1] if passed else ordered[0]


def rate(
    *,
    status: str,
    value: Decimal | None,
    target: Decimal | None,
    direction: str,
    amber_threshold: Decimal,
) -> KpiRag:
    if status == ValueStatus.NO_DATA or (status == ValueStatus.RECORDED and value is None):
        return KpiRag.NO_DATA
    if status == ValueStatus.UNRELIABLE:
        return KpiRag.UNRELIABLE
    if target is None or direction == KpiDirection.NEITHER:
        return KpiRag.NO_TARGET
    higher = direction == KpiDirection.HIGHER_IS_BETTER
    shortfall = target - value if higher else value - target
    if shortfall <= 0:
        return KpiRag.GREEN
    if shortfall <= amber_threshold:
        return KpiRag.AMBER
    return KpiRag.RED


def rate_value(value, *, kpi, targets: Sequence[KpiTarget]) -> None:
    """Set a value's computed rating and the target it was rated against (not saved)."""
    target = target_in_force(targets, value.period_end)
    value.target_value = target.value if target else None
    value.target_label = (target.label or str(target))[:200] if target else ""
    value.computed_rag = rate(
        status=value.status,
        value=value.value,
        target=value.target_value,
        direction=kpi.direction,
        amber_threshold=kpi.amber_threshold,
    )


# --- Change between periods --------------------------------------------------------------


class Trend(models.TextChoices):
    IMPROVED = "improved", "Improved"
    WORSENED = "worsened", "Worsened"
    NO_CHANGE = "no_change", "No change"
    UP = "up", "Up"  # a context measure: no better direction
    DOWN = "down", "Down"
    NOT_COMPARABLE = "not_comparable", "No comparison"


@dataclass(frozen=True)
class Change:
    """How the latest value moved from the previous period's.

    `amount` is latest minus previous (None when either is missing or unreliable);
    `trend` says whether that is better or worse for this KPI's direction.
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
    def arrow(self) -> str:
        if self.amount is None or self.amount == 0:
            return ""
        return "▲" if self.amount > 0 else "▼"


NOT_COMPARABLE = Change(amount=None, trend=Trend.NOT_COMPARABLE)


def change_between(latest, previous, *, direction: str) -> Change:
    if latest is None or previous is None:
        return NOT_COMPARABLE
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
