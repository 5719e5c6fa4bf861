"""My actions: the actions whose lead post the signed-in user holds, what needs attention first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from actions.status import UpdateKind
from governance.meetings import last_meeting_before, with_board_last_met
from governance.models import Meeting, MeetingStatus
from governance.my_actions import actions_led_by, needs_attention
from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    OutcomeFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Board, Role

pytestmark = pytest.mark.django_db

MY_ACTIONS = reverse("my-actions")


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def moment(days: int) -> datetime.datetime:
    """Noon, `days` days from today (negative: in the past), in the local time zone."""
    noon = datetime.datetime.combine(days_from_today(days), datetime.time(12))
    return timezone.make_aware(noon)


def long_date(value: datetime.datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y")


def short_date(value: datetime.date) -> str:
    return dateformat.format(value, "j M Y")


@pytest.fixture
def lead(plan):
    user = UserFactory(username="dco", first_name="Dana", last_name="Cole")
    MembershipFactory(user=user, area=plan.area, role=Role.ACTION_LEAD)
    return user


@pytest.fixture
def post(plan, lead):
    return PostFactory(area=plan.area, title="Designated Clinical Officer", holder=lead)


@pytest.fixture
def outcome(plan):
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    return OutcomeFactory(concern=concern)


@pytest.fixture
def board(plan):
    return Board.objects.create(area=plan.area, name="SEND Partnership Board")


def rows(response) -> list[str]:
    """Action refs in the order the page lists them."""
    return [
        item.action.ref
        for group in response.context["overview"].groups
        for concern_group in group.concerns
        for item in concern_group.items
    ]


def reasons(response, ref) -> list[str]:
    for group in response.context["overview"].groups:
        for concern_group in group.concerns:
            for item in concern_group.items:
                if item.action.ref == ref:
                    return [reason.text for reason in item.reasons]
    raise AssertionError(f"{ref} is not listed")


# --- What is listed ----------------------------------------------------------------------------


def test_lists_only_the_actions_whose_lead_post_i_hold(client, plan, lead, post, outcome):
    mine = ActionFactory(outcome=outcome, ref="1.1a", leads=[post])
    someone_elses = PostFactory(area=plan.area, title="Head of SEND")
    ActionFactory(outcome=outcome, ref="1.1b", leads=[someone_elses])
    ActionFactory(outcome=outcome, ref="1.1c")
    client.force_login(lead)

    response = client.get(MY_ACTIONS)

    assert response.status_code == 200
    assert rows(response) == ["1.1a"]
    assert f'href="{reverse("action-detail", args=[plan.pk, mine.pk])}"' in response.text


def test_action_led_by_two_of_my_posts_is_listed_once(client, plan, lead, post, outcome):
    other_post = PostFactory(area=plan.area, title="SEND Manager", holder=lead)
    ActionFactory(outcome=outcome, ref="1.1a", leads=[post, other_post])
    client.force_login(lead)
    assert rows(client.get(MY_ACTIONS)) == ["1.1a"]


def test_actions_in_a_plan_i_can_no_longer_see_are_not_listed(client, plan, lead, outcome):
    elsewhere = PlanFactory(area__name="Elsewhere")
    old_post = PostFactory(area=elsewhere.area, title="Old post", holder=lead)
    ActionFactory(outcome=OutcomeFactory(concern=ConcernFactory(plan=elsewhere)), leads=[old_post])
    client.force_login(lead)
    assert rows(client.get(MY_ACTIONS)) == []


def test_actions_are_grouped_by_plan_and_concern(client, plan, lead, post, outcome):
    second_concern = ConcernFactory(plan=plan, number=2, title="Joint commissioning")
    ActionFactory(outcome=OutcomeFactory(concern=second_concern), ref="2.1a", leads=[post])
    ActionFactory(outcome=outcome, ref="1.1a", leads=[post])
    other_plan = PlanFactory(area=plan.area, title="Accelerated progress plan")
    ActionFactory(
        outcome=OutcomeFactory(concern=ConcernFactory(plan=other_plan, number=1)),
        ref="A1",
        leads=[post],
    )
    client.force_login(lead)

    response = client.get(MY_ACTIONS)

    groups = response.context["overview"].groups
    assert [group.plan.title for group in groups] == [
        "Accelerated progress plan",
        plan.title,
    ]
    assert [c.concern.number for c in groups[1].concerns] == [1, 2]
    assert "Significant concern 1: Quality of EHC plans" in response.text
    assert "Significant concern 2: Joint commissioning" in response.text
    register = reverse("action-register", args=[plan.pk])
    assert f'href="{register}"' in response.text


def test_each_action_shows_rating_due_date_and_last_update(client, plan, lead, post, outcome):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(60))
    StatusUpdateFactory(action=action, level=level(plan, "AMBER"), recorded_at=moment(-3))
    client.force_login(lead)

    response = client.get(MY_ACTIONS)

    assert ">Amber</strong>" in response.text
    assert short_date(days_from_today(60)) in response.text
    assert short_date(days_from_today(-3)) in response.text


def test_completion_proposed_is_shown_and_needs_no_attention(
    client, plan, lead, post, outcome, board
):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(-9))
    action.boards.add(board)
    StatusUpdateFactory(action=action, level=level(plan, "COMPLETED"), recorded_at=moment(-20))
    Meeting.objects.create(board=board, starts_at=moment(-2))
    MilestoneFactory(action=action, due_date=days_from_today(5))
    client.force_login(lead)

    response = client.get(MY_ACTIONS)

    assert "Completion proposed" in response.text
    assert reasons(response, "1.1a") == []


# --- What needs attention first ----------------------------------------------------------------


def test_attention_order_is_overdue_then_no_update_since_meeting_then_milestone_then_rest(
    client, plan, lead, post, outcome, board
):
    Meeting.objects.create(board=board, starts_at=moment(-10))
    # Listed in the plan in the opposite order of urgency.
    quiet = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(90))
    StatusUpdateFactory(action=quiet, recorded_at=moment(-1))
    milestone_soon = ActionFactory(
        outcome=outcome, ref="1.1b", leads=[post], due_date=days_from_today(90)
    )
    StatusUpdateFactory(action=milestone_soon, recorded_at=moment(-1))
    MilestoneFactory(action=milestone_soon, due_date=days_from_today(20))
    not_updated = ActionFactory(
        outcome=outcome, ref="1.1c", leads=[post], due_date=days_from_today(90)
    )
    not_updated.boards.add(board)
    StatusUpdateFactory(action=not_updated, recorded_at=moment(-30))
    overdue = ActionFactory(
        outcome=outcome, ref="1.1d", leads=[post], due_date=days_from_today(-12)
    )
    StatusUpdateFactory(action=overdue, recorded_at=moment(-1))
    client.force_login(lead)

    response = client.get(MY_ACTIONS)

    assert rows(response) == ["1.1d", "1.1c", "1.1b", "1.1a"]
    assert reasons(response, "1.1d") == ["Overdue by 12 days"]
    assert reasons(response, "1.1c") == [
        f"No update since the board met on {long_date(moment(-10))}"
    ]
    assert reasons(response, "1.1b") == [f"Milestone due {short_date(days_from_today(20))}"]
    assert reasons(response, "1.1a") == []
    html = response.text[response.text.index("<table") :]
    assert html.index("Overdue by 12 days") < html.index("No update since the board met")
    assert html.index("No update since the board met") < html.index("Milestone due")


def test_an_action_can_need_attention_for_several_reasons(client, plan, lead, post, outcome, board):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(-1))
    action.boards.add(board)
    Meeting.objects.create(board=board, starts_at=moment(-3))
    MilestoneFactory(action=action, due_date=days_from_today(30))
    MilestoneFactory(action=action, due_date=days_from_today(2))
    client.force_login(lead)

    assert reasons(client.get(MY_ACTIONS), "1.1a") == [
        "Overdue by 1 day",
        f"No update since the board met on {long_date(moment(-3))}",
        f"Milestone due {short_date(days_from_today(2))} and 1 more in the next 30 days",
    ]


def test_update_recorded_after_the_board_met_clears_that_reason(
    client, plan, lead, post, outcome, board
):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(50))
    action.boards.add(board)
    Meeting.objects.create(board=board, starts_at=moment(-10))
    StatusUpdateFactory(action=action, recorded_at=moment(-9))
    client.force_login(lead)
    assert reasons(client.get(MY_ACTIONS), "1.1a") == []


def test_the_latest_past_meeting_of_any_of_the_actions_boards_counts(
    client, plan, lead, post, outcome, board
):
    other_board = Board.objects.create(area=plan.area, name="Health Executive")
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(50))
    action.boards.add(board, other_board)
    Meeting.objects.create(board=board, starts_at=moment(-20))
    Meeting.objects.create(board=other_board, starts_at=moment(-5))
    Meeting.objects.create(board=board, starts_at=moment(7))  # not held yet
    StatusUpdateFactory(action=action, recorded_at=moment(-10))
    client.force_login(lead)
    assert reasons(client.get(MY_ACTIONS), "1.1a") == [
        f"No update since the board met on {long_date(moment(-5))}"
    ]


def test_a_cancelled_meeting_is_not_a_meeting_the_board_held(
    client, plan, lead, post, outcome, board
):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(50))
    action.boards.add(board)
    StatusUpdateFactory(action=action, recorded_at=moment(-10))
    Meeting.objects.create(board=board, starts_at=moment(-3), status=MeetingStatus.CANCELLED)
    client.force_login(lead)
    assert reasons(client.get(MY_ACTIONS), "1.1a") == []


def test_completed_and_far_off_milestones_do_not_need_attention(client, plan, lead, post, outcome):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(90))
    MilestoneFactory(action=action, due_date=days_from_today(5), completed_on=days_from_today(-1))
    MilestoneFactory(action=action, due_date=days_from_today(31))
    client.force_login(lead)
    assert reasons(client.get(MY_ACTIONS), "1.1a") == []


def test_signed_off_action_past_its_due_date_is_not_overdue(client, plan, lead, post, outcome):
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(-30))
    StatusUpdateFactory(
        action=action, level=level(plan, "COMPLETED"), kind=UpdateKind.COMPLETION_SIGNED_OFF
    )
    client.force_login(lead)
    assert reasons(client.get(MY_ACTIONS), "1.1a") == []


def test_page_summarises_how_many_actions_need_each_kind_of_attention(
    client, plan, lead, post, outcome
):
    ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=days_from_today(-3))
    ActionFactory(outcome=outcome, ref="1.1b", leads=[post], due_date=days_from_today(-4))
    client.force_login(lead)
    overview = client.get(MY_ACTIONS).context["overview"]
    assert overview.counts == [
        ("Overdue", 2),
        ("No update since the board met", 0),
        ("Milestone due in the next 30 days", 0),
    ]


# --- The attention rules, as the board dashboard calls them -----------------------------------


def test_last_meeting_before_a_day_is_the_latest_one_that_started_before_that_day(plan, board):
    earlier = Meeting.objects.create(board=board, starts_at=moment(-30))
    Meeting.objects.create(board=board, starts_at=moment(0))  # today: not "before today"
    Meeting.objects.create(board=board, starts_at=moment(4))

    assert last_meeting_before(board, days_from_today(0)) == earlier
    assert last_meeting_before(board, days_from_today(1)).starts_at == moment(0)
    assert last_meeting_before(board, days_from_today(-30)) is None


def test_an_action_counts_the_latest_meeting_of_any_board_overseeing_it(plan, post, outcome, board):
    """Named board or remit board: whichever met last before the day."""
    remit_board = Board.objects.create(area=plan.area, name="Health Executive")
    remit_board.concerns.add(outcome.concern)
    action = ActionFactory(outcome=outcome, ref="1.1a", leads=[post])
    action.boards.add(board)
    Meeting.objects.create(board=board, starts_at=moment(-30))
    latest = Meeting.objects.create(board=remit_board, starts_at=moment(-3))
    Meeting.objects.create(board=board, starts_at=moment(4))
    unrelated = Board.objects.create(area=plan.area, name="Schools Forum")
    Meeting.objects.create(board=unrelated, starts_at=moment(-1))

    [row] = with_board_last_met(type(action).objects.filter(pk=action.pk), day=days_from_today(0))
    assert (row.board_met_id, row.board_met_at) == (latest.pk, latest.starts_at)


def test_needs_attention_judges_against_the_given_day(plan, post, outcome, board):
    ActionFactory(outcome=outcome, ref="1.1a", leads=[post], due_date=datetime.date(2022, 3, 1))

    [attention] = needs_attention(actions_led_by(post.holder), today=datetime.date(2022, 3, 13))

    assert [reason.text for reason in attention.reasons] == ["Overdue by 12 days"]


# --- Empty states ------------------------------------------------------------------------------


def test_user_holding_no_post_is_told_what_to_do(client, plan, member_of):
    client.force_login(member_of(plan, Role.ACTION_LEAD))
    response = client.get(MY_ACTIONS)
    assert response.status_code == 200
    assert "You do not hold a lead post" in response.text
    assert "record you as the holder of your post" in response.text


def test_user_whose_posts_lead_no_actions_is_told_so(client, plan, lead, post):
    client.force_login(lead)
    response = client.get(MY_ACTIONS)
    assert "The posts you hold do not lead any actions" in response.text


# --- Query count and access --------------------------------------------------------------------


def fill(plan, post, outcome, board, count):
    Meeting.objects.create(board=board, starts_at=moment(-10))
    second_plan = PlanFactory(area=plan.area, title="Accelerated progress plan")
    second_outcome = OutcomeFactory(concern=ConcernFactory(plan=second_plan))
    for number in range(count):
        target = outcome if number % 2 else second_outcome
        action = ActionFactory(
            outcome=target,
            ref=f"1.{number:03d}",
            leads=[post],
            due_date=days_from_today(number - 5),
        )
        action.boards.add(board)
        StatusUpdateFactory(action=action, level=level(target.concern.plan, "AMBER"))
        MilestoneFactory(action=action, due_date=days_from_today(number % 40))


# Session, user, actions, their boards, their open milestones, rating levels, boards' meetings.
MY_ACTIONS_QUERIES = 6


@pytest.mark.parametrize("count", [1, 40])
def test_my_actions_query_count_does_not_grow_with_actions(
    client, plan, lead, post, outcome, board, count, django_assert_num_queries
):
    fill(plan, post, outcome, board, count)
    client.force_login(lead)
    with django_assert_num_queries(MY_ACTIONS_QUERIES):
        response = client.get(MY_ACTIONS)
    assert len(rows(response)) == count


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("administrator", 200),
        ("programme_lead", 200),
        ("action_lead", 200),
        ("board_member", 200),
        ("national_viewer", 200),
    ],
)
def test_my_actions_access_by_role(client, plan, who, expected):
    if who == "national_viewer":
        client.force_login(UserFactory(is_national_viewer=True))
    elif who != "anonymous":
        client.force_login(MembershipFactory(area=plan.area, role=Role(who)).user)
    response = client.get(MY_ACTIONS)
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))


def test_my_actions_takes_no_posted_form(client, lead):
    client.force_login(lead)
    assert client.post(MY_ACTIONS).status_code == 405
