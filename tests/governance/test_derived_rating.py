"""The meeting dashboard and board packs show a rating derived from milestones as such: the
action lists say "(from milestones)", the RAG summary counts the action at its derived rating
and says how many are derived, the XLSX says "(derived from milestones)", and a pack stored
in schema 2 reads as schema 3 with nothing derived."""

import datetime
import io
import re

import pytest
from django.urls import reverse

from actions.models import StatusUpdate
from actions.status import UpdateKind
from governance.dashboard import meeting_dashboard
from governance.services import board_pack_issue
from governance.snapshot import SNAPSHOT_SCHEMA, read_snapshot, to_json
from tests.actions.factories import ActionFactory, MilestoneFactory
from tests.governance.factories import BoardFactory, MeetingFactory, at, rate
from tests.wsoa.factories import ConcernFactory, PlanFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


@pytest.fixture
def wsoa(db, no_kpis):
    """A BRAG WSOA whose 1.1a is rated only through its milestones (amber as at the meeting;
    green at the meeting before), and 1.1b rates itself red (its green milestone ignored)."""
    plan = PlanFactory(area__name="Kingston upon Thames", rating_scheme__name="BRAG WSOA")
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])
    MeetingFactory(board=board, starts_at=at("2022-01-10", 14), held=True)
    meeting = MeetingFactory(board=board, starts_at=at("2022-03-22", 14), held=True)
    derived = ActionFactory(plan=plan, concern=concern, outcome=None, ref="1.1a")
    milestone = MilestoneFactory(action=derived, description="Audit of EHC plans")
    for code, on in (("G", "2021-12-01"), ("A", "2022-02-01")):
        StatusUpdate.objects.create(
            milestone=milestone,
            level=level(plan, code),
            kind=UpdateKind.IMPORTED,
            effective_on=D(on),
            recorded_at=at(on),
        )
    own = ActionFactory(plan=plan, concern=concern, outcome=None, ref="1.1b")
    StatusUpdate.objects.create(
        milestone=MilestoneFactory(action=own),
        level=level(plan, "G"),
        kind=UpdateKind.IMPORTED,
        effective_on=D("2021-12-01"),
    )
    rate(own, level(plan, "R"), "2021-12-01", narrative="Behind")
    return plan, board, meeting


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_snapshot_rows_and_counts_say_which_ratings_are_derived(wsoa):
    plan, _, meeting = wsoa
    snapshot = meeting_dashboard(meeting, as_at=D("2022-03-22"))
    red_amber = {row.ref: row for row in snapshot.attention.red_amber}
    assert red_amber["1.1a"].level == level(plan, "A").pk and red_amber["1.1a"].derived
    assert red_amber["1.1b"].level == level(plan, "R").pk and not red_amber["1.1b"].derived
    # Green at the last meeting (from milestones) to amber now: worsened, both derived.
    (worsened,) = snapshot.since.sections.worsened
    assert worsened.ref == "1.1a" and worsened.previous_derived and worsened.derived
    (summary,) = snapshot.plans
    assert summary.derived == 1
    cells = {cell.level: (cell.count, cell.derived) for cell in summary.totals}
    assert cells[level(plan, "A").pk] == (1, 1)
    assert cells[level(plan, "R").pk] == (1, 0)
    assert cells[None] == (0, 0)


def test_dashboard_marks_derived_ratings_in_words(client, member_of, wsoa):
    plan, _, meeting = wsoa
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    response = client.get(reverse("meeting-dashboard", args=[meeting.pk]))
    page = text(response.text)
    assert "Amber (from milestones)" in page
    assert "Red (from milestones)" not in page
    assert "(1 from milestones)" in page
    assert "1 of these 2 actions has no rating of its own" in page


def test_board_pack_page_and_xlsx_mark_derived_ratings(client, member_of, wsoa):
    from openpyxl import load_workbook

    plan, _, meeting = wsoa
    board_pack_issue(user=None, meeting=meeting, as_at=D("2022-03-22"))
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    page = text(client.get(reverse("board-pack", args=[meeting.pk, 1])).text)
    assert "Amber (from milestones)" in page and "(1 from milestones)" in page
    response = client.get(reverse("board-pack-xlsx", args=[meeting.pk, 1]))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [
        str(cell.value) for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
    ]
    assert "Amber (derived from milestones)" in cells
    assert "Red" in cells and "Red (derived from milestones)" not in cells
    assert "Of which rated from their milestones (no rating of their own)" in cells


