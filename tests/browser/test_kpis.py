"""A data owner imports a year of KPI values from an XLSX file, reads the dataset with its
RAG ratings and opens a KPI's page with its chart, in a real browser; the KPI pages have no
WCAG 2.2 A/AA violations that axe-core can find."""

import datetime

import pytest

from kpis.models import KpiValue
from tests.browser.conftest import assert_accessible
from tests.kpis.factories import (
    BoardFactory,
    KpiFactory,
    KpiSectionFactory,
    KpiTargetFactory,
    KpiValueFactory,
)
from tests.kpis.helpers import xlsx_bytes
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = [
    ("Apr 2019", 12, 20),
    ("May 2019", 14, 21),
    ("Jun 2019", 15, 20),
    ("Jul 2019", 17, 21),
    ("Aug 2019", None, None),
    ("Sep 2019", 19, 21),
    ("Oct 2019", 20, 21),
    ("Nov 2019", 21, 22),
    ("Dec 2019", 18, 19),
    ("Jan 2020", 22, 23),
    ("Feb 2020", 21, 23),
    ("Mar 2020", 23, 24),
]


@pytest.fixture
def dataset():
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    concern = ConcernFactory(plan=plan, number=3, title="CCG strategic leadership")
    owner = UserFactory(username="dco", first_name="Dee", last_name="Officer")
    MembershipFactory(user=owner, area=plan.area, role=Role.ACTION_LEAD)
    post = PostFactory(area=plan.area, title="Designated Clinical Officer", holder=owner)
    health = KpiSectionFactory(plan=plan, name="Health")
    h1 = KpiFactory(
        plan=plan,
        section=health,
        code="H1",
        title="Health advice within 6 weeks",
        concerns=[concern],
        data_owner=post,
    )
    KpiTargetFactory(
        kpi=h1, value=95, due_on=datetime.date(2019, 9, 30), label="95% by September 2019"
    )
    ehc = KpiSectionFactory(plan=plan, name="EHC plans")
    ehc1 = KpiFactory(plan=plan, section=ehc, code="EHC1", title="Total EHC plans", count=True)
    KpiValueFactory(kpi=ehc1, period="at 30/12/18", value=1157)
    KpiValueFactory(kpi=ehc1, period="at 30/12/19", value=1312)
    BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])
    return plan


def year_of_values() -> bytes:
    header = ["kpi_code", "period_label", "value", "numerator", "denominator", "note", "status"]
    rows = []
    for label, numerator, denominator in MONTHS:
        status = "no data" if numerator is None else ("unreliable" if label == "Dec 2019" else "")
        rows.append(["H1", label, None, numerator, denominator, "Monthly return", status])
    return xlsx_bytes(rows, header=header)


def test_data_owner_imports_a_year_from_xlsx_and_reads_the_dataset_and_chart(
    page, sign_in, live_server, dataset, tmp_path
):
    upload = tmp_path / "h1-2019-20.xlsx"
    upload.write_bytes(year_of_values())
    sign_in("dco")

    page.goto(f"{live_server.url}/plans/{dataset.pk}/kpis/")
    assert page.get_by_role("heading", name="KPI dataset").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import values").click()
    assert page.get_by_role("heading", name="Import KPI values").is_visible()
    assert_accessible(page)
    page.get_by_label("File of values").set_input_files(str(upload))
    page.get_by_role("button", name="Import values").click()
    page.wait_for_load_state()

    assert page.get_by_text(
        "Imported h1-2019-20.xlsx: 12 values (12 new, 0 updated, 0 unchanged) for 1 KPI."
    ).is_visible()
    assert KpiValue.objects.filter(kpi__code="H1").count() == 12
    row = page.locator("tr", has=page.get_by_role("link", name="H1 Health advice within 6 weeks"))
    assert "95.8%" in row.inner_text() and "(23/24)" in row.inner_text()
    assert row.locator(".kpi-rag", has_text="Green").is_visible()
    assert "up 4.5 points, improved" in row.inner_text()
    assert row.locator("svg.kpi-sparkline").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="H1 Health advice within 6 weeks").click()
    assert page.get_by_role("heading", name="H1 Health advice within 6 weeks").is_visible()
    chart = page.locator("figure.kpi-chart svg[role=img]")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    values = page.locator("#values ~ div table")
    august = values.locator("tbody tr").nth(4)
    assert august.locator("th").inner_text().startswith("Aug 2019")
    assert august.locator(".kpi-rag", has_text="No data").is_visible()
    assert values.locator(".kpi-rag", has_text="Unreliable data").is_visible()
    assert values.locator(".kpi-rag", has_text="Red").count() == 4  # Apr-Jul, short of 95%
    assert_accessible(page)


def test_a_bad_file_changes_nothing_and_its_problems_are_accessible(
    page, sign_in, live_server, dataset, tmp_path
):
    upload = tmp_path / "values.xlsx"
    upload.write_bytes(
        xlsx_bytes(
            [["H1", "Spring-ish", "lots"], ["ZZ9", "Apr 2019", 50]],
            header=["kpi_code", "period_label", "value"],
        )
    )
    sign_in("dco")
    page.goto(f"{live_server.url}/plans/{dataset.pk}/kpis/import/")
    page.get_by_label("File of values").set_input_files(str(upload))
    page.get_by_role("button", name="Import values").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_role("heading", name="3 problems in values.xlsx").is_visible()
    assert page.get_by_text("B (period_label)").is_visible()
    assert not KpiValue.objects.filter(kpi__code="H1").exists()
    assert_accessible(page)


def test_value_form_and_board_member_view_are_accessible(page, sign_in, live_server, dataset):
    sign_in("dco")
    kpi = dataset.kpis.get(code="H1")
    page.goto(f"{live_server.url}/plans/{dataset.pk}/kpis/{kpi.pk}/values/new/")
    assert_accessible(page)
    page.get_by_label("Period", exact=True).fill("Q1 2020/21")
    page.get_by_label("Value", exact=True).fill("lots")
    page.get_by_role("button", name="Save value").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Value", exact=True).fill("96")
    page.get_by_role("button", name="Save value").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved H1 for Q1 2020/21: 96%, rated Green.").is_visible()


def test_programme_lead_overrides_a_rating_and_a_board_reads_its_dataset(
    page, sign_in, live_server, dataset
):
    lead = UserFactory(username="lead")
    MembershipFactory(user=lead, area=dataset.area, role=Role.PROGRAMME_LEAD)
    kpi = dataset.kpis.get(code="H1")
    value = KpiValueFactory(kpi=kpi, period="Q3 2021/22", value=93)
    sign_in("lead")
    page.goto(f"{live_server.url}/plans/{dataset.pk}/kpis/{kpi.pk}/values/{value.pk}/rating/")
    assert_accessible(page)
    page.get_by_label("Red").check()
    page.get_by_label("Why?").fill("Recruitment gaps will worsen Q4")
    page.get_by_role("button", name="Save rating").click()
    page.wait_for_load_state()
    assert page.get_by_text("(override: Recruitment gaps will worsen Q4)").first.is_visible()

    board = dataset.area.boards.get()
    page.goto(f"{live_server.url}/boards/{board.pk}/kpis/")
    assert page.get_by_role("heading", name="Red or worsened").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/kpis/")
    assert page.get_by_role("link", name="SEND Partnership Board KPI dataset").is_visible()
    assert_accessible(page)
