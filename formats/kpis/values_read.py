"""Reading a KPI values file (CSV or XLSX) into a header and rows: the columns of the
format and their other spellings, finding the header, and reading the status cell.

`read_table` turns a file into a `Table` (or raises ImportFileError saying why it is not a
usable file). Checking and importing the rows is `formats.kpis.values`, which re-exports the
names here. The columns are documented in docs/kpi-import.md.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from kpis.models import ValueStatus
from kpis.parsing import CellError, PercentCell, cell_text


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    description: str = ""


COLUMNS: dict[str, Column] = {
    column.name: column
    for column in (
        Column("kpi_code", True, 'The KPI\'s code in the dataset, as on its page ("EHC2").'),
        Column("period_label", True, 'The period as your dataset writes it ("Q3 2021/22").'),
        Column("period_start", False, "First day of the period (if the label does not say)."),
        Column("period_end", False, "Last day of the period (if the label does not say)."),
        Column("value", True, "The figure. Blank when a numerator and denominator are given."),
        Column("numerator", False, "For a percentage: how many met the measure (18)."),
        Column("denominator", False, "For a percentage: out of how many (24)."),
        Column("note", False, "Anything a reader needs to know about this figure."),
        Column("status", False, 'Blank or "recorded"; "no data"; or "unreliable".'),
        Column("source", False, "Where the figure comes from (system, report, return)."),
        Column(
            "year_convention",
            False,
            'How a year like 2021/22 is read in this row: "financial", "academic" or '
            "\"calendar\" (blank: the KPI's, else the file's, else financial).",
        ),
    )
}
# Columns a download carries for its readers, which an import ignores.
IGNORED_COLUMNS = {"kpi_title", "rag"}
IGNORED = "__ignored__"
# Other spellings officers use for the same columns.
ALIASES = {
    "kpi": "kpi_code",
    "code": "kpi_code",
    "kpi_ref": "kpi_code",
    "period": "period_label",
    "start": "period_start",
    "start_date": "period_start",
    "end": "period_end",
    "end_date": "period_end",
    "figure": "value",
    "notes": "note",
    "comment": "note",
    "comments": "note",
    "convention": "year_convention",
    "year_type": "year_convention",
}
STATUS_WORDS = {
    "": ValueStatus.RECORDED,
    "recorded": ValueStatus.RECORDED,
    "no data": ValueStatus.NO_DATA,
    "nodata": ValueStatus.NO_DATA,
    "no_data": ValueStatus.NO_DATA,
    "missing": ValueStatus.NO_DATA,
    "unreliable": ValueStatus.UNRELIABLE,
    "unreliable data": ValueStatus.UNRELIABLE,
}
XLSX_MAGIC = b"PK\x03\x04"

# Bounds: a spreadsheet larger than this is refused, saying which limit and where, before it
# is read any further. An XLSX is a zip: its uncompressed size is checked from the zip's own
# directory before anything is inflated (a 254 KB "zip bomb" once expanded to 4 million rows),
# and its first sheet is then read row by row, the header first.
MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 10_000
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# openpyxl reads the shared strings whole, before the first row: they have a smaller cap.
MAX_XLSX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
# A title or notes block above the header is skipped; the header is looked for this far down.
MAX_ROWS_ABOVE_HEADER = 20


# --- Problems ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One thing wrong with a file. `row` is the spreadsheet row number (the header is row
    1) or None for the whole file; `column` is the column's name as written in the file."""

    row: int | None
    column_letter: str = ""
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    @property
    def where(self) -> str:
        parts = []
        if self.row == 1:
            parts.append("Header row")
        elif self.row is not None:
            parts.append(f"Row {self.row}")
        if self.column:
            letter = f" {self.column_letter}" if self.column_letter else ""
            parts.append(f"column{letter} ({self.column})")
        return ", ".join(parts)


