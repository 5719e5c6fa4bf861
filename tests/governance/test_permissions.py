"""Who may see and record governance (governance/permissions.py on top of wsoa.permissions)."""

import pytest
from django.urls import reverse

from governance.services import board_pack_issue
from tests.governance.factories import BoardFactory, BoardMemberFactory, MeetingFactory
from tests.wsoa.factories import PlanFactory, UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(scenario, no_kpis):
    return board_pack_issue(user=None, meeting=scenario.meeting)


def _read_urls(s):
    m = s.meeting.pk
    return [
        reverse("board-detail", args=[s.board.pk]),
        reverse("meeting-detail", args=[m]),
        reverse("meeting-dashboard", args=[m]),
        reverse("board-pack", args=[m, 1]),
        reverse("board-pack-pdf", args=[m, 1]),
        reverse("board-pack-xlsx", args=[m, 1]),
    ]


def _write_requests(s):
    m = s.meeting.pk
    return [
        (reverse("pack-issue", args=[m]), {}),
        (reverse("meeting-add", args=[s.board.pk]), {"starts": "10:00"}),
        (reverse("meeting-change", args=[m]), {}),
        (reverse("meeting-attendance", args=[m]), {}),
        (reverse("agenda-item-add", args=[m]), {"title": "Welcome"}),
        (reverse("meeting-action-add", args=[m]), {"description": "x", "owner": "IT"}),
        (reverse("board-member-add", args=[s.board.pk]), {"name": "A", "initials": "A"}),
        (reverse("forward-plan-add", args=[s.board.pk]), {"title": "Green Paper"}),
        (reverse("meeting-action-update", args=[s.board.pk, s.ma1.pk]), {"status": "done"}),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, scenario, pack):
    for url in [reverse("board-list"), *_read_urls(scenario)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_another_areas_boards_meetings_and_packs_do_not_exist(client, scenario, pack, member_of):
    elsewhere = PlanFactory(area__name="Elsewhere")
    client.force_login(member_of(elsewhere, Role.ADMINISTRATOR))
    for url in _read_urls(scenario):
        assert client.get(url).status_code == 404, url
    for url, data in _write_requests(scenario):
        assert client.post(url, data).status_code == 404, url
    assert client.get(reverse("area-boards", args=[scenario.plan.area_id])).status_code == 404


def test_board_member_reads_the_dashboard_and_downloads_the_pack(client, scenario, pack, member_of):
    client.force_login(member_of(scenario.plan, Role.BOARD_MEMBER))
    for url in _read_urls(scenario):
        assert client.get(url).status_code == 200, url
    pdf = client.get(reverse("board-pack-pdf", args=[scenario.meeting.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ACTION_LEAD, None])
def test_readers_who_may_not_record_get_403_on_every_write(client, scenario, pack, member_of, role):
    user = member_of(scenario.plan, role) if role else UserFactory(is_national_viewer=True)
    client.force_login(user)
    for url, data in _write_requests(scenario):
        assert client.post(url, data).status_code == 403, url
    assert scenario.meeting.packs.count() == 1


def test_board_member_does_not_see_recording_links(client, scenario, member_of, no_kpis):
    client.force_login(member_of(scenario.plan, Role.BOARD_MEMBER))
    response = client.get(reverse("meeting-detail", args=[scenario.meeting.pk]))
    assert reverse("pack-issue", args=[scenario.meeting.pk]) not in response.text
    assert reverse("agenda-item-add", args=[scenario.meeting.pk]) not in response.text


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROGRAMME_LEAD])
def test_programme_leads_and_administrators_record(client, scenario, member_of, role, no_kpis):
    client.force_login(member_of(scenario.plan, role))
    response = client.post(reverse("pack-issue", args=[scenario.meeting.pk]))
    assert response.status_code == 302
    assert scenario.meeting.packs.count() == 1


def test_the_chair_records_for_their_own_board_only(client, scenario, member_of, no_kpis):
    chair = member_of(scenario.plan, Role.BOARD_MEMBER)
    BoardMemberFactory(board=scenario.board, is_chair=True, user=chair)
    other_board = BoardFactory(area=scenario.plan.area, name="Workforce Board")
    other_meeting = MeetingFactory(board=other_board)
    client.force_login(chair)

    assert client.post(reverse("pack-issue", args=[scenario.meeting.pk])).status_code == 302
    assert client.post(reverse("pack-issue", args=[other_meeting.pk])).status_code == 403


def test_whole_area_view_lists_only_my_areas_boards(client, scenario, member_of):
    elsewhere = PlanFactory(area__name="Elsewhere")
    BoardFactory(area=elsewhere.area, name="Elsewhere Board")
    client.force_login(member_of(scenario.plan, Role.PROGRAMME_LEAD))
    response = client.get(reverse("board-list"))
    assert "SEND Partnership Board" in response.text
    assert "Elsewhere Board" not in response.text
