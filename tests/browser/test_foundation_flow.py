"""A new user signs in, finds their plan and reads it, in a real browser."""

import pytest

from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.browser.conftest import assert_accessible
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    OutcomeFactory,
    PlanFactory,
    UserFactory,
    level,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kingston_plan():
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    outcome = OutcomeFactory(concern=concern, statement="Plans are fit for purpose")
    action = ActionFactory(outcome=outcome, ref="1.1a", description="Train all SENCOs")
    MilestoneFactory(action=action, description="Training programme agreed")
    StatusUpdateFactory(action=action, level=level(plan, "AMBER"))
    return plan


def test_board_member_signs_in_and_reads_the_plan(page, sign_in, live_server, kingston_plan):
    user = UserFactory(username="chair")
    MembershipFactory(user=user, area=kingston_plan.area, role=Role.BOARD_MEMBER)

    sign_in("chair")
    assert page.get_by_role("heading", name="Plans").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="SEND WSOA 2019").click()
    assert page.get_by_role("heading", name="Quality of EHC plans").is_visible()
    assert page.locator(".wsoa-action").get_by_text("Amber").is_visible()
    assert_accessible(page)


def test_sign_in_page_is_accessible_and_errors_link_to_fields(page, live_server, db):
    page.goto(f"{live_server.url}/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused in {"A", "INPUT", "BUTTON"}