class ImportFileError(Exception):
    """Raised with every problem found; nothing has been saved when it is raised."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column_letter, p.message))
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --- Reading files -----------------------------------------------------------------------


@dataclass
class Table:
    """A file's header (canonical column names, with how each was written and its letter)
    and its non-blank rows, each with its spreadsheet row number."""

    columns: list[str]
    written: dict[str, str]
    letters: dict[str, str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    header_row: int = 1
    # Rows above the header (a title, notes), as (row number, their text), skipped.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # What a note above the header says: "As at 31/12/2021", "Year convention: academic".
    as_at: object = None
    as_at_row: int | None = None
    year_convention: str = ""
    year_convention_row: int | None = None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def canonical_column(header: str) -> str:
    key = re.sub(r"[\s\-./]+", "_", str(header or "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def read_table(raw: bytes, *, name: str, max_bytes: int) -> Table:
    """Bytes of a CSV or XLSX file → Table. Raises ImportFileError if it is neither, or if its
    header is not the import format."""
    if not raw:
        raise ImportFileError([ImportProblem(None, message=f"{name} is empty.")])
    if len(raw) > max_bytes:
        raise ImportFileError(
            [
                ImportProblem(
                    None,
                    message=f"{name} is {len(raw):,} bytes; the largest file accepted is "
                    f"{max_bytes:,} bytes.",
                )
            ]
        )
    lower = name.lower()
    if raw.startswith(XLSX_MAGIC) or lower.endswith((".xlsx", ".xlsm")):
        _check_xlsx_size(raw, name=name)
        with _xlsx_rows(raw, name=name) as rows:
            return _table_from_rows(_bounded(rows, name=name), name=name)
    if lower.endswith((".xls", ".ods", ".numbers")):
        raise ImportFileError(
            [ImportProblem(None, message=f"{name} is not a CSV or XLSX file: save it as .xlsx.")]
        )
    return _table_from_rows(_bounded(_read_csv(raw, name=name), name=name), name=name)


def _too_big(message: str, row: int | None = None) -> ImportFileError:
    return ImportFileError([ImportProblem(row, message=message)])


def _check_xlsx_size(raw: bytes, *, name: str) -> None:
    """Refuse a workbook whose contents would inflate past the limit, from the zip directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_csv(name, "it could not be opened as a workbook") from exc
    if len(members) > MAX_XLSX_MEMBERS:
        raise _too_big(
            f"{name} holds {len(members):,} parts; a workbook here has at most "
            f"{MAX_XLSX_MEMBERS:,}."
        )
    strings = sum(m.file_size for m in members if m.filename.endswith("sharedStrings.xml"))
    if strings > MAX_XLSX_SHARED_STRINGS_BYTES:
        raise _too_big(
            f"{name} holds {strings:,} bytes of text when opened; the largest accepted is "
            f"{MAX_XLSX_SHARED_STRINGS_BYTES:,} bytes. Import the values in smaller files."
        )
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _too_big(
            f"{name} would expand to {total:,} bytes when opened; the largest accepted is "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES:,} bytes. Import the values in smaller files."
        )


def _bounded(rows, *, name: str):
    """Rows, refused as soon as one passes the row, column or cell limits."""
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_big(
                f"{name} has more than {MAX_ROWS:,} rows; import the values in smaller files.",
                number,
            )
        if len(row) > MAX_COLUMNS and not _is_blank(row[MAX_COLUMNS:]):
            raise _too_big(
                f"Row {number} has more than {MAX_COLUMNS} columns; the import format has "
                f"{len(COLUMNS)}.",
                number,
            )
        row = row[:MAX_COLUMNS]
        for index, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
                raise _too_big(
                    f"Cell {column_letter(index)}{number} holds {len(cell):,} characters; a "
                    f"cell holds at most {MAX_CELL_CHARACTERS:,}.",
                    number,
                )
        yield row


def _not_csv(name: str, why: str) -> ImportFileError:
    return ImportFileError(
        [
            ImportProblem(
                None,
                message=f"{name} is not a CSV or XLSX file ({why}). Save the spreadsheet as "
                "Excel workbook (.xlsx) or CSV UTF-8 (.csv).",
            )
        ]
    )


def _not_utf8(raw: bytes, exc: UnicodeDecodeError, *, name: str) -> ImportFileError:
    """Where the first byte that is not UTF-8 is, what it would be in the Windows encoding
    Excel saves a plain "CSV" in, and the fix. The file is not guessed at: refused."""
    row = raw.count(b"\n", 0, exc.start) + 1
    byte = raw[exc.start : exc.start + 1]
    try:
        as_windows = f' ("{byte.decode("cp1252")}" in the Windows encoding)'
    except UnicodeDecodeError:
        as_windows = ""
    return ImportFileError(
        [
            ImportProblem(
                row,
                message=f"{name} is not UTF-8 text: row {row} has the byte 0x{byte.hex()}"
                f"{as_windows}, which is not UTF-8. In Excel, use Save As and choose "
                '"CSV UTF-8 (Comma delimited) (*.csv)", then import the new file.',
            )
        ]
    )


