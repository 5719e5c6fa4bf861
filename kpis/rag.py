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

A change between periods is only ever shown against the comparable earlier period (the same
kind and length of period): the rule is in `kpis.comparison`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

# The change between periods has a rule of its own, `kpis.comparison`; its names are
# importable from here too.
from kpis.comparison import NO_EARLIER_PERIOD, NOT_COMPARABLE, Change, Trend
from kpis.models import KpiDirection, KpiRag, KpiTarget, ValueStatus

__all__ = [
    "NO_EARLIER_PERIOD",
    "NOT_COMPARABLE",
    "Change",
    "Trend",
    "rate",
    "rate_value",
    "target_in_force",
]


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
