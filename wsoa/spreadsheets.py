"""Cells a spreadsheet would run as a formula are written as text, in every CSV and XLSX the
product writes (OWASP's CSV-injection guidance).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return (or a full-width
`＝`, `＋`, `－`, `＠`, which some spreadsheets also read) is prefixed with an apostrophe, so
Excel, LibreOffice and Google Sheets show it as the text it is. Numbers, dates and booleans
are left as they are: a negative figure stays a number.
"""

from __future__ import annotations

from django_tables2.export.export import TableExport

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """The value to write in a cell: text that would run as a formula, neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


class SafeTableExport(TableExport):
    """django-tables2's CSV/XLSX export with every cell passed through `safe_cell`."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        for index, row in enumerate(dataset):
            dataset[index] = safe_row(row)
        return dataset
