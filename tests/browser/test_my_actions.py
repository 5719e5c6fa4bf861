"""An action lead finds what needs attention in My actions, then filters and downloads the
plan's action register, in a real browser, by mouse and keyboard."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.actions.factories import ActionFactory, StatusUpdateFactory
from tests.browser.conftest import assert_accessible
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    OutcomeFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kingston():
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    lead = UserFactory(username="dco", first_name="Dana", last_name="Cole")
    MembershipFactory(user=lead, area=plan.area, role=Role.ACTION_LEAD)
    post = PostFactory(area=plan.area, title="Designated Clinical Officer", holder=lead)
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    outcome = OutcomeFactory(concern=concern, ref="1A", statement="Plans are fit for purpose")
    today = timezone.localdate()
    on_track = ActionFactory(
        outcome=outcome,
        ref="1.1a",
        description="Publish the revised local offer",
        leads=[post],
        due_date=today + datetime.timedelta(days=120),
    )
    StatusUpdateFactory(action=on_track, level=level(plan, "LIGHT GREEN"))
    overdue = ActionFactory(
        outcome=outcome,
        ref="1.1b",
        description="Train all SENCOs in writing outcomes",
        leads=[post],
        due_date=today - datetime.timedelta(days=12),
    )
    StatusUpdateFactory(action=overdue, level=level(plan, "AMBER"))
    return {"plan": plan, "overdue": overdue}


def test_action_lead_finds_overdue_action_then_filters_and_downloads_the_register(
    page, sign_in, live_server, kingston
):
    plan, overdue = kingston["plan"], kingston["overdue"]

    sign_in("dco")
    page.goto(f"{live_server.url}{reverse('my-actions')}")
    assert page.get_by_role("heading", name="My actions", level=1).is_visible()

    first_row = page.locator("table.wsoa-my-actions tbody tr").first
    assert "Action 1.1b" in first_row.inner_text()
    assert "Overdue by 12 days" in first_row.inner_text()
    link = first_row.get_by_role("link", name="Action 1.1b")
    assert link.get_attribute("href") == reverse("action-detail", args=[plan.pk, overdue.pk])
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Action register")).click()
    assert page.get_by_role("heading", name="Action register", level=1).is_visible()

    page.get_by_label("Current rating").select_option(label="Amber")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert f"rating={level(plan, 'AMBER').pk}" in page.url
    rows = page.locator("table.wsoa-register tbody tr")
    assert rows.count() == 1
    assert "1.1b" in rows.first.inner_text()
    assert page.get_by_role("heading", name="1 action").is_visible()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "overdue=1" in page.url
    assert page.locator("table.wsoa-register tbody tr").count() == 1
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "1.1b" in content and "Train all SENCOs in writing outcomes" in content
    assert "1.1a" not in content


def test_register_filter_form_is_reachable_by_keyboard_with_visible_focus(
    page, sign_in, live_server, kingston
):
    plan = kingston["plan"]
    sign_in("dco")
    page.goto(f"{live_server.url}{reverse('action-register', args=[plan.pk])}")

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    assert page.evaluate("document.activeElement.id") == "id_q"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] not in ("none", "") and outline[1] >= 2

    # Type a search and submit it with the keyboard alone.
    page.keyboard.type("SENCO")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=SENCO" in page.url
    assert page.locator("table.wsoa-register tbody tr").count() == 1
