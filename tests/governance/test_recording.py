"""Chairs and programme leads record meetings, attendance, minutes, the action log and the
forward plan in the browser; errors come back in a GOV.UK error summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    AttendanceStatus,
    BoardMember,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingActionUpdate,
    Minute,
)
from governance.services import meeting_action_add
from tests.actions.factories import ActionFactory
from tests.governance.factories import (
    AgendaItemFactory,
    BoardFactory,
    BoardMemberFactory,
    MeetingFactory,
)
from tests.wsoa.factories import ConcernFactory, PlanFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    plan = PlanFactory(area__name="Kingston upon Thames")
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    return BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])


@pytest.fixture
def lead(client, board, member_of):
    user = member_of(board.concerns.get().plan, Role.PROGRAMME_LEAD)
    client.force_login(user)
    return user


def test_add_a_meeting(client, board, lead):
    response = client.post(
        reverse("meeting-add", args=[board.pk]),
        {
            "date_0": "26",
            "date_1": "5",
            "date_2": "2022",
            "starts": "10:00",
            "ends": "12:00",
            "location": "",
            "is_virtual": "on",
            "status": "scheduled",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meeting-detail", args=[meeting.pk])
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour) == (datetime.date(2022, 5, 26), 10)
    assert meeting.is_virtual and meeting.place_display == "Virtual"
    assert meeting.history.get().history_user == lead


def test_meeting_form_errors_are_summarised_and_linked_to_fields(client, board, lead):
    response = client.post(
        reverse("meeting-add", args=[board.pk]),
        {"date_0": "", "date_1": "", "date_2": "", "starts": "25:00", "status": "scheduled"},
    )
    assert response.status_code == 400
    assert response.text.count('class="govuk-error-summary"') == 1
    assert "There is a problem" in response.text
    assert '<a href="#id_starts">Enter a time like 14:00</a>' in response.text
    assert "Enter the date" in response.text
    assert "<title>Error: Add a meeting" in response.text
    assert not Meeting.objects.exists()


def test_end_before_start_is_refused(client, board, lead):
    response = client.post(
        reverse("meeting-add", args=[board.pk]),
        {
            "date_0": "1",
            "date_1": "2",
            "date_2": "2022",
            "starts": "14:00",
            "ends": "13:00",
            "status": "scheduled",
        },
    )
    assert response.status_code == 400
    assert "The end time must be after the start time" in response.text


def test_record_attendance_and_guests(client, board, lead):
    chair = BoardMemberFactory(board=board, name="Ian Thomas", initials="IT", is_chair=True)
    member = BoardMemberFactory(board=board, name="Beverley Pass", initials="BP")
    meeting = MeetingFactory(board=board)
    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]),
        {
            f"member_{chair.pk}": "present",
            f"member_{member.pk}": "apologies",
            "guests": "Rob Harris, Achieving for Children\n",
        },
    )
    assert response.status_code == 302
    records = {a.person_name: a for a in meeting.attendance.all()}
    assert records["Ian Thomas"].status == AttendanceStatus.PRESENT
    assert records["Beverley Pass"].status == AttendanceStatus.APOLOGIES
    assert records["Rob Harris"].organisation_name == "Achieving for Children"
    page = client.get(reverse("meeting-detail", args=[meeting.pk]))
    assert "Apologies (1)" in page.text and "Rob Harris" in page.text


def test_add_a_minute_about_a_concern(client, board, lead):
    item = AgendaItemFactory(meeting=MeetingFactory(board=board), number=4, title="WSOA")
    concern = board.concerns.get()
    response = client.post(
        reverse("minute-add", args=[item.meeting_id, item.pk]),
        {"concern": concern.pk, "text": "AC noted the progress since 2018."},
    )
    assert response.status_code == 302
    minute = Minute.objects.get()
    assert (minute.agenda_item, minute.concern) == (item, concern)
    page = client.get(reverse("meeting-detail", args=[item.meeting_id]))
    assert "Concern 1: Quality of EHC plans" in page.text


def test_meeting_actions_are_numbered_in_the_boards_log_and_linked_to_plan_actions(
    client, board, lead
):
    first, second = MeetingFactory(board=board), MeetingFactory(board=board)
    action = ActionFactory(
        plan=board.concerns.get().plan, concern=board.concerns.get(), outcome=None, ref="1.1a"
    )
    client.post(
        reverse("meeting-action-add", args=[first.pk]),
        {"description": "Share data with AC", "owner": "HG"},
    )
    response = client.post(
        reverse("meeting-action-add", args=[second.pk]),
        {
            "description": "Strengthen the narrative",
            "owner": "ME",
            "due_date_0": "26",
            "due_date_1": "5",
            "due_date_2": "2022",
            "plan_action_ref": "1.1A",
        },
    )
    assert response.status_code == 302
    log = list(MeetingAction.objects.order_by("number"))
    assert [(a.number, a.raised_at) for a in log] == [(1, first), (2, second)]
    assert log[1].plan_action == action
    assert log[1].due_date == datetime.date(2022, 5, 26)


def test_an_unknown_plan_action_reference_is_an_error(client, board, lead):
    meeting = MeetingFactory(board=board)
    response = client.post(
        reverse("meeting-action-add", args=[meeting.pk]),
        {"description": "x", "owner": "HG", "plan_action_ref": "9.9z"},
    )
    assert response.status_code == 400
    assert "No action with this reference is overseen by this board" in response.text


def test_closing_a_meeting_action_keeps_its_history(client, board, lead):
    meeting = MeetingFactory(board=board)
    item = meeting_action_add(user=lead, meeting=meeting, description="Share data", owner="HG")
    response = client.post(
        reverse("meeting-action-update", args=[board.pk, item.pk]),
        {"status": "done", "meeting": meeting.pk, "note": "Shared on 1 April"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == MeetingActionStatus.DONE
    assert item.closed_on == meeting.local_date and item.closed_at == meeting
    history = list(MeetingActionUpdate.objects.filter(meeting_action=item).order_by("pk"))
    assert [(h.from_status, h.to_status) for h in history] == [("", "open"), ("open", "done")]
    assert history[-1].changed_by == lead
    board_page = client.get(reverse("board-detail", args=[board.pk]))
    assert "Share data" not in board_page.text  # no longer on the open log


def test_forward_plan_items_for_a_meeting(client, board, lead):
    meeting = MeetingFactory(board=board)
    response = client.post(
        reverse("forward-plan-add", args=[board.pk]),
        {"title": "Deep dive into therapies", "planned_for": meeting.pk, "status": "planned"},
    )
    assert response.status_code == 302
    assert ForwardPlanItem.objects.get().planned_for == meeting
    page = client.get(reverse("meeting-detail", args=[meeting.pk]))
    assert "Deep dive into therapies" in page.text


def test_members_one_chair_and_unique_initials(client, board, lead):
    BoardMemberFactory(board=board, name="Ian Thomas", initials="IT", is_chair=True)
    url = reverse("board-member-add", args=[board.pk])
    response = client.post(url, {"name": "Ian Dodds", "initials": "IT", "is_active": "on"})
    assert response.status_code == 400
    assert "Another member of this board has these initials" in response.text
    response = client.post(
        url, {"name": "Ian Dodds", "initials": "ID", "is_chair": "on", "is_active": "on"}
    )
    assert response.status_code == 302
    chairs = BoardMember.objects.filter(board=board, is_chair=True)
    assert [m.name for m in chairs] == ["Ian Dodds"]  # the old chair stepped down


def test_another_boards_meeting_cannot_be_chosen(client, board, lead):
    other = MeetingFactory(board=BoardFactory(area=board.area))
    meeting = MeetingFactory(board=board)
    item = meeting_action_add(user=lead, meeting=meeting, description="x", owner="HG")
    response = client.post(
        reverse("meeting-action-update", args=[board.pk, item.pk]),
        {"status": "done", "meeting": other.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
