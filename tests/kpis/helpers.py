"""Build CSV and XLSX files of KPI values in tests."""

import csv
import io

from openpyxl import Workbook

from kpis.models import KpiValue

HEADER = [
    "kpi_code",
    "period_label",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "note",
]


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER, formats=None) -> bytes:
    """`formats` maps (row index, column index) to a number format, e.g. "0.0%"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row + 2, column=column + 1).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    """Everything about every KPI value: to show a refused file changed nothing."""
    return list(KpiValue.objects.order_by("pk").values())
