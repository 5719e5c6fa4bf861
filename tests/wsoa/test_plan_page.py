"""The plan page: concern → outcome → actions → milestones, with current ratings."""

import datetime

import pytest
from django.urls import reverse

from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.wsoa.factories import ConcernFactory, OutcomeFactory, PostFactory, level
from wsoa.models import Role

pytestmark = pytest.mark.django_db


def build_plan(plan, n_actions):
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    outcome = OutcomeFactory(concern=concern, statement="Plans are fit for purpose")
    post = PostFactory(area=plan.area, title="Designated Clinical Officer")
    for i in range(n_actions):
        action = ActionFactory(outcome=outcome, ref=f"1.1{chr(97 + i % 26)}{i // 26 or ''}")
        action.leads.add(post)
        MilestoneFactory(action=action)
        StatusUpdateFactory(action=action, level=level(plan, "AMBER"))
    return concern


def test_plan_page_shows_the_document_structure_with_current_ratings(client, member_of, plan):
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    outcome = OutcomeFactory(concern=concern, ref="1.1", statement="Plans are fit for purpose")
    action = ActionFactory(outcome=outcome, ref="1.1a", description="Train all SENCOs")
    MilestoneFactory(action=action, description="Training programme agreed", deadline="Nov 2019")
    StatusUpdateFactory(
        action=action, level=level(plan, "RED"), effective_on=datetime.date(2019, 2, 1)
    )
    StatusUpdateFactory(
        action=action, level=level(plan, "AMBER"), effective_on=datetime.date(2019, 5, 1)
    )
    client.force_login(member_of(plan))

    html = client.get(reverse("plan-detail", args=[plan.pk])).text

    positions = [
        html.index(text)
        for text in (
            "Quality of EHC plans",
            "Plans are fit for purpose",
            "Action 1.1a",
            "Training programme agreed",
        )
    ]
    assert positions == sorted(positions)
    action_heading = html[html.index("Action 1.1a") :]
    assert action_heading.index("Amber") < action_heading.index("Train all SENCOs")
    assert "Not yet rated" in html  # the milestone has no rating
    assert "Nov 2019" in html


def test_rating_tags_carry_text_and_a_contrasting_colour(client, member_of, plan):
    build_plan(plan, 1)
    client.force_login(member_of(plan))
    html = client.get(reverse("plan-detail", args=[plan.pk])).text
    amber = level(plan, "AMBER")
    assert f".{amber.css_class} {{ background-color: #f47738; color: #0b0c0c; }}" in html
    assert f'class="wsoa-rating {amber.css_class}"' in html
    assert ">Amber</strong>" in html


@pytest.mark.parametrize("n_actions", [1, 30])
def test_plan_page_query_count_does_not_grow_with_actions(
    client, member_of, plan, n_actions, django_assert_num_queries
):
    build_plan(plan, n_actions)
    user = member_of(plan, Role.BOARD_MEMBER)
    client.force_login(user)
    # session, user, plan, membership, levels, concerns (+partners, boards), outcomes,
    # actions (+leads, boards, milestones)
    with django_assert_num_queries(13):
        response = client.get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    assert response.text.count('class="wsoa-action"') == n_actions
