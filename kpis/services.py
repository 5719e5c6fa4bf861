"""Writes for KPI datasets. Each is one transaction, takes the acting user, validates with
full_clean, and leaves a history row (django-simple-history) with the reason for the change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpis import permissions
from kpis.importing import (
    ImportFileError,
    ImportProblem,
    PreparedValue,
    ValuePreparer,
    read_table,
)
from kpis.models import Kpi, KpiRag, KpiTarget, KpiValue, ValueStatus
from kpis.periods import KpiPeriod
from kpis.rag import rate_value
from wsoa.models import LocalArea, Plan

KPI_UPLOAD_MAX_BYTES = getattr(settings, "KPI_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


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


# --- Importing a file --------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_cleared: int = 0
    kpi_codes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        parts = [f"{self.created} new", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        text = f"{self.total} value{'s' if self.total != 1 else ''} ({', '.join(parts)})"
        if self.kpi_codes:
            text += f" for {len(self.kpi_codes)} KPI{'s' if len(self.kpi_codes) != 1 else ''}"
        if self.overrides_cleared:
            text += (
                f"; {self.overrides_cleared} RAG override"
                f"{'s were' if self.overrides_cleared != 1 else ' was'} cleared because the "
                "figure changed"
            )
        return text


class _DryRun(Exception):
    pass


def _kpi_finder(kpis: list[Kpi], scope: str):
    by_code: dict[str, list[Kpi]] = defaultdict(list)
    for kpi in kpis:
        by_code[kpi.code.strip().casefold()].append(kpi)

    def find(code: str):
        matches = by_code.get(code.strip().casefold(), [])
        if not matches:
            return None, f'There is no KPI with the code "{code}" in {scope}.'
        if len(matches) > 1:
            plans = "; ".join(str(kpi.plan) for kpi in matches)
            return None, (
                f'The code "{code}" is used by KPIs of more than one plan ({plans}): import '
                "from the plan's own dataset page, or name the plan."
            )
        return matches[0], ""

    return find


def kpi_values_import(
    *,
    user,
    raw: bytes,
    name: str,
    plan: Plan | None = None,
    area: LocalArea | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import KPI values from a CSV or XLSX file into a plan's dataset (or an area's).

    Every row is checked first; if anything is wrong ImportFileError lists every problem
    with its row and column, and nothing is saved. A value for a KPI and period already
    recorded is updated in place. `user` None is the system (management command); a signed-in
    user may import only the KPIs they may enter values for.
    """
    if (plan is None) == (area is None):
        raise ValueError("Import into a plan or an area.")
    table = read_table(raw, name=name, max_bytes=KPI_UPLOAD_MAX_BYTES)
    kpis = Kpi.objects.select_related("plan", "data_owner")
    kpis = list(kpis.filter(plan=plan) if plan else kpis.filter(plan__area=area))
    scope = f'the dataset of "{plan}"' if plan else f"{area}'s datasets"
    existing = {
        (value.kpi_id, value.period_start, value.period_end): value
        for value in KpiValue.objects.filter(kpi__in=kpis)
    }
    problems: list[ImportProblem] = []

    def report(row, column, message):
        problems.append(
            ImportProblem(
                row,
                table.letters.get(column, ""),
                table.written.get(column, column),
                message,
            )
        )

    preparer = ValuePreparer(
        find_kpi=_kpi_finder(kpis, scope),
        existing=existing,
        report=report,
        may_enter=(
            (lambda kpi: True)
            if user is None
            else (lambda kpi: permissions.can_enter_values(user, kpi))
        ),
        describe_row=lambda row: f"row {row}",
    )
    present = set(table.written)
    for number, cells in table.rows:
        preparer.add(number, cells, present=present)
    if not table.rows:
        problems.append(ImportProblem(None, message=f"{name} has a header but no values."))
    if problems:
        raise ImportFileError(problems)
    try:
        return _write_prepared(preparer.prepared, user=user, name=name, dry_run=dry_run)
    except _DryRun as stop:
        return stop.args[0]


