"""The KPI values file format: CSV or XLSX spreadsheets of values, every row checked before
anything is saved.

`read_table` turns a file into a header and rows (or raises ImportFileError saying why it
is not a usable file); `ValuePreparer` checks each row against the same rules the browser
form uses (`kpis.parsing`, `KpiValue.clean`) and reports every problem with its row and
column; `kpi_values_import` writes nothing unless no problem was found, and then saves
through `kpis.services`. The columns are documented in docs/kpi-import.md.

The reading of files (columns, header, cells) is in `formats.kpis.values_read`; its names
are importable from here too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from formats.kpis.values_read import (  # noqa: F401 - the format's names, importable from here
    ALIASES,
    COLUMNS,
    IGNORED,
    IGNORED_COLUMNS,
    STATUS_WORDS,
    XLSX_MAGIC,
    Column,
    ImportFileError,
    ImportProblem,
    Table,
    canonical_column,
    column_letter,
    parse_status,
    read_table,
)
from kpis import permissions
from kpis.models import Kpi, KpiTarget, KpiValue, ValueStatus, format_number
from kpis.parsing import CellError, cell_text, parse_date, parse_decimal, parse_whole_number
from kpis.periods import KpiPeriod, PeriodError, parse_period
from kpis.services import CheckedValue, kpi_values_save_checked
from wsoa.dates import read_convention
from wsoa.models import LocalArea, Plan

KPI_UPLOAD_MAX_BYTES = getattr(settings, "KPI_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


# --- Checking rows -----------------------------------------------------------------------

# Which column a model field's error belongs to.
FIELD_COLUMNS = {
    "period_label": "period_label",
    "period_start": "period_start",
    "period_end": "period_end",
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "note": "note",
    "source": "source",
    "status": "status",
}
VALUE_FIELDS = ("period_label", "status", "value", "numerator", "denominator", "note", "source")


@dataclass
class PreparedValue:
    """A checked row: the value to save (new, or an existing one with its new figures, which
    `kpis.services.kpi_value_save_checked` saves as a correction of it)."""

    row: object
    value: KpiValue
    is_new: bool
    changed: list[str]
    clears_override: bool = False
    before: dict = field(default_factory=dict)

    def describe_changes(self) -> str:
        """ "H1 Sep 2019: value 90.5 → 93": what a correction changes, from what to what."""
        parts = [
            f"{_FIELD_WORDS.get(name, name)} {_shown(self.before[name])} \u2192 "
            f"{_shown(getattr(self.value, name))}"
            for name in self.changed
        ]
        return f"{self.value.kpi.code} {self.value.period_label}: " + "; ".join(parts)


_FIELD_WORDS = {"period_label": "period label", "status": "status", "value": "value"}


def _shown(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, Decimal):
        return format_number(value, places=2)
    return (
        f'"{value}"' if isinstance(value, str) and value not in ValueStatus.values else str(value)
    )


@dataclass
class RowReading:
    """What the check step shows for a row: the period it was read as, before anything is
    written. `period` is None when the label could not be read (the problem says why)."""

    row: object
    kpi_code: str
    written: str
    period: KpiPeriod | None
    convention_source: str = ""

    @property
    def read_as(self) -> str:
        return self.period.read_as if self.period else ""

    @property
    def convention(self) -> str:
        """ "financial (default)", "academic (KPI)": the year convention used, and whose."""
        if not self.period or not self.period.convention:
            return ""
        return f"{self.period.convention} ({self.convention_source})"

    @property
    def note(self) -> str:
        return self.period.qualifier if self.period else ""

    def __str__(self) -> str:
        where = f"Row {self.row}" if isinstance(self.row, int) else str(self.row)
        if self.period is None:
            return f'{where}: {self.kpi_code} "{self.written}": not read (see the problems)'
        text = f'{where}: {self.kpi_code} "{self.written}" \u2192 {self.read_as}'
        details = [self.period.reading]
        if self.convention:
            details.append(f"year convention {self.convention}")
        if self.note:
            details.append(f'note "{self.note}"')
        return f"{text}; {', '.join(d for d in details if d)}"


ProblemSink = Callable[[object, str, str], None]  # (row, column, message)


class ValuePreparer:
    """Checks rows of values and turns them into unsaved KpiValue objects.

    `find_kpi(code)` returns (kpi, problem); `existing` maps (kpi key, start, end) to saved
    values; `may_enter(kpi)` says whether the importing user may enter this KPI's values.
    Problems go to `report(row, column, message)`; rows are opaque to this class (a row
    number for files, a path for the YAML loader).
    """

    def __init__(
        self,
        *,
        find_kpi: Callable[[str], tuple[Kpi | None, str]],
        existing: dict[tuple, KpiValue],
        report: ProblemSink,
        may_enter: Callable[[Kpi], bool] = lambda kpi: True,
        describe_row: Callable[[object], str] = str,
        year_convention: str = "",
        as_at: datetime.date | None = None,
    ):
        self.find_kpi = find_kpi
        self.existing = existing
        self.report = report
        self.may_enter = may_enter
        self.describe_row = describe_row
        self.year_convention = year_convention
        self.as_at = as_at
        self.seen: dict[tuple, object] = {}
        self.prepared: list[PreparedValue] = []
        self.readings: list[RowReading] = []

    def _period(self, report, kpi, cells, label, start, end):
        """The row's period, read in the year convention in force: the row's own
        (year_convention column), else the KPI's, else the file's, else the default. A KPI's
        convention that reads the label otherwise than the file's setting is refused."""
        row_convention = ""
        written = cell_text(cells.get("year_convention"))
        if written:
            row_convention = read_convention(written) or ""
            if not row_convention:
                report(
                    "year_convention",
                    f'"{written}" is not a year convention: write financial, academic or '
                    "calendar, or leave it blank",
                )
                return None, ""
        kpi_convention = getattr(kpi, "year_convention", "") if kpi else ""
        if row_convention:
            convention, source = row_convention, "this row"
        elif kpi_convention:
            convention, source = kpi_convention, f"KPI {kpi.code}"
        elif self.year_convention:
            convention, source = self.year_convention, "the file"
        else:
            convention, source = None, "default"
        read = lambda conv: parse_period(  # noqa: E731
            label, start=start, end=end, convention=conv, as_at=self.as_at
        )
        try:
            period = read(convention)
        except PeriodError as exc:
            report("period_label", str(exc))
            return None, source
        if (
            kpi_convention
            and not row_convention
            and self.year_convention
            and self.year_convention != kpi_convention
        ):
            try:
                other = read(self.year_convention)
            except PeriodError:
                other = None
            if other and (other.start, other.end) != (period.start, period.end):
                report(
                    "period_label",
                    f'"{period.label}" could be {other.read_as} (the file\'s '
                    f"{self.year_convention} years) or {period.read_as} ({kpi.code}'s "
                    f"{kpi_convention} years): write FY or AY before the year, or give "
                    "this row's year_convention",
                )
                return None, source
        return period, source

    def add(self, row, cells: dict[str, object], *, present: set[str]) -> None:
        problem_count = [0]

        def report(column, message):
            problem_count[0] += 1
            self.report(row, column, message)

        if "__extra__" in cells:
            letter, cell = cells.pop("__extra__")
            report("", f'column {letter} has "{cell_text(cell)}" but no heading in the header row')

        code = cell_text(cells.get("kpi_code"))
        kpi = None
        if not code:
            report("kpi_code", "Enter the KPI code")
        else:
            kpi, problem = self.find_kpi(code)
            if problem:
                report("kpi_code", problem)
            elif not self.may_enter(kpi):
                report(
                    "kpi_code",
                    f"You cannot enter values for {kpi.code}: only the holder of its data owner "
                    f"post ({kpi.data_owner or 'none set'}) or a programme lead may.",
                )
                kpi = None

        start = self._cell(report, "period_start", cells, parse_date)
        end = self._cell(report, "period_end", cells, parse_date)
        label = cell_text(cells.get("period_label"))
        period, source = self._period(report, kpi, cells, label, start, end)
        self.readings.append(
            RowReading(
                row=row,
                kpi_code=kpi.code if kpi else code,
                written=label,
                period=period,
                convention_source=source,
            )
        )

        status = self._cell(report, "status", cells, parse_status) or ValueStatus.RECORDED
        figure = self._cell(report, "value", cells, parse_decimal)
        numerator = self._cell(report, "numerator", cells, parse_whole_number)
        denominator = self._cell(report, "denominator", cells, parse_whole_number)
        if kpi is None or period is None:
            return

        key = (kpi.pk or kpi.code, period.start, period.end)
        if key in self.seen:
            report(
                "period_label",
                f"{kpi.code} for {period.label} ({period.start:%d/%m/%Y} to "
                f"{period.end:%d/%m/%Y}) is already given in {self.describe_row(self.seen[key])}",
            )
            return
        self.seen[key] = row
        if problem_count[0]:
            return

        existing = self.existing.get(key)
        value = existing or KpiValue(kpi=kpi, period_start=period.start, period_end=period.end)
        before = {name: getattr(value, name) for name in VALUE_FIELDS} if existing else {}
        value.kpi = kpi
        value.period_label = period.label
        value.status = status
        value.value = figure
        value.numerator = numerator
        value.denominator = denominator
        # A note or source column left out of the file keeps what was there.
        if "note" in present or not existing:
            value.note = cell_text(cells.get("note"))
        if "source" in present or not existing:
            value.source = cell_text(cells.get("source"))
        # A qualifier after the period ("(provisional)", "FTE") is about the figure: a note.
        if period.qualifier and period.qualifier.casefold() not in value.note.casefold():
            value.note = "; ".join(part for part in (period.qualifier, value.note) if part)
        try:
            # The related rows are not the file's (the services set them): validating them
            # would cost a query per row.
            value.full_clean(
                exclude=["kpi", "entered_by", "overridden_by", "recorded_by", "corrects"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = FIELD_COLUMNS.get(field_name, "value")
                if column == "status" and "status" not in present:
                    column = "value"
                for message in messages:
                    report(column, message)
            if existing:
                for name, old in before.items():
                    setattr(existing, name, old)
            return
        changed = [name for name in VALUE_FIELDS if before and before[name] != getattr(value, name)]
        figures_changed = any(
            name in changed for name in ("status", "value", "numerator", "denominator")
        )
        self.prepared.append(
            PreparedValue(
                row=row,
                value=value,
                is_new=existing is None,
                changed=changed,
                clears_override=bool(existing and existing.rag_override and figures_changed),
                before=before,
            )
        )

    def _cell(self, report, column: str, cells: dict[str, object], parse):
        try:
            return parse(cells.get(column))
        except CellError as exc:
            report(column, str(exc))
            return None


# --- Importing a file --------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_cleared: int = 0
    kpi_codes: list[str] = field(default_factory=list)
    dry_run: bool = False
    # The check step: every row's period as read, the rows skipped above the header, and
    # what each correction changes ("Row 4: H1 Sep 2019: value 90.5 → 93").
    readings: list[RowReading] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, item: PreparedValue) -> bool:
        """Count a checked value as new, updated or unchanged; False if it is unchanged (there
        is nothing to save)."""
        if item.is_new:
            self.created += 1
        elif item.changed:
            self.updated += 1
        else:
            self.unchanged += 1
            return False
        if not item.is_new:
            where = f"Row {item.row}" if isinstance(item.row, int) else str(item.row)
            self.changes.append(f"{where}: {item.describe_changes()}")
        return True

    def report_lines(self) -> list[str]:
        """The check step, in words: the file's settings and skipped rows, each row's period as
        read, and the corrections (for the command; the page shows the same as tables)."""
        lines = [*self.notes]
        lines += [
            f"Row {number} skipped (above the header): {text}" for number, text in self.skipped
        ]
        lines += ["Periods as read:", *(f"  {reading}" for reading in self.readings)]
        if self.changes:
            lines += ["Corrections (from \u2192 to):", *(f"  {change}" for change in self.changes)]
        return lines

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
    year_convention: str = "",
    as_at: datetime.date | None = None,
) -> ImportResult:
    """Import KPI values from a CSV or XLSX file into a plan's dataset (or an area's).

    Every row is checked first; if anything is wrong ImportFileError lists every problem
    with its row and column, and nothing is saved. A value for a KPI and period already
    recorded that differs is corrected (a new row that corrects it, which is kept); one that
    is the same writes nothing. `user` None is the system (management command); a signed-in
    user may import only the KPIs they may enter values for.

    `year_convention` (financial, academic or calendar) is the file's setting for reading year
    pairs, and `as_at` its "as at" date (the end of a year to date that does not say); a note
    above the header ("As at 31/12/2021", "Year convention: academic") gives them too. The
    result (and ImportFileError's `readings`) says how every row's period was read.
    """
    if (plan is None) == (area is None):
        raise ValueError("Import into a plan or an area.")
    table = read_table(raw, name=name, max_bytes=KPI_UPLOAD_MAX_BYTES)
    problems: list[ImportProblem] = []
    notes: list[str] = []
    year_convention, as_at = _file_settings(table, year_convention, as_at, problems, notes)
    kpis = Kpi.objects.select_related("plan", "data_owner")
    kpis = list(kpis.filter(plan=plan) if plan else kpis.filter(plan__area=area))
    scope = f'the dataset of "{plan}"' if plan else f"{area}'s datasets"
    existing = {
        (value.kpi_id, value.period_start, value.period_end): value
        for value in KpiValue.objects.current().filter(kpi__in=kpis)
    }

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
        year_convention=year_convention,
        as_at=as_at,
    )
    present = set(table.written)
    for number, cells in table.rows:
        preparer.add(number, cells, present=present)
    if not table.rows:
        problems.append(ImportProblem(None, message=f"{name} has a header but no values."))
    if problems:
        error = ImportFileError(problems)
        error.readings, error.skipped, error.notes = preparer.readings, table.skipped, notes
        raise error
    result = _write_prepared(preparer.prepared, user=user, name=name, dry_run=dry_run)
    result.readings, result.skipped, result.notes = preparer.readings, table.skipped, notes
    return result


