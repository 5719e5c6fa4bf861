"""The rating derived from milestones: an action with no rating of its own shows the rating its
milestones give it (actions.status.derived_from_milestones), marked "(from milestones)" on
every action surface, and the action page's timeline shows the milestones' updates."""

import csv
import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from actions.models import Action, StatusUpdate
from actions.selectors import with_rating_shown
from actions.status import MilestoneRating, UpdateKind, derived_from_milestones
from tests.actions.factories import ActionFactory, MilestoneFactory
from tests.wsoa.factories import ConcernFactory, PlanFactory, PostFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat

# Hand-worked levels, ranked as a BRAG scheme: 1 Red (worst) … 4 Blue (complete).
RED = SimpleNamespace(code="R", label="Red", rank=1, is_complete=False)
AMBER = SimpleNamespace(code="A", label="Amber", rank=2, is_complete=False)
GREEN = SimpleNamespace(code="G", label="Green", rank=3, is_complete=False)
BLUE = SimpleNamespace(code="B", label="Blue", rank=4, is_complete=True)


def m(level=None, done=False):
    return MilestoneRating(level=level, is_completed=done)


# (milestones as (level code or None, completed?), the derived rating's code or None)
CASES = [
    pytest.param([], None, id="no milestones: not yet rated"),
    pytest.param([(None, False), (None, False)], None, id="none rated: not yet rated"),
    pytest.param([("G", False), ("A", False)], "A", id="the worst open rating"),
    pytest.param([("G", False), ("R", True)], "G", id="a completed red does not count"),
    pytest.param([("A", False), (None, False)], "A", id="an unrated open one is skipped"),
    pytest.param([("B", False), ("G", False)], "G", id="rated complete counts as done"),
    pytest.param([("B", False), ("G", True)], "B", id="every milestone done: complete"),
    pytest.param([(None, True), (None, True)], "B", id="all completed, never rated: complete"),
    pytest.param([("B", False), (None, False)], None, id="the rest unrated: not yet rated"),
]
BY_CODE = {lv.code: lv for lv in (RED, AMBER, GREEN, BLUE)}


@pytest.mark.parametrize(("milestones", "expected"), CASES)
def test_the_rule_takes_the_worst_open_milestone_rating(milestones, expected):
    ratings = [m(BY_CODE.get(code), done) for code, done in milestones]
    derived = derived_from_milestones(ratings, complete_level=BLUE)
    assert (derived.code if derived else None) == expected


@pytest.fixture
def brag_plan(db):
    return PlanFactory(area__name="Kingston upon Thames", rating_scheme__name="BRAG WSOA")


def rate_milestone(milestone, code, on, narrative="", plan=None):
    plan = plan or milestone.action.plan
    return StatusUpdate.objects.create(
        milestone=milestone,
        level=level(plan, code) if code else None,
        kind=UpdateKind.IMPORTED,
        effective_on=D(on),
        narrative=narrative,
    )


def rate_action(action, code, on, narrative="On track"):
    return StatusUpdate.objects.create(
        action=action,
        level=level(action.plan, code) if code else None,
        kind=UpdateKind.PROGRESS,
        effective_on=D(on),
        narrative=narrative,
    )


def shown_level(action, **as_at):
    row = with_rating_shown(
        Action.objects.filter(pk=action.pk).with_status(prefix="current", **as_at),
        prefix="current",
        **as_at,
    ).get()
    return row.current_shown_level_id


@pytest.mark.parametrize(("milestones", "expected"), CASES)
def test_the_sql_form_agrees_with_the_rule(brag_plan, milestones, expected):
    concern = ConcernFactory(plan=brag_plan)
    action = ActionFactory(plan=brag_plan, concern=concern, outcome=None)
    for code, done in milestones:
        milestone = MilestoneFactory(action=action, completed_on=D("2021-01-10") if done else None)
        if code:
            rate_milestone(milestone, code, "2021-01-05")
    expected_pk = level(brag_plan, expected).pk if expected else None
    assert shown_level(action) == expected_pk


def test_an_action_with_its_own_rating_ignores_its_milestones(brag_plan):
    concern = ConcernFactory(plan=brag_plan)
    action = ActionFactory(plan=brag_plan, concern=concern, outcome=None)
    rate_milestone(MilestoneFactory(action=action), "R", "2021-01-05")
    rate_action(action, "G", "2021-01-06")
    assert shown_level(action) == level(brag_plan, "G").pk
    # Its latest update has no level: not yet rated, still not derived (it has been rated).
    rate_action(action, None, "2021-02-01", narrative="Nothing to report")
    assert shown_level(action) is None


def test_the_derived_rating_is_as_at_a_day(brag_plan):
    concern = ConcernFactory(plan=brag_plan)
    action = ActionFactory(plan=brag_plan, concern=concern, outcome=None)
    milestone = MilestoneFactory(action=action)
    rate_milestone(milestone, "G", "2021-01-05")
    rate_milestone(milestone, "R", "2021-03-05")
    assert shown_level(action, on=D("2021-02-01")) == level(brag_plan, "G").pk
    assert shown_level(action) == level(brag_plan, "R").pk


# --- What users see ------------------------------------------------------------------------


