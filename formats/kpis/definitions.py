"""The KPI definitions file format (YAML): a plan's sections, KPIs, targets and trajectories,
and (optionally) values. The format is in docs/kpi-import.md.

`read_kpi_file` returns a checked document, or raises KpiFileError listing every problem
with its line; `kpi_file_load` writes it in one transaction, through `kpis.services`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from actions.models import Action
from formats.kpis.values import KPI_UPLOAD_MAX_BYTES, ImportResult, ValuePreparer
from formats.plans.validate import ProblemCollector
from formats.reader import PlanFileError, Problem, parse_yaml_file
from kpis.models import Kpi, KpiDirection, KpiSection, KpiUnit, KpiValue
from kpis.parsing import CellError, parse_decimal
from kpis.services import (
    kpi_definition_save,
    kpi_section_save,
    kpi_targets_set,
    kpi_value_save_checked,
)
from wsoa.dates import read_convention
from wsoa.models import Concern, LocalArea, Plan, Post

FORMAT = "wsoa-kpis/1"
TOP_KEYS = {"format", "area", "plan", "sections", "kpis"}
KPI_KEYS = {
    "code",
    "title",
    "section",
    "unit",
    "direction",
    "amber_threshold",
    "measurement",
    "data_owner",
    "concerns",
    "actions",
    "baseline",
    "targets",
    "values",
    "active",
    "year_convention",
}
TARGET_KEYS = {"value", "due_on", "label"}
BASELINE_KEYS = {"value", "period", "note"}
VALUE_KEYS = {
    "period_label",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "note",
    "status",
    "source",
}


KPI_FIELDS = [
    "title",
    "position",
    "unit",
    "direction",
    "amber_threshold",
    "measurement",
    "data_owner_id",
    "baseline",
    "baseline_period",
    "baseline_note",
    "is_active",
    "year_convention",
]


class KpiFileError(PlanFileError):
    """Every problem found in a KPI definitions file; nothing has been written."""


@dataclass
class KpiSpec:
    kpi: Kpi  # unsaved, or the saved one with the file's fields set
    concerns: list[Concern]
    action_refs: list[str]
    targets: list[dict]
    values: list  # PreparedValue
    is_new: bool
    is_changed: bool = True


@dataclass
class KpiDocument:
    plan: Plan
    sections: list[str]
    kpis: list[KpiSpec] = field(default_factory=list)


def read_kpi_file(raw: bytes, *, name: str, max_bytes: int) -> KpiDocument:
    parsed = parse_yaml_file(raw, max_bytes=max_bytes, name=name)
    return _Checker(parsed).check()


class _Checker(ProblemCollector):
    def unknown_keys(self, data: dict, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.problem(
                    where, f'unknown key "{key}"; expected one of {", ".join(sorted(allowed))}'
                )

    def check(self) -> KpiDocument:
        data = self.parsed.data
        if not isinstance(data, dict):
            raise KpiFileError(
                [Problem("", "the file must be a mapping with format, area, plan and kpis")]
            )
        self.unknown_keys(data, TOP_KEYS, "")
        if data.get("format") != FORMAT:
            self.problem("format", f'the first key must be "format: {FORMAT}"')
        area = LocalArea.objects.filter(name=data.get("area")).first()
        if area is None:
            self.problem("area", f'there is no local area called "{data.get("area")}"')
            raise KpiFileError(self.problems)
        plan = Plan.objects.filter(area=area, title=data.get("plan")).first()
        if plan is None:
            self.problem(
                "plan",
                f'{area} has no plan called "{data.get("plan")}": load the plan first '
                "(manage.py load_plan)",
            )
            raise KpiFileError(self.problems)
        sections = data.get("sections") or []
        if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
            self.problem("sections", "sections is a list of section names")
            sections = []
        if len(set(sections)) != len(sections):
            self.problem("sections", "a section is listed twice")
        existing_sections = set(plan.kpi_sections.values_list("name", flat=True))
        self.known_sections = set(sections) | existing_sections
        self.concerns = {c.number: c for c in plan.concerns.all()}
        self.action_refs = {ref.casefold() for ref in plan.actions.values_list("ref", flat=True)}
        self.posts = {p.title: p for p in Post.objects.filter(area=area)}
        self.existing_kpis = {
            k.code: k for k in Kpi.objects.filter(plan=plan).select_related("section")
        }
        self.existing_values = {
            (v.kpi_id, v.period_start, v.period_end): v
            for v in KpiValue.objects.current().filter(kpi__plan=plan)
        }
        document = KpiDocument(plan=plan, sections=sections)
        specs = data.get("kpis")
        if not isinstance(specs, list) or not specs:
            self.problem("kpis", "kpis is a list of KPIs")
            specs = []
        seen_codes: dict[str, int] = {}
        for index, spec in enumerate(specs):
            path = f"kpis[{index}]"
            if not isinstance(spec, dict):
                self.problem(path, "each KPI is a mapping with at least a code and a title")
                continue
            code = str(spec.get("code") or "").strip()
            if code in seen_codes:
                self.problem(
                    f"{path}.code", f'the code "{code}" is also used by kpis[{seen_codes[code]}]'
                )
                continue
            seen_codes[code] = index
            result = self.check_kpi(spec, path, plan, position=index + 1)
            if result:
                document.kpis.append(result)
        if self.problems:
            raise KpiFileError(self.problems)
        return document

    def check_kpi(self, spec: dict, path: str, plan: Plan, position: int) -> KpiSpec | None:
        problem_count = len(self.problems)
        self.unknown_keys(spec, KPI_KEYS, path)
        code = str(spec.get("code") or "").strip()
        title = str(spec.get("title") or "").strip()
        if not code:
            self.problem(f"{path}.code", "a KPI needs a code")
        elif len(code) > 20:
            self.problem(f"{path}.code", "a code has at most 20 characters")
        if not title:
            self.problem(f"{path}.title", "a KPI needs a title")
        unit = spec.get("unit", KpiUnit.PERCENTAGE)
        if unit not in KpiUnit.values:
            self.problem(f"{path}.unit", f"unit is one of {', '.join(KpiUnit.values)}")
            unit = KpiUnit.NUMBER
        direction = spec.get("direction", KpiDirection.HIGHER_IS_BETTER)
        if direction not in KpiDirection.values:
            self.problem(
                f"{path}.direction", f"direction is one of {', '.join(KpiDirection.values)}"
            )
            direction = KpiDirection.HIGHER_IS_BETTER
        threshold = self.number(spec.get("amber_threshold", 0), f"{path}.amber_threshold")
        if threshold is not None and threshold < 0:
            self.problem(f"{path}.amber_threshold", "the amber threshold cannot be negative")
        section = spec.get("section")
        if section is not None and section not in self.known_sections:
            self.problem(f"{path}.section", f'"{section}" is not in the sections list')
        owner = None
        if spec.get("data_owner"):
            owner = self.posts.get(spec["data_owner"])
            if owner is None:
                self.problem(
                    f"{path}.data_owner", f'{plan.area} has no post "{spec["data_owner"]}"'
                )
        concerns = []
        for i, number in enumerate(spec.get("concerns") or []):
            concern = self.concerns.get(number)
            if concern is None:
                self.problem(f"{path}.concerns[{i}]", f"the plan has no concern {number}")
            else:
                concerns.append(concern)
        refs = [str(ref) for ref in spec.get("actions") or []]
        for i, ref in enumerate(refs):
            if ref.casefold() not in self.action_refs:
                self.problem(f"{path}.actions[{i}]", f'the plan has no action "{ref}"')
        baseline = spec.get("baseline") or {}
        if not isinstance(baseline, dict):
            self.problem(f"{path}.baseline", "baseline is a mapping of value, period and note")
            baseline = {}
        self.unknown_keys(baseline, BASELINE_KEYS, f"{path}.baseline")
        baseline_value = self.number(baseline.get("value"), f"{path}.baseline.value")
        targets = self.check_targets(spec.get("targets") or [], f"{path}.targets")
        if targets and direction == KpiDirection.NEITHER:
            self.problem(
                f"{path}.targets",
                "a context measure (direction: neither) cannot have targets",
            )
        existing = self.existing_kpis.get(code)
        kpi = existing or Kpi(plan=plan, code=code)
        before = [getattr(kpi, name) for name in KPI_FIELDS] if existing else None
        section_before = existing.section.name if existing and existing.section else None
        kpi.position = position
        kpi.plan = plan
        kpi.title = title
        kpi.unit, kpi.direction = unit, direction
        kpi.amber_threshold = threshold or Decimal(0)
        kpi.measurement = str(spec.get("measurement") or "").strip()
        kpi.data_owner = owner
        kpi.baseline = baseline_value
        kpi.baseline_period = str(baseline.get("period") or "")
        kpi.baseline_note = str(baseline.get("note") or "")
        kpi.is_active = bool(spec.get("active", True))
        convention = str(spec.get("year_convention") or "").strip()
        kpi.year_convention = read_convention(convention) or "" if convention else ""
        if convention and not kpi.year_convention:
            self.problem(
                f"{path}.year_convention",
                "year_convention is financial, academic or calendar (how a year like 2021/22 "
                "in its values' periods is read)",
            )
        kpi.section_name = section
        if len(self.problems) > problem_count:
            return None
        values = self.check_values(spec.get("values") or [], f"{path}.values", kpi)
        if len(self.problems) > problem_count:
            return None
        return KpiSpec(
            kpi=kpi,
            concerns=concerns,
            action_refs=refs,
            targets=targets,
            values=values,
            is_new=existing is None,
            is_changed=before != [getattr(kpi, name) for name in KPI_FIELDS]
            or section_before != section,
        )

    def number(self, raw, path: str) -> Decimal | None:
        try:
            return parse_decimal(raw)
        except CellError as exc:
            self.problem(path, str(exc))
            return None

    def mappings(self, items, path: str, allowed: set[str], *, not_list: str, not_mapping: str):
        """(path, item) for each item of a list of mappings, reporting a list that is not
        one, an item that is not a mapping (passed over) and unknown keys."""
        if not isinstance(items, list):
            self.problem(path, not_list)
            return
        for index, item in enumerate(items):
            where = f"{path}[{index}]"
            if not isinstance(item, dict):
                self.problem(where, not_mapping)
                continue
            self.unknown_keys(item, allowed, where)
            yield where, item

    def check_targets(self, targets, path: str) -> list[dict]:
        out = []
        seen = set()
        for where, target in self.mappings(
            targets,
            path,
            TARGET_KEYS,
            not_list="targets is a list of {value, due_on, label}",
            not_mapping="a target is a mapping of value, due_on and label",
        ):
            value = self.number(target.get("value"), f"{where}.value")
            if value is None and "value" not in target:
                self.problem(f"{where}.value", "a target needs a value")
            due_on = target.get("due_on")
            if not isinstance(due_on, datetime.date):
                self.problem(f"{where}.due_on", "due_on is a date, written 2019-08-31")
                continue
            if due_on in seen:
                self.problem(f"{where}.due_on", f"another target is also due on {due_on}")
            seen.add(due_on)
            if value is not None:
                out.append(
                    {"value": value, "due_on": due_on, "label": str(target.get("label") or "")}
                )
        return out

    def check_values(self, values, path: str, kpi: Kpi):
        key_of = (lambda: kpi.pk) if kpi.pk else (lambda: kpi.code)

        def report(row, column, message):
            where = f"{row}.{column}" if column else row
            self.problem(where, message)

        preparer = ValuePreparer(
            find_kpi=lambda code: (kpi, ""),
            existing={
                (key_of(), start, end): value
                for (kpi_id, start, end), value in self.existing_values.items()
                if kpi.pk and kpi_id == kpi.pk
            },
            report=report,
            describe_row=str,
        )
        for where, row in self.mappings(
            values,
            path,
            VALUE_KEYS,
            not_list="values is a list of values",
            not_mapping="a value is a mapping of period_label, value, note…",
        ):
            cells = {key: row.get(key) for key in VALUE_KEYS}
            cells["kpi_code"] = kpi.code
            preparer.add(where, cells, present=set(row) | {"kpi_code"})
        return preparer.prepared


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
    is checked first (KpiFileError lists every problem); loading it again updates the
    definitions in place and records changed values as corrections (the old rows are kept).
    """
    document = read_kpi_file(raw, name=name, max_bytes=KPI_UPLOAD_MAX_BYTES)
    plan = document.plan
    result = KpiLoadResult(plan=plan, dry_run=dry_run)
    sections = {section.name: section for section in plan.kpi_sections.all()}
    for position, section_name in enumerate(document.sections, start=1):
        section = sections.get(section_name) or KpiSection(plan=plan, name=section_name)
        section.position = position
        sections[section_name] = kpi_section_save(section=section)
    result.sections = len(document.sections)
    actions = {action.ref.casefold(): action for action in Action.objects.filter(plan=plan)}
    for spec in document.kpis:
        kpi = spec.kpi
        kpi.section = sections.get(kpi.section_name) if kpi.section_name else None
        if spec.is_new or spec.is_changed:
            kpi_definition_save(user=user, kpi=kpi, reason=f"Loaded from {name}")
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
            if not result.values.count(item):
                continue
            kpi_value_save_checked(
                user=user, value=value, targets=targets, reason=f"Loaded from {name}, {item.row}"
            )
    if dry_run:
        transaction.set_rollback(True)
    return result
