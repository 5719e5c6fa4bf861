"""An administrator loads a plan file in the browser: a broken file first, then a good one."""

from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible
from tests.wsoa.factories import UserFactory
from wsoa.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "exampleshire-2023-app.yaml"


def test_admin_sees_every_problem_then_loads_the_plan(page, sign_in, live_server, tmp_path):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    broken = tmp_path / "broken.yaml"
    broken.write_text(FIXTURE.read_text().replace("leads: [", "leads: [Director of Educaton, ", 1))
    sign_in("root")
    page.get_by_role("link", name="Load a plan from a file").click()
    assert_accessible(page)

    page.get_by_label("Plan file").set_input_files(str(broken))
    page.get_by_role("button", name="Check and load the plan").click()
    assert page.get_by_text('unknown post "Director of Educaton"').first.is_visible()
    assert "nothing was loaded" in page.content().lower()
    assert Plan.objects.count() == 0
    assert_accessible(page)

    page.get_by_label("Plan file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Check and load the plan").click()
    assert page.get_by_role(
        "heading", name="Exampleshire SEND Accelerated Progress Plan"
    ).is_visible()
    assert Plan.objects.count() == 1


NORTHBRIDGE = FIXTURE.parent / "northbridge-2020-wsoa.yaml"


def test_the_format_guide_is_linked_from_the_upload_page_and_accessible(page, sign_in):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    sign_in("root")
    page.get_by_role("link", name="Load a plan from a file").click()

    page.get_by_role("link", name="How to write a plan file").click()

    assert page.get_by_role("heading", name="How to write a plan file", level=1).is_visible()
    assert page.get_by_role("heading", name="Top level").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a blank plan template (YAML)").click()
    assert download.value.suggested_filename == "plan-template.yaml"


def test_a_plan_of_another_shape_loads_and_its_page_shows_it_as_written(page, sign_in):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    sign_in("root")
    page.get_by_role("link", name="Load a plan from a file").click()

    page.get_by_label("Plan file").set_input_files(str(NORTHBRIDGE))
    page.get_by_role("button", name="Check and load the plan").click()

    heading = page.get_by_role("heading", name="Northbridge SEND Written Statement of Action")
    assert heading.is_visible()
    assert Plan.objects.filter(title="Northbridge SEND Written Statement of Action").exists()
    text = page.locator("main").inner_text()
    assert page.get_by_role("heading", name="The inspection").is_visible()
    assert "Pat Ellis" in text
    assert "Nov 2020" in text  # a month-only due date, as written
    assert "30 Nov 2020" not in text and "2020-11-30" not in text
    sponsors = page.locator(".wsoa-sponsors").first.inner_text()
    assert "Director of Children's Services" in sponsors
    assert "CCG Director of Quality" in sponsors
    assert "Dr Ruth Adeyemi" in text
    assert "(from milestones)" in text
    assert_accessible(page)