@transaction.atomic
def _write_prepared(prepared: list[PreparedValue], *, user, name: str, dry_run: bool):
    result = ImportResult(dry_run=dry_run)
    kpis = {item.value.kpi.pk: item.value.kpi for item in prepared}
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    for target in KpiTarget.objects.filter(kpi_id__in=kpis):
        targets[target.kpi_id].append(target)
    for item in prepared:
        value, kpi = item.value, item.value.kpi
        if item.is_new:
            result.created += 1
        elif item.changed:
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        reason = f"Imported from {name}, row {item.row}"
        if item.clears_override:
            value.rag_override, value.override_reason = "", ""
            value.overridden_by, value.overridden_at = None, None
            result.overrides_cleared += 1
            reason = f"Imported from {name}, row {item.row}; RAG override cleared"
        value.entered_by = user if getattr(user, "is_authenticated", False) else None
        rate_value(value, kpi=kpi, targets=targets[kpi.pk])
        _save_with_history(value, user=user, reason=reason)
    result.kpi_codes = sorted({item.value.kpi.code for item in prepared})
    if dry_run:
        transaction.set_rollback(True)
        raise _DryRun(result)
    return result


# --- Loading a definitions file ----------------------------------------------------------


@dataclass
class KpiLoadResult:
    plan: Plan
    sections: int = 0
    kpis_created: int = 0
    kpis_updated: int = 0
    kpis_unchanged: int = 0
    targets: int = 0
    values: ImportResult = field(default_factory=ImportResult)
    dry_run: bool = False

    def summary(self) -> str:
        return (
            f"{self.kpis_created} KPIs created, {self.kpis_updated} updated, "
            f"{self.kpis_unchanged} unchanged, in "
            f"{self.sections} sections, with {self.targets} targets; values: "
            f"{self.values.summary()}"
        )


@transaction.atomic
def kpi_file_load(*, user, raw: bytes, name: str, dry_run: bool = False) -> KpiLoadResult:
    """Load a KPI definitions file (docs/kpi-import.md): sections, KPIs, their concerns,
    actions, data owners, baselines, targets and trajectories, and any values. The whole file
    is checked first (KpiFileError lists every problem); loading it again updates in place.
    """
    from actions.models import Action
    from kpis.kpifile import read_kpi_file
    from kpis.models import KpiSection

    document = read_kpi_file(raw, name=name, max_bytes=KPI_UPLOAD_MAX_BYTES)
    plan = document.plan
    result = KpiLoadResult(plan=plan, dry_run=dry_run)
    sections = {section.name: section for section in plan.kpi_sections.all()}
    for position, section_name in enumerate(document.sections, start=1):
        section = sections.get(section_name) or KpiSection(plan=plan, name=section_name)
        section.position = position
        section.full_clean()
        section.save()
        sections[section_name] = section
    result.sections = len(document.sections)
    actions = {action.ref.casefold(): action for action in Action.objects.filter(plan=plan)}
    for spec in document.kpis:
        kpi = spec.kpi
        kpi.section = sections.get(kpi.section_name) if kpi.section_name else None
        if spec.is_new or spec.is_changed:
            kpi.full_clean()
            _save_with_history(kpi, user=user, reason=f"Loaded from {name}")
        kpi.concerns.set(spec.concerns)
        kpi.actions.set([actions[ref.casefold()] for ref in spec.action_refs])
        kpi_targets_set(user=user, kpi=kpi, targets=spec.targets)
        result.targets += len(spec.targets)
        if spec.is_new:
            result.kpis_created += 1
        elif spec.is_changed:
            result.kpis_updated += 1
        else:
            result.kpis_unchanged += 1
        targets = list(kpi.targets.all())
        for item in spec.values:
            value = item.value
            value.kpi = kpi
            if item.is_new:
                result.values.created += 1
            elif item.changed:
                result.values.updated += 1
            else:
                result.values.unchanged += 1
                continue
            rate_value(value, kpi=kpi, targets=targets)
            _save_with_history(value, user=user, reason=f"Loaded from {name}, {item.row}")
    if dry_run:
        transaction.set_rollback(True)
    return result