def _read_csv(raw: bytes, *, name: str):
    """The CSV's rows, one at a time."""
    if b"\x00" in raw[:4096] or raw.startswith((b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise _not_csv(name, "it is a binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, exc, name=name) from exc
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel

    def rows():
        try:
            for row in csv.reader(io.StringIO(text, newline=""), dialect):
                yield list(row)
        except csv.Error as exc:
            raise _not_csv(name, str(exc)) from exc

    return rows()


@contextlib.contextmanager
def _xlsx_rows(raw: bytes, *, name: str):
    """The first sheet's rows, one at a time (openpyxl's read-only, streaming mode)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _not_csv(name, "it could not be opened as a workbook") from exc

    def rows():
        for row in workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS + 1):
            cells = []
            for cell in row:
                value = getattr(cell, "value", None)
                number_format = getattr(cell, "number_format", "") or ""
                # A cell formatted as a percentage holds 0.75 for "75%".
                if isinstance(value, int | float) and "%" in number_format:
                    value = PercentCell(value)
                cells.append(value)
            yield cells

    try:
        yield rows()
    finally:
        workbook.close()


def _table_from_rows(grid, *, name: str) -> Table:
    """Rows (an iterator) → Table: the header is checked as soon as it is read, so a file that
    is not the import format is refused before the rest of it is read."""
    rows = ((number, row) for number, row in enumerate(grid, start=1) if not _is_blank(row))
    above: list[tuple[int, list]] = []
    first = None
    for number, row in rows:
        if _names_columns(row):
            first = (number, row)
            break
        above.append((number, row))
        if len(above) >= MAX_ROWS_ABOVE_HEADER:
            break
    no_header = first is None
    if no_header:
        if not above:
            raise ImportFileError([ImportProblem(None, message=f"{name} has no rows.")])
        # Checked as if it were the header, so the message says what is wrong with it.
        first, above = above[0], []
    header_number, header = first
    problems = []
    columns: list[str] = []
    written: dict[str, str] = {}
    letters: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = str(cell).strip() if cell is not None else ""
        letter = column_letter(index)
        if not text:
            columns.append("")
            continue
        key = canonical_column(text)
        if key in IGNORED_COLUMNS:
            columns.append(IGNORED)
            continue
        if key not in COLUMNS:
            problems.append(
                ImportProblem(
                    header_number,
                    letter,
                    text,
                    f'"{text}" is not a column of the KPI import format; the columns are '
                    + ", ".join(COLUMNS)
                    + ".",
                )
            )
        elif key in written:
            problems.append(
                ImportProblem(
                    header_number,
                    letter,
                    text,
                    f'"{text}" repeats column {letters[key]} ({written[key]}).',
                )
            )
        columns.append(key)
        written.setdefault(key, text)
        letters.setdefault(key, letter)
    for column in COLUMNS.values():
        if column.required and column.name not in written:
            problems.append(
                ImportProblem(
                    header_number,
                    message=f'The header has no "{column.name}" column. The first row must '
                    "name the columns: " + ", ".join(COLUMNS) + ".",
                )
            )
    if no_header:
        problems.append(
            ImportProblem(
                None,
                message=f"No header row found in the first {MAX_ROWS_ABOVE_HEADER} rows of "
                f"{name}: the header is the first row that names the import columns ("
                + ", ".join(c.name for c in COLUMNS.values() if c.required)
                + "…); rows above it (a title, notes) are skipped.",
            )
        )
    table = Table(columns=columns, written=written, letters=letters, header_row=header_number)
    _read_rows_above(table, above, problems)
    if problems:
        raise ImportFileError(problems)
    for number, row in rows:
        cells: dict[str, object] = {}
        for index, cell in enumerate(row):
            key = columns[index] if index < len(columns) else ""
            if key == IGNORED:
                continue
            if key:
                cells[key] = cell
            elif not _is_blank([cell]) and "__extra__" not in cells:
                cells["__extra__"] = (column_letter(index), cell)
        table.rows.append((number, cells))
    return table


def _names_columns(row: list) -> bool:
    """Is this the header: two cells or more, at least one an import column's name?"""
    texts = [cell.strip() for cell in row if isinstance(cell, str) and cell.strip()]
    filled = [cell for cell in row if not _is_blank([cell])]
    if len(filled) < 2:
        return False
    return any(canonical_column(text) in COLUMNS or text in IGNORED_COLUMNS for text in texts)


_AS_AT_NOTE = re.compile(r"^\s*(?:data\s+)?as\s+(?:at|of)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_CONVENTION_NOTE = re.compile(r"^\s*year(?:\s+convention|\s+type)?\s*:\s*(?P<rest>.*)$", re.I)


def _read_rows_above(table: Table, above: list[tuple[int, list]], problems: list) -> None:
    """List the rows above the header as skipped, and read what their notes say: an "As at"
    date and a "Year convention:" (the cell itself, or the next one along)."""
    from wsoa.dates import read_convention  # noqa: PLC0415 - only a file with notes needs it

    for number, row in above:
        cells = [cell for cell in row if not _is_blank([cell])]
        table.skipped.append((number, " | ".join(cell_text(cell) for cell in cells)[:120]))
        for index, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            following = cells[index + 1] if index + 1 < len(cells) else None
            if match := _AS_AT_NOTE.match(cell):
                table.as_at = match["rest"].strip() or following
                table.as_at_row = number
            elif match := _CONVENTION_NOTE.match(cell):
                written = match["rest"].strip() or cell_text(following)
                convention = read_convention(written)
                if convention is None:
                    problems.append(
                        ImportProblem(
                            number,
                            message=f'"{written}" is not a year convention: write financial, '
                            "academic or calendar.",
                        )
                    )
                else:
                    table.year_convention, table.year_convention_row = convention, number


def _is_blank(row: Iterable[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


# --- Reading cells (the figures and dates are read by kpis.parsing) ----------------------


def parse_status(cell: object) -> str:
    text = re.sub(r"\s+", " ", cell_text(cell).lower())
    if text not in STATUS_WORDS:
        raise CellError(
            f'"{cell_text(cell)}" is not a status: leave it blank, or write "no data" or '
            '"unreliable"'
        )
    return STATUS_WORDS[text]
