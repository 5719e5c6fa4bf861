"""Writes for KPI datasets. Each is one transaction, takes the acting user, validates with
full_clean, and leaves a history row (django-simple-history) with the reason for the change.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpis import permissions
from kpis.models import Kpi, KpiRag, KpiSection, KpiTarget, KpiValue, ValueStatus
from kpis.periods import KpiPeriod
from kpis.rag import rate_value


def _save_with_history(instance, *, user, reason: str, update_fields=None) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    instance._change_reason = reason[:100]
    instance.save(update_fields=update_fields)


# --- Ratings -----------------------------------------------------------------------------


@transaction.atomic
def kpi_ratings_recalculate(*, user, kpi: Kpi, reason: str = "Targets or rating rules changed"):
    """Re-rate every value of a KPI (after its targets, direction or threshold change).
    Returns the number of values whose rating or target changed."""
    targets = list(kpi.targets.all())
    changed = 0
    for value in KpiValue.objects.filter(kpi=kpi).select_related("kpi"):
        before = (value.computed_rag, value.target_value, value.target_label)
        rate_value(value, kpi=kpi, targets=targets)
        if (value.computed_rag, value.target_value, value.target_label) != before:
            changed += 1
            _save_with_history(
                value,
                user=user,
                reason=reason,
                update_fields=["computed_rag", "target_value", "target_label", "modified_at"],
            )
    return changed


@transaction.atomic
def kpi_targets_set(*, user, kpi: Kpi, targets: list[dict]) -> list[KpiTarget]:
    """Replace a KPI's targets (a single target or a trajectory: dicts of value, due_on and
    label) and re-rate its values against them."""
    if targets and kpi.direction == "neither":
        raise ValidationError(
            "A context measure has no better direction, so it cannot have targets: set "
            "whether higher or lower is better first."
        )
    due_dates = [spec["due_on"] for spec in targets]
    if len(set(due_dates)) != len(due_dates):
        raise ValidationError("Two targets are due on the same date.")
    existing = {target.due_on: target for target in kpi.targets.all()}
    kept = []
    for spec in targets:
        target = existing.pop(spec["due_on"], None) or KpiTarget(kpi=kpi, due_on=spec["due_on"])
        new = (Decimal(spec["value"]), spec.get("label", ""))
        if target.pk and (target.value, target.label) == new:
            kept.append(target)
            continue
        target.value, target.label = new
        target.full_clean()
        _save_with_history(target, user=user, reason="Targets set")
        kept.append(target)
    for target in existing.values():
        target._change_reason = "Target removed"
        if user is not None and getattr(user, "is_authenticated", False):
            target._history_user = user
        target.delete()
    kpi_ratings_recalculate(user=user, kpi=kpi)
    return kept


# --- Values ------------------------------------------------------------------------------


@transaction.atomic
def kpi_value_record(
    *,
    user,
    kpi: Kpi,
    period: KpiPeriod,
    status: str = ValueStatus.RECORDED,
    value: Decimal | None = None,
    numerator: int | None = None,
    denominator: int | None = None,
    note: str = "",
    source: str = "",
    instance: KpiValue | None = None,
) -> KpiValue:
    """Record a KPI's value for a period, or correct one already recorded.

    Without `instance`, a value for the same period (same start and end) is updated in place.
    With `instance` (editing a row), the period may change too, unless another value already
    has the new period. A changed figure clears a manual RAG override (its reason was about
    the old figure); the history keeps both.
    """
    permissions.require(permissions.can_enter_values(user, kpi))
    same_period = (
        KpiValue.objects.select_for_update()
        .filter(kpi=kpi, period_start=period.start, period_end=period.end)
        .order_by()
    )
    if instance is not None:
        clash = same_period.exclude(pk=instance.pk).first()
        if clash:
            raise ValidationError(
                {
                    "period_label": f"{kpi.code} already has a value for {clash.period_label} "
                    f"({clash.period_start:%d/%m/%Y} to {clash.period_end:%d/%m/%Y}): edit that "
                    "one instead."
                }
            )
        target = KpiValue.objects.select_for_update().get(pk=instance.pk, kpi=kpi)
    else:
        target = same_period.first() or KpiValue(kpi=kpi)
    before = (target.status, target.value, target.numerator, target.denominator)
    is_new = target.pk is None
    target.kpi = kpi
    target.period_label, target.period_start, target.period_end = (
        period.label,
        period.start,
        period.end,
    )
    target.status, target.value = status, value
    target.numerator, target.denominator = numerator, denominator
    target.note, target.source = note, source
    target.entered_by = user if getattr(user, "is_authenticated", False) else None
    target.full_clean(exclude=["kpi"], validate_unique=False)
    figures_changed = before != (target.status, target.value, target.numerator, target.denominator)
    reason = "Entered" if is_new else "Corrected"
    if not is_new and target.rag_override and figures_changed:
        target.rag_override, target.override_reason = "", ""
        target.overridden_by, target.overridden_at = None, None
        reason += "; the RAG override was cleared because the figure changed"
    rate_value(target, kpi=kpi, targets=list(kpi.targets.all()))
    _save_with_history(target, user=user, reason=reason)
    return target


@transaction.atomic
def kpi_value_override(*, user, value: KpiValue, rag: str, reason: str) -> KpiValue:
    """Override a value's computed RAG (Red, Amber or Green), with the reason shown beside it.
    An empty `rag` removes the override (a reason is still recorded in the history)."""
    permissions.require(permissions.can_override_rag(user, value.kpi.plan))
    value = KpiValue.objects.select_for_update(of=("self",)).select_related("kpi").get(pk=value.pk)
    reason = (reason or "").strip()
    if rag and rag not in (KpiRag.RED, KpiRag.AMBER, KpiRag.GREEN):
        raise ValidationError({"rag_override": "An override is Red, Amber or Green."})
    if not reason:
        raise ValidationError({"override_reason": "Say why the rating is overridden."})
    if rag:
        value.rag_override, value.override_reason = rag, reason
        value.overridden_by, value.overridden_at = user, timezone.now()
        history_reason = f"RAG overridden to {KpiRag(rag).label}"
    else:
        value.rag_override, value.override_reason = "", ""
        value.overridden_by, value.overridden_at = None, None
        history_reason = f"RAG override removed: {reason}"
    value.full_clean(exclude=["kpi"], validate_unique=False)
    _save_with_history(value, user=user, reason=history_reason)
    return value


# --- Saving what a file's checks prepared ------------------------------------------------
# A file import (in the app above that reads the file formats) checks every row first, then
# writes through these inside its own transaction: no savepoint per row, so a large file stays
# quick.


def kpi_value_save_checked(
    *,
    user,
    value: KpiValue,
    targets: list[KpiTarget],
    reason: str,
    clears_override: bool = False,
) -> KpiValue:
    """Rate and save a value a file's checks have already validated, with a history row giving
    `reason`. `targets` are the KPI's, read once for the whole file. `clears_override` when
    the figure of a value with a manual RAG override changed (the override was about the old
    figure; the history keeps both)."""
    if clears_override:
        value.rag_override, value.override_reason = "", ""
        value.overridden_by, value.overridden_at = None, None
    rate_value(value, kpi=value.kpi, targets=targets)
    _save_with_history(value, user=user, reason=reason)
    return value


def kpi_definition_save(*, user, kpi: Kpi, reason: str) -> Kpi:
    """Save a KPI's definition (new, or changed by a definitions file) with a history row."""
    kpi.full_clean()
    _save_with_history(kpi, user=user, reason=reason)
    return kpi


def kpi_section_save(*, section: KpiSection) -> KpiSection:
    section.full_clean()
    section.save()
    return section