@pytest.fixture
def wsoa(brag_plan):
    """A WSOA rating milestones, not actions: 1.1a has an amber and a green milestone, 1.1b
    rates itself red and has a green milestone."""
    concern = ConcernFactory(plan=brag_plan, number=1)
    post = PostFactory(area=brag_plan.area, title="Head of SEND")
    derived = ActionFactory(
        plan=brag_plan, concern=concern, outcome=None, ref="1.1a", position=1, leads=[post]
    )
    first = MilestoneFactory(action=derived, description="Audit of EHC plans", position=1)
    second = MilestoneFactory(action=derived, description="Training for caseworkers", position=2)
    rate_milestone(first, "G", "2021-01-05", narrative="Audit under way")
    rate_milestone(second, "A", "2021-02-05", narrative="Trainer not yet booked")
    own = ActionFactory(plan=brag_plan, concern=concern, outcome=None, ref="1.1b", position=2)
    rate_milestone(MilestoneFactory(action=own), "G", "2021-01-05")
    rate_action(own, "R", "2021-01-06", narrative="Behind")
    return SimpleNamespace(plan=brag_plan, derived=derived, own=own, first=first, second=second)


@pytest.fixture
def reader(client, member_of, wsoa):
    client.force_login(member_of(wsoa.plan, Role.BOARD_MEMBER))
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def test_action_page_marks_a_derived_rating_and_shows_milestone_updates(reader, wsoa):
    url = reverse("action-detail", args=[wsoa.plan.pk, wsoa.derived.pk])
    response = reader.get(url)
    page = text(response)
    assert "Current rating: Amber (from milestones)" in page
    assert "its rating comes from its milestones" in page
    assert "No progress has been recorded yet" not in page
    timeline = page[page.index("Timeline") :]
    # Newest first, each with its milestone, level, narrative and date.
    training = timeline.index("Milestone “Training for caseworkers”: Not yet rated to Amber")
    audit = timeline.index("Milestone “Audit of EHC plans”: Not yet rated to Green")
    assert training < audit
    assert "Trainer not yet booked" in timeline and "effective 5 February 2021" in timeline
    assert "Audit under way" in timeline and "effective 5 January 2021" in timeline


def test_timeline_interleaves_milestone_and_action_updates_by_date(reader, wsoa):
    rate_action(wsoa.derived, None, "2021-01-20", narrative="Planning meeting held")
    response = reader.get(reverse("action-detail", args=[wsoa.plan.pk, wsoa.derived.pk]))
    timeline = text(response)[text(response).index("Timeline") :]
    order = [
        timeline.index("Trainer not yet booked"),  # 5 Feb (milestone)
        timeline.index("Planning meeting held"),  # 20 Jan (action)
        timeline.index("Audit under way"),  # 5 Jan (milestone)
    ]
    assert order == sorted(order)


def test_action_page_of_an_action_rated_itself_is_not_marked(reader, wsoa):
    response = reader.get(reverse("action-detail", args=[wsoa.plan.pk, wsoa.own.pk]))
    page = text(response)
    assert "Current rating: Red" in page
    assert "(from milestones)" not in page


def test_plan_page_marks_the_derived_rating_in_words(reader, wsoa):
    response = reader.get(reverse("plan-detail", args=[wsoa.plan.pk]))
    page = text(response)
    assert "Action 1.1a Amber (from milestones)" in page
    assert "Action 1.1b Red" in page and "Action 1.1b Red (from milestones)" not in page
    summary = {str(lv): count for lv, count in response.context["rating_summary"]}
    assert summary["Amber"] == 1 and summary["Red"] == 1 and summary["None"] == 0


def test_register_shows_and_filters_by_the_derived_rating(reader, wsoa):
    url = reverse("action-register", args=[wsoa.plan.pk])
    response = reader.get(url)
    assert 'Amber</strong> <span class="wsoa-derived">(from milestones)</span>' in response.text
    amber = level(wsoa.plan, "A").pk
    filtered = reader.get(f"{url}?rating={amber}")
    assert [row.record.ref for row in filtered.context["table"].paginated_rows] == ["1.1a"]
    unrated = reader.get(f"{url}?rating=unrated")
    assert list(unrated.context["table"].paginated_rows) == []
    red = reader.get(f"{url}?rating={level(wsoa.plan, 'R').pk}")
    assert [row.record.ref for row in red.context["table"].paginated_rows] == ["1.1b"]


def test_register_sorts_by_the_rating_shown(reader, wsoa):
    url = reverse("action-register", args=[wsoa.plan.pk])
    response = reader.get(f"{url}?sort=rating")
    assert [row.record.ref for row in response.context["table"].paginated_rows] == [
        "1.1b",
        "1.1a",
    ]


def test_register_download_says_derived_from_milestones(reader, wsoa):
    url = reverse("action-register", args=[wsoa.plan.pk])
    response = reader.get(f"{url}?_export=csv")
    rows = {row["Ref"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["1.1a"]["Current rating"] == "Amber (derived from milestones)"
    assert rows["1.1b"]["Current rating"] == "Red"


def test_an_overdue_action_rated_complete_from_milestones_is_not_overdue(reader, wsoa):
    wsoa.derived.due_date = D("2021-03-01")
    wsoa.derived.save()
    for milestone in (wsoa.first, wsoa.second):
        rate_milestone(milestone, "B", "2021-03-10")
    url = reverse("action-register", args=[wsoa.plan.pk])
    overdue = reader.get(f"{url}?overdue=1")
    assert "1.1a" not in [row.record.ref for row in overdue.context["table"].paginated_rows]
    page = text(reader.get(reverse("action-detail", args=[wsoa.plan.pk, wsoa.derived.pk])))
    assert "Current rating: Blue (from milestones)" in page
    assert "Overdue" not in page


def test_my_actions_marks_the_derived_rating(client, wsoa, member_of):
    user = member_of(wsoa.plan, Role.ACTION_LEAD)
    post = wsoa.derived.leads.get()
    post.holder = user
    post.save()
    client.force_login(user)
    page = text(client.get(reverse("my-actions")))
    assert "Amber (from milestones)" in page