def strip_derived(data):
    if isinstance(data, dict):
        return {
            k: strip_derived(v) for k, v in data.items() if k not in {"derived", "previous_derived"}
        }
    if isinstance(data, list):
        return [strip_derived(v) for v in data]
    return data


def test_a_schema_2_pack_reads_as_schema_3_with_nothing_derived(wsoa):
    _, _, meeting = wsoa
    current = to_json(meeting_dashboard(meeting, as_at=D("2022-03-22")))
    stored = {**strip_derived(current), "schema": 2}
    snapshot = read_snapshot(stored)
    assert snapshot.schema == SNAPSHOT_SCHEMA == 3
    rows = [*snapshot.attention.red_amber, *snapshot.since.sections.worsened]
    assert rows and not any(row.derived or row.previous_derived for row in rows)
    assert all(plan.derived == 0 for plan in snapshot.plans)
    assert all(cell.derived == 0 for plan in snapshot.plans for cell in plan.totals)
    upgraded = to_json(snapshot)
    assert upgraded["attention"]["red_amber"][0]["derived"] is False
    # Nothing else changed: the ratings and counts are as the board saw them.
    assert {**strip_derived(upgraded), "schema": 2} == stored


def test_a_milestone_update_recorded_since_the_meeting_means_the_action_is_not_stale(wsoa):
    """The 1.1a milestone's amber was recorded 1 February, after the meeting of 10 January:
    the action had an update since the board met. 1.1b's last update was before it."""
    plan, board, meeting = wsoa
    dash = to_json(meeting_dashboard(meeting))
    stale = [row["ref"] for row in dash["attention"]["no_update_since_last_meeting"]]
    assert stale == ["1.1b"]


def test_the_boards_page_counts_a_derived_rating_at_its_level(client, wsoa, member_of):
    plan, board, meeting = wsoa
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    response = client.get(reverse("board-list"))
    [summary] = next(b for b in response.context["boards"] if b.pk == board.pk).plan_summaries
    counts = {(lv.code if lv else "UNRATED"): n for lv, n in summary["cells"] if n}
    assert counts == {"A": 1, "R": 1}  # 1.1a amber from its milestone, not "not yet rated"


def test_reminders_judge_stale_by_the_rating_shown_and_milestone_updates(wsoa, settings):
    from django.core import mail
    from django.utils import timezone

    from governance.services import update_reminders_send
    from tests.wsoa.factories import PostFactory, UserFactory

    plan, board, meeting = wsoa
    today = timezone.localdate()
    MeetingFactory(board=board, starts_at=at(today - datetime.timedelta(days=30), 14), held=True)
    MeetingFactory(board=board, starts_at=at(today + datetime.timedelta(days=3), 14))
    lead = UserFactory(email="lead@example.org")
    post = PostFactory(area=plan.area, holder=lead)
    for action in plan.actions.all():
        action.leads.add(post)
    # 1.1b's milestone rating was recorded with the plan, long before the last meeting.
    StatusUpdate.objects.filter(milestone__action__ref="1.1b").update(recorded_at=at("2021-12-01"))
    derived = plan.actions.get(ref="1.1a")
    StatusUpdate.objects.create(  # a milestone update since the last meeting
        milestone=derived.milestones.first(),
        level=level(plan, "A"),
        effective_on=today,
    )
    update_reminders_send(lead_days=7, base_url="https://wsoa.example.org")
    [email] = mail.outbox
    assert "1.1b" in email.body and "1.1a" not in email.body


def test_an_action_completed_through_its_milestones_is_listed_as_such_not_as_improved(wsoa):
    from actions.models import Milestone

    plan, board, meeting = wsoa
    Milestone.objects.filter(action__ref="1.1a").update(completed_on=D("2022-03-01"))
    dash = to_json(meeting_dashboard(meeting))
    sections = dash["since"]["sections"]
    assert [row["ref"] for row in sections["completed_by_milestones"]] == ["1.1a"]
    assert "1.1a" not in [row["ref"] for row in sections["improved"]]
    assert sections["completed_by_milestones"][0]["derived"] is True
