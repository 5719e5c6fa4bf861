"""The Kingston SEND Partnership Board meeting of 22 March 2022, loaded from its fixture."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from governance.dashboard import meeting_dashboard
from governance.models import Meeting, MeetingStatus
from wsoa.models import Board, Role

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def kingston(db):
    call_command("load_plan", str(FIXTURES / "kingston-2019-wsoa.yaml"))
    call_command("load_meeting", str(FIXTURES / "kingston-2022-03-board-meeting.yaml"))
    return Board.objects.get(name="SEND Partnership Board")


def _march(board):
    return Meeting.objects.get(board=board, starts_at__date=datetime.date(2022, 3, 22))


def test_members_keep_names_initials_posts_and_organisations(kingston):
    members = {m.initials: m for m in kingston.members.select_related("organisation")}
    assert len(members) == 41
    chair = kingston.members.get(is_chair=True)
    assert (chair.name, chair.initials, chair.post) == ("Ian Thomas", "IT", "Chief Executive")
    assert str(chair.organisation) == "Royal Borough of Kingston upon Thames"
    assert members["KS-L"].name == "Karel Stevens-Lee"
    assert str(members["AS"].organisation) == (
        "South West London Clinical Commissioning Group (Kingston)"
    )
    assert members["GC"].organisation is None


def test_the_march_meeting_with_attendance_agenda_and_minutes(kingston):
    meeting = _march(kingston)
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, timezone.localtime(meeting.ends_at).hour) == (14, 16)
    assert meeting.location == "Virtual via Google Meets" and meeting.is_virtual
    assert meeting.status == MeetingStatus.HELD
    statuses = [a.status for a in meeting.attendance.all()]
    assert (statuses.count("present"), statuses.count("apologies")) == (20, 21)
    items = list(meeting.agenda_items.order_by("number"))
    assert [i.number for i in items] == list(range(1, 10))
    item_4 = items[3]
    assert [m.concern.number for m in item_4.minutes.order_by("position")] == [1, 2, 3, 4]
    assert (
        "ME and TM will be available during the revisit"
        in item_4.minutes.get(concern__number=3).text
    )


def test_action_log_forward_plan_and_next_meetings(kingston):
    meeting = _march(kingston)
    assert meeting.actions_raised.count() == 5
    assert [i.title for i in kingston.forward_plan.order_by("position")] == [
        "Continue to review / focus on the WSOA",
        "Review Green Paper",
        "Deep dive into therapies",
        "Integrated Care System and the impact on the local SEND system",
    ]
    after = Meeting.objects.filter(board=kingston, starts_at__gt=meeting.starts_at)
    assert [m.local_date.isoformat() for m in after.order_by("starts_at")] == [
        "2022-05-26",
        "2022-07-27",
        "2022-09-29",
        "2022-11-23",
    ]
    previous = Meeting.objects.previous_to(meeting).first()
    assert previous.local_date == datetime.date(2021, 11, 25) and not previous.time_is_known


def test_loading_again_adds_nothing(kingston):
    before = (kingston.members.count(), Meeting.objects.count())
    call_command("load_meeting", str(FIXTURES / "kingston-2022-03-board-meeting.yaml"))
    assert (kingston.members.count(), Meeting.objects.count()) == before


def test_the_march_dashboard_counts_every_kingston_action(kingston, no_kpis, client, member_of):
    dash = meeting_dashboard(_march(kingston))
    # The board oversees all four concerns: every one of the plan's 55 actions, none of them
    # rated (the published document's RAG column was lost in extraction).
    assert [p["total"] for p in dash["plans"]] == [55]
    # Five levels, then "Completion proposed", then "Not yet rated".
    assert [c["count"] for c in dash["plans"][0]["totals"]] == [0, 0, 0, 0, 0, 0, 55]
    assert dash["previous_meeting"]["date"].isoformat() == "2021-11-25"
    assert len(dash["action_log"]["open"]) == 5
    plan = kingston.concerns.first().plan
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    page = client.get(reverse("meeting-dashboard", args=[_march(kingston).pk]))
    assert page.status_code == 200


def test_a_bad_meeting_file_is_refused_listing_every_problem(tmp_path, kingston):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: wsoa-meeting/1\narea: Kingston upon Thames\nboard: SEND Partnership Board\n"
        "members:\n  - {name: A, initials: X}\n  - {name: B, initials: X}\n"
        "meetings:\n  - {date: 2022-13-01, colour: red}\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_meeting", str(path))
    message = str(error.value)
    assert "initials 'X' used twice" in message
    assert "unknown key 'colour'" in message
    assert "is not a date" in message


def test_a_meeting_file_problem_names_its_line(tmp_path, kingston):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: wsoa-meeting/1\n"
        "area: Kingston upon Thames\n"
        "board: SEND Partnership Board\n"
        "members:\n"
        "  - {name: A, initials: X}\n"
        "meetings:\n"
        "  - date: 2022-04-01\n"
        "    attendance:\n"
        "      present: [X, ZZ]\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_meeting", str(path))
    assert "line 9, the 1st meeting, attendance.present: no member has initials 'ZZ'" in str(
        error.value
    )


def test_a_meeting_file_naming_an_unknown_board_says_where(tmp_path, kingston):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: wsoa-meeting/1\narea: Kingston upon Thames\nboard: The Other Board\nmeetings: []\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_meeting", str(path))
    assert "line 3, board: Kingston upon Thames has no board called 'The Other Board'" in str(
        error.value
    )
