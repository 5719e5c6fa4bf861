"""A board member opens the next meeting's dashboard, follows a red cell to the action
register and downloads the board pack, in a real browser; axe-core checks the dashboard,
meeting and pack pages against WCAG 2.2 A/AA."""

import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from governance.services import board_pack_issue
from tests.actions.factories import ActionFactory
from tests.browser.conftest import assert_accessible
from tests.governance.factories import (
    BoardFactory,
    BoardMemberFactory,
    MeetingActionFactory,
    MeetingFactory,
    rate,
)
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def next_meeting():
    today = timezone.localdate()
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    other = ConcernFactory(plan=plan, number=2, title="Timeliness of annual reviews")
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern, other])
    BoardMemberFactory(board=board, name="Ian Thomas", initials="IT", is_chair=True)
    post = PostFactory(area=plan.area, title="Associate Director for SEND")
    last = MeetingFactory(
        board=board, starts_at=timezone.now() - datetime.timedelta(days=60), held=True
    )
    meeting = MeetingFactory(
        board=board, starts_at=timezone.now() + datetime.timedelta(days=3), virtual=True
    )
    red = ActionFactory(
        plan=plan,
        concern=concern,
        outcome=None,
        ref="1.1a",
        leads=[post],
        description="Recruit four more EHC coordinators",
        due_date=today - datetime.timedelta(days=10),
    )
    rate(red, level(plan, "AMBER"), today - datetime.timedelta(days=90))
    rate(red, level(plan, "RED"), today - datetime.timedelta(days=5), narrative="Posts unfilled")
    green = ActionFactory(plan=plan, concern=other, outcome=None, ref="2.1a", leads=[post])
    rate(green, level(plan, "LIGHT GREEN"), today - datetime.timedelta(days=20))
    MeetingActionFactory(raised_at=last, number=1, description="Share the QA findings")
    board_pack_issue(user=None, meeting=meeting)
    return plan, concern, meeting


def test_board_member_opens_dashboard_follows_red_cell_and_downloads_pack(
    page, sign_in, live_server, next_meeting, tmp_path
):
    plan, concern, meeting = next_meeting
    user = UserFactory(username="member")
    MembershipFactory(user=user, area=plan.area, role=Role.BOARD_MEMBER)

    sign_in("member")
    page.goto(f"{live_server.url}/boards/")
    page.get_by_role("link", name="SEND Partnership Board", exact=True).click()
    page.get_by_role("link", name="Open the dashboard for the next meeting").click()
    assert page.get_by_role("heading", name="RAG summary").is_visible()
    assert page.get_by_text("Posts unfilled").is_visible()
    assert_accessible(page)

    red = level(plan, "RED")
    page.get_by_role("link", name="1 Red, significant concern 1").click()
    page.wait_for_url("**/actions/**")
    url = urlsplit(page.url)
    assert url.path == f"/plans/{plan.pk}/actions/"
    assert parse_qs(url.query) == {"concern": [str(concern.pk)], "rating": [str(red.pk)]}

    page.go_back()
    # The breadcrumb's last link is the meeting itself.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").last.click()
    assert page.get_by_role("heading", name="Board packs").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Version 1", exact=True).click()
    assert page.get_by_role("heading", name="Board pack for the meeting", exact=False).is_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF of version 1").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-board-pack-v1.pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert Path(saved).read_bytes().startswith(b"%PDF")


def test_programme_lead_records_an_agenda_item_after_an_error(
    page, sign_in, live_server, next_meeting
):
    plan, _, meeting = next_meeting
    user = UserFactory(username="lead")
    MembershipFactory(user=user, area=plan.area, role=Role.PROGRAMME_LEAD)

    sign_in("lead")
    page.goto(f"{live_server.url}/boards/")
    assert_accessible(page)
    page.get_by_role("link", name="SEND Partnership Board", exact=True).click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_role("button", name="Save agenda item").click()

    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Enter the item's title").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.get_by_label("Title").fill("Progress and impact of the WSOA")
    page.get_by_role("button", name="Save agenda item").click()

    assert page.get_by_role("heading", name="1. Progress and impact of the WSOA").is_visible()
