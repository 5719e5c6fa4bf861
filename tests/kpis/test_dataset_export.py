"""The dataset's download (CSV and XLSX): the import format's columns with kpi_title and rag,
every current value once, in the dataset's order, in a fixed number of queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kpis import services
from kpis.models import ValueStatus
from tests.kpis.factories import KpiFactory, KpiSectionFactory, KpiTargetFactory, KpiValueFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db

COLUMNS = [
    "kpi_code",
    "kpi_title",
    "period_label",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "note",
    "status",
    "source",
    "rag",
]


def download(client, plan, export_format):
    response = client.get(reverse("kpi-dataset-export", args=[plan.pk, export_format]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="kpi-values-plan-{plan.pk}.{export_format}"'
    )
    if export_format == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert (sheet.title, sheet.freeze_panes) == ("values", "A2")
    assert all(cell.font.b for cell in sheet[1])
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def reader(client, plan, member_of):
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    return client


@pytest.fixture
def values(plan, member_of):
    """A percentage with a target (a figure, a fraction, no data, an override, a correction)
    and a count in a later section."""
    first = KpiSectionFactory(plan=plan, position=1)
    second = KpiSectionFactory(plan=plan, position=2)
    h1 = KpiFactory(plan=plan, section=first, code="H1", title="Health advice in 6 weeks")
    KpiTargetFactory(kpi=h1, value=95, due_on="2019-09-30", label="95% by September 2019")
    ehc = KpiFactory(plan=plan, section=second, code="EHC1", title="EHC plans", count=True)
    KpiValueFactory(kpi=ehc, period="2019/20", value=Decimal("1312"), source="SEN2")
    KpiValueFactory(kpi=h1, period="Q2 2019/20", value=Decimal("90.50"), note="Late returns")
    KpiValueFactory(kpi=h1, period="Apr 2019", value=None, numerator=12, denominator=20)
    KpiValueFactory(kpi=h1, period="May 2019", value=None, status=ValueStatus.NO_DATA)
    overridden = KpiValueFactory(kpi=h1, period="Jun 2019", value=Decimal("100"))
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    services.kpi_value_override(user=lead, value=overridden, rag="amber", reason="One child")
    old = KpiValueFactory(kpi=h1, period="2018/19", value=Decimal("70"))
    services.kpi_value_record(
        user=lead, kpi=h1, period=old.period, value=Decimal("71.25"), instance=old
    )
    return h1, ehc


def test_the_csv_download_has_the_import_columns_and_every_current_value_once(reader, plan, values):
    rows = download(reader, plan, "csv")
    assert rows[0] == COLUMNS
    assert rows[1:] == [
        ["H1", "Health advice in 6 weeks", "2018/19", "2018-04-01", "2019-03-31", "71.25", "", "",
         "", "", "", "Red"],
        ["H1", "Health advice in 6 weeks", "Apr 2019", "2019-04-01", "2019-04-30", "", "12", "20",
         "", "", "", "Red"],
        ["H1", "Health advice in 6 weeks", "May 2019", "2019-05-01", "2019-05-31", "", "", "", "",
         "no data", "", "No data"],
        ["H1", "Health advice in 6 weeks", "Jun 2019", "2019-06-01", "2019-06-30", "100", "", "",
         "", "", "", "Amber (override; computed Green)"],
        ["H1", "Health advice in 6 weeks", "Q2 2019/20", "2019-07-01", "2019-09-30", "90.5", "",
         "", "Late returns", "", "", "Amber"],
        ["EHC1", "EHC plans", "2019/20", "2019-04-01", "2020-03-31", "1312", "", "", "", "", "SEN2",
         "No target"],
    ]  # fmt: skip


def test_the_xlsx_download_has_numbers_as_numbers_and_blanks_as_empty_cells(reader, plan, values):
    rows = download(reader, plan, "xlsx")
    assert rows[0] == COLUMNS
    by_period = {row[2]: row for row in rows[1:]}
    assert by_period["2018/19"][5] == 71.25 and by_period["2019/20"][5] == 1312
    assert by_period["Apr 2019"][5:8] == [None, 12, 20]
    assert by_period["May 2019"][5] is None and by_period["May 2019"][9] == "no data"
    assert by_period["Q2 2019/20"][8:] == ["Late returns", None, None, "Amber"]
    assert len(rows) == 7


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_download_takes_the_same_queries_for_one_value_and_for_many(
    reader, plan, django_assert_num_queries, export_format
):
    kpis = [KpiFactory(plan=plan) for _ in range(3)]
    KpiValueFactory(kpi=kpis[0], period="Apr 2019")
    url = reverse("kpi-dataset-export", args=[plan.pk, export_format])
    # The session, the user, the user's roles, the values.
    with django_assert_num_queries(4):
        assert reader.get(url).status_code == 200
    for kpi in kpis:
        for month in ("May", "Jun", "Jul", "Aug", "Sep", "Oct"):
            KpiValueFactory(kpi=kpi, period=f"{month} 2019")
    with django_assert_num_queries(4):
        response = reader.get(url)
    assert response.status_code == 200
    assert len(download(reader, plan, export_format)) == 1 + 1 + 3 * 6
