"""Reading one cell of a KPI value: a figure, a whole number or a date, written the ways
officers write them ("76.6%", "1,312", "£7,200,000", "31/03/2020"). The browser form for a
value and every file format of values use these same rules, so a figure is read alike
wherever it is typed.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from wsoa.dates import date_out_of_range


class CellError(ValueError):
    pass


class PercentCell(float):
    """A number from a spreadsheet cell formatted as a percentage (0.75 shown as 75%)."""


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def cell_text(cell: object) -> str:
    """A cell as text: blank for None, 12 for a spreadsheet's 12.0."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def parse_decimal(cell: object) -> Decimal | None:
    """A figure: 76.6, "76.6%", "1,312", "£7,200,000". Blank → None."""
    if cell is None:
        return None
    if isinstance(cell, PercentCell):
        return (Decimal(str(cell)) * 100).quantize(Decimal("0.0001")).normalize()
    if isinstance(cell, bool):
        raise CellError(f'"{cell}" is not a number')
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    if isinstance(cell, datetime.date):
        raise CellError(f'"{cell:%d/%m/%Y}" is a date, not a number')
    text = str(cell).strip()
    if not text:
        return None
    cleaned = text.replace(",", "").replace("£", "").replace(" ", "").removesuffix("%")
    if not _NUMBER.match(cleaned):
        raise CellError(f'"{text}" is not a number')
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already refuses these
        raise CellError(f'"{text}" is not a number') from exc
    if number.as_tuple().exponent < -2:
        number = number.quantize(Decimal("0.01"))
    return number


def parse_whole_number(cell: object) -> int | None:
    number = parse_decimal(cell)
    if number is None:
        return None
    if number != number.to_integral() or number < 0:
        raise CellError(f'"{cell_text(cell)}" is not a whole number, 0 or more')
    return int(number)


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")


def parse_date(cell: object) -> datetime.date | None:
    if cell is None:
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
    else:
        raise CellError(f'"{text}" is not a date: write it as 31/03/2020 or 2020-03-31')
    try:
        parsed = datetime.date(year, month, day)
    except ValueError as exc:
        raise CellError(f'"{text}" is not a real date') from exc
    if out_of_range := date_out_of_range(parsed):
        raise CellError(f'"{text}": {out_of_range[0].lower()}{out_of_range[1:]}')
    return parsed
