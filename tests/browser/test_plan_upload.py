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
