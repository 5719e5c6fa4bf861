"""An action lead records progress with evidence; a programme lead signs off a completion."""

import datetime

import pytest
from django.utils import timezone

from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.browser.conftest import assert_accessible
from tests.wsoa.factories import MembershipFactory, PlanFactory, PostFactory, UserFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(tmp_path):
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    lead = UserFactory(username="dco", first_name="Dana", last_name="Officer")
    MembershipFactory(user=lead, area=plan.area, role=Role.ACTION_LEAD)
    post = PostFactory(area=plan.area, title="Designated Clinical Officer", holder=lead)
    action = ActionFactory(
        outcome__concern__plan=plan,
        ref="3.2a",
        description="Appoint a Designated Clinical Officer",
        due_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    action.leads.add(post)
    MilestoneFactory(action=action, description="Job description agreed")
    StatusUpdateFactory(
        action=action,
        level=level(plan, "LIGHT GREEN"),
        effective_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    evidence = tmp_path / "DCO job description.pdf"
    evidence.write_bytes(b"%PDF-1.4 job description")
    chair = UserFactory(username="prog")
    MembershipFactory(user=chair, area=plan.area, role=Role.PROGRAMME_LEAD)
    return plan, action, evidence


def test_lead_records_amber_with_evidence_and_programme_lead_signs_off(
    page, sign_in, live_server, setting
):
    plan, action, evidence = setting
    sign_in("dco")
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/{action.pk}/")
    assert page.get_by_text("Overdue").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record progress").click()
    # Submitting amber without a narrative gives an error summary that links to the field.
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save progress").click()
    summary_link = page.locator(".govuk-error-summary a").first
    assert "narrative is required" in summary_link.inner_text()
    assert_accessible(page)
    summary_link.click()
    assert page.evaluate("document.activeElement.id") == "id_narrative"

    page.keyboard.type("Recruitment delayed: the post is being re-advertised.")
    page.get_by_label("Evidence file (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Save progress").click()

    assert page.get_by_text("Progress on action 3.2a saved.").is_visible()
    first_entry = page.locator(".wsoa-timeline__entry").first
    assert "Recruitment delayed" in first_entry.inner_text()
    assert "Amber" in first_entry.inner_text()
    assert "DCO job description.pdf" in first_entry.inner_text()

    # Propose completion with evidence (as the lead) …
    page.get_by_role("link", name="Record progress").click()
    page.get_by_label("Completed").check()
    page.get_by_label("Progress narrative").fill("DCO in post from 1 April.")
    page.get_by_label("Evidence link (optional)").fill("https://intranet.example.org/dco")
    page.get_by_role("button", name="Save progress").click()
    assert page.get_by_text("Completion proposed", exact=True).first.is_visible()

    # … and a programme lead signs it off.
    page.get_by_role("button", name="Sign out").click()
    sign_in("prog")
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/{action.pk}/")
    page.get_by_role("link", name="Sign off or send back").click()
    assert_accessible(page)
    page.get_by_label("Sign off: the action is complete").check()
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Action 3.2a signed off as complete.").is_visible()
    assert "Completion signed off" in page.locator(".wsoa-timeline__entry").first.inner_text()
    assert_accessible(page)


def test_due_date_page_is_accessible_and_keyboard_usable(page, sign_in, live_server, setting):
    plan, action, _ = setting
    sign_in("dco")
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/{action.pk}/due-date/")
    assert_accessible(page)
    page.get_by_role("button", name="Change due date").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
