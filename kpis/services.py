"""Writes for KPI datasets. Each is one transaction, takes the acting user, validates with
full_clean, and leaves a history row (django-simple-history) with the reason for the change.
A KPI value is never edited: a correction is a new row that `corrects` the current one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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


def _signed_in(user):
    return user if getattr(user, "is_authenticated", False) else None


def _lock_values_of(kpi: Kpi) -> None:
    """Serialise writes of a KPI's values (one current value per period is kept here, not by
    a database constraint, because superseded rows share their period)."""
    # No ordering: the default one joins the section, and FOR UPDATE refuses the outer join.
    list(Kpi.objects.select_for_update().filter(pk=kpi.pk).order_by().values_list("pk", flat=True))


def _as_correction(value: KpiValue, *, user) -> KpiValue:
    """Turn `value`, a saved row whose new figures are set in memory, into a new unsaved row
    that corrects it; the saved row stays as it was, superseded."""
    corrected_pk = value.pk
    value.pk = None
    value._state.adding = True
    value.corrects_id = corrected_pk
    value.created_at = value.modified_at = None
    value.recorded_at = timezone.now()
    value.recorded_by = _signed_in(user)
    return value


STORED_FIGURES = (
    "period_label",
    "period_start",
    "period_end",
    "status",
    "value",
    "numerator",
    "denominator",
    "note",
    "source",
)


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

    A correction is a new row that `corrects` the current one, which is kept (a past meeting's
    figures stay as they were known then). Without `instance`, a current value for the same
    period (same start and end) is corrected. With `instance` (editing a row), the period may
    change too, unless another current value already has the new period. A changed figure
    clears a manual RAG override (its reason was about the old figure). Nothing changed:
    nothing is written, and the current value is returned.
    """
    permissions.require(permissions.can_enter_values(user, kpi))
    _lock_values_of(kpi)
    current = KpiValue.objects.current().filter(kpi=kpi)
    same_period = current.filter(period_start=period.start, period_end=period.end).order_by()
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
        target = current.filter(pk=instance.pk).first()
        if target is None:
            raise ValidationError(
                "This value has been corrected since it was opened: open the KPI again and "
                "correct the current one."
            )
    else:
        target = same_period.first() or KpiValue(kpi=kpi, recorded_by=_signed_in(user))
    is_new = target.pk is None
    before = {name: getattr(target, name) for name in STORED_FIGURES}
    target.kpi = kpi
    target.period_label, target.period_start, target.period_end = (
        period.label,
        period.start,
        period.end,
    )
    target.status, target.value = status, value
    target.numerator, target.denominator = numerator, denominator
    target.note, target.source = note, source
    target.full_clean(exclude=["kpi"], validate_unique=False)
    changed = [name for name in STORED_FIGURES if getattr(target, name) != before[name]]
    if not is_new and not changed:
        return target
    target.entered_by = _signed_in(user)
    reason = "Entered"
    if not is_new:
        _as_correction(target, user=user)
        reason = "Corrected"
        figures_changed = {"status", "value", "numerator", "denominator"} & set(changed)
        if target.rag_override and figures_changed:
            target.rag_override, target.override_reason = "", ""
            target.overridden_by, target.overridden_at = None, None
            reason += "; the RAG override was cleared because the figure changed"
    rate_value(target, kpi=kpi, targets=list(kpi.targets.all()))
    _save_with_history(target, user=user, reason=reason)
    return target


OVERRIDE_FIELDS = ["rag_override", "override_reason", "overridden_by", "overridden_at"]


@transaction.atomic
def kpi_value_override(*, user, value: KpiValue, rag: str, reason: str) -> KpiValue:
    """Override a value's computed RAG (Red, Amber or Green), with the reason shown beside it.
    An empty `rag` removes the override (a reason is still recorded in the history). The
    override changes the value's rating in place (its figure stays); the history keeps it."""
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
    _save_with_history(
        value, user=user, reason=history_reason, update_fields=[*OVERRIDE_FIELDS, "modified_at"]
    )
    return value


# --- Saving what a file's checks prepared ------------------------------------------------
# A file import (in the app above that reads the file formats) checks every row first, then
# writes through these inside its own transaction: no savepoint per row, so a large file stays
# quick.


def _ready_checked(value: KpiValue, *, user, targets: list[KpiTarget], clears_override: bool):
    """A checked value made ready to insert: new, or a correction of the saved row it was
    read from; the override cleared if asked, and rated."""
    if value.pk is None:
        value.recorded_by = _signed_in(user)
    else:
        _as_correction(value, user=user)
    if clears_override:
        value.rag_override, value.override_reason = "", ""
        value.overridden_by, value.overridden_at = None, None
    rate_value(value, kpi=value.kpi, targets=targets)
    return value


def kpi_value_save_checked(
    *,
    user,
    value: KpiValue,
    targets: list[KpiTarget],
    reason: str,
    clears_override: bool = False,
) -> KpiValue:
    """Rate and save a value a file's checks have already validated, with a history row giving
    `reason`. `targets` are the KPI's, read once for the whole file. A saved value carrying
    new figures is saved as a correction of it (a new row; the saved one is kept).
    `clears_override` when the figure of a value with a manual RAG override changed (the
    override was about the old figure; the corrected row keeps it)."""
    _ready_checked(value, user=user, targets=targets, clears_override=clears_override)
    _save_with_history(value, user=user, reason=reason)
    return value


class CheckedValue(NamedTuple):
    """A value a file's checks have validated, the reason its history row gives, and whether
    its manual RAG override is cleared (see `kpi_value_save_checked`)."""

    value: KpiValue
    reason: str
    clears_override: bool = False


@transaction.atomic
def kpi_values_save_checked(
    *, user, checked: Sequence[CheckedValue], targets: Mapping[int, list[KpiTarget]]
) -> list[KpiValue]:
    """`kpi_value_save_checked` for a whole file at once: the same rows and the same history
    rows (one each, with its reason and user), inserted in bulk, so the number of queries does
    not grow with the file. `targets` maps a KPI's pk to its targets. Every row is an insert
    (a correction is a new row), so nothing here updates a saved value."""
    values = []
    signed_in = _signed_in(user)
    for item in checked:
        value = _ready_checked(
            item.value,
            user=user,
            targets=targets.get(item.value.kpi_id, []),
            clears_override=item.clears_override,
        )
        if signed_in is not None:
            value._history_user = signed_in
        value._change_reason = item.reason[:100]
        values.append(value)
    if not values:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        raise NotImplementedError("Bulk inserts must return the new rows' keys here.")
    KpiValue.objects.bulk_create(values)
    KpiValue.history.bulk_history_create(values)
    return values


def kpi_definition_save(*, user, kpi: Kpi, reason: str) -> Kpi:
    """Save a KPI's definition (new, or changed by a definitions file) with a history row."""
    kpi.full_clean()
    _save_with_history(kpi, user=user, reason=reason)
    return kpi


def kpi_section_save(*, section: KpiSection) -> KpiSection:
    section.full_clean()
    section.save()
    return section