def _file_settings(table: Table, year_convention: str, as_at, problems, notes):
    """The file's year convention and "as at" date: the import form's (or the command's)
    setting, else a note above the header. A note that disagrees with the form is refused."""
    from_note = table.year_convention
    if year_convention and year_convention not in ("financial", "academic", "calendar"):
        year_convention = read_convention(year_convention) or ""
    if from_note and year_convention and from_note != year_convention:
        problems.append(
            ImportProblem(
                table.year_convention_row,
                message=f"The file's note says the year convention is {from_note}, and the "
                f"import was asked to read it as {year_convention}: correct one of them.",
            )
        )
    year_convention = year_convention or from_note
    note_date = None
    if table.as_at not in (None, ""):
        try:
            note_date = parse_date(table.as_at)
        except CellError:
            try:
                period = parse_period(f"at {cell_text(table.as_at)}")
                note_date = period.end if period.is_single_day else None
            except PeriodError:
                note_date = None
        if note_date is None:
            problems.append(
                ImportProblem(
                    table.as_at_row,
                    message=f'The "as at" note ("{cell_text(table.as_at)}") is not a date: write '
                    "it like 31/12/2021.",
                )
            )
        elif as_at and note_date != as_at:
            problems.append(
                ImportProblem(
                    table.as_at_row,
                    message=f"The file's note says as at {note_date:%d/%m/%Y}, and the import "
                    f"was given {as_at:%d/%m/%Y}: correct one of them.",
                )
            )
    as_at = as_at or note_date
    if year_convention:
        notes.append(f"Year convention of the file: {year_convention}.")
    else:
        notes.append("Year convention of the file: not given, so a KPI's own, else financial.")
    if as_at:
        notes.append(f"As at: {as_at:%d/%m/%Y} (the end of a year to date that does not say).")
    if table.header_row != 1:
        notes.append(f"Header found in row {table.header_row}.")
    return year_convention, as_at


def _write_prepared(prepared: list[PreparedValue], *, user, name: str, dry_run: bool):
    """Count what the checked rows would change and, unless this is a dry run, write it: one
    bulk insert of the new values and corrections, with their history rows, in one
    transaction (`kpi_values_save_checked`). A dry run (the check step) writes nothing at
    all, so it needs no transaction to roll back."""
    result = ImportResult(dry_run=dry_run)
    checked: list[CheckedValue] = []
    for item in prepared:
        if not result.count(item):
            continue
        reason = f"Imported from {name}, row {item.row}"
        if item.clears_override:
            result.overrides_cleared += 1
            reason = f"Imported from {name}, row {item.row}; RAG override cleared"
        checked.append(CheckedValue(item.value, reason, item.clears_override))
    result.kpi_codes = sorted({item.value.kpi.code for item in prepared})
    if dry_run or not checked:
        return result
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    for target in KpiTarget.objects.filter(kpi_id__in={item.value.kpi_id for item in checked}):
        targets[target.kpi_id].append(target)
    entered_by = user if getattr(user, "is_authenticated", False) else None
    for item in checked:
        item.value.entered_by = entered_by
    kpi_values_save_checked(user=user, checked=checked, targets=targets)
    return result
