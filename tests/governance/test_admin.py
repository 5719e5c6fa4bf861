"""Governance in the Django admin: packs stay frozen, the action log keeps its numbering."""

import pytest
from django.urls import reverse

from governance.models import BoardPack, MeetingAction, MeetingActionUpdate
from tests.governance.factories import MeetingActionFactory, MeetingFactory
from tests.wsoa.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_adding_a_pack_in_the_admin_issues_the_next_version(admin_client, scenario, no_kpis):
    url = reverse("admin:governance_boardpack_add")
    for _ in range(2):
        response = admin_client.post(url, {"meeting": scenario.meeting.pk, "note": "From admin"})
        assert response.status_code == 302
    packs = BoardPack.objects.filter(meeting=scenario.meeting).order_by("version")
    assert [p.version for p in packs] == [1, 2]
    assert packs[0].snapshot["as_at"] == "2022-03-22"
    change = admin_client.get(reverse("admin:governance_boardpack_change", args=[packs[0].pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.text


def test_meeting_actions_added_in_the_admin_are_numbered_with_history(admin_client):
    meeting = MeetingFactory()
    MeetingActionFactory(raised_at=meeting, number=7)
    response = admin_client.post(
        reverse("admin:governance_meetingaction_add"),
        {
            "board": meeting.board_id,
            "raised_at": meeting.pk,
            "description": "Review the 4-week data",
            "owner": "AC",
            "status": "open",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    added = MeetingAction.objects.get(description="Review the 4-week data")
    assert added.number == 8
    assert MeetingActionUpdate.objects.get(meeting_action=added).to_status == "open"
