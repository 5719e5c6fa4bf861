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
    # session, user, plan, membership, levels, concerns (+partners, boards, sponsors),
    # outcomes, actions (+leads, boards, milestones)
    with django_assert_num_queries(14):
        response = client.get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    assert response.text.count('class="wsoa-action"') == n_actions


# --- The plan as written ----------------------------------------------------------------------


def load_northbridge():
    from formats.plans.services import plan_load
    from tests.formats.plan_files import NORTHBRIDGE

    return plan_load(user=None, raw=NORTHBRIDGE.read_bytes()).report.plan


def page_text(html: str) -> str:
    """What a reader sees: the page's text without its tags, whitespace runs as one space."""
    import html as html_lib
    import re

    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_northbridge_plan_page_shows_the_plan_as_written(client, member_of):
    plan = load_northbridge()
    client.force_login(member_of(plan))
    html = client.get(reverse("plan-detail", args=[plan.pk])).text
    text = page_text(html)

    assert "Due Nov 2020" in text  # as written: never an invented day
    assert "30 Nov 2020" not in text
    assert "Due Autumn term 2020" in text
    sponsors = text.index("Director of Children's Services")
    assert sponsors < text.index("CCG Director of Quality", sponsors)
    assert (
        "Dr Ruth Adeyemi, Consultant Community Paediatrician, Northbridge Community Health Trust"
        in text
    )
    partners = [
        text.index(name)
        for name in (
            "Northbridge Parent Carer Forum",
            "Dr Ruth Adeyemi",
            "NHS Northbridge Clinical Commissioning Group",
        )
    ]
    assert partners == sorted(partners)
    assert "Inspected 4 November 2019 to 8 November 2019" in text
    assert "Pat Ellis, HMI, lead inspector" in text
    assert "Report published 10 January 2020" in text
    assert "Plan due 24 April 2020" in text
    assert "This statement sets out how the partnership" in text
    # Line breaks and bullets kept.
    assert "<li>co-produced at four workshops</li>" in html
    assert "Families get a timely EHC plan.<br>Every agency contributes on time." in html
    # Refs and statements apart.
    assert "Outcome 1.1 EHC needs assessments" in text
    assert "Outcome 1.1EHC" not in text
    assert "Not given in the source" in text
    # Leads in the file's order.
    assert "Head of SEND; Designated Clinical Officer" in text


def test_transcribers_notes_are_shown_to_administrators_only(client, member_of):
    plan = load_northbridge()
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    board_member_sees = client.get(reverse("plan-detail", args=[plan.pk])).text
    client.force_login(member_of(plan, Role.PROGRAMME_LEAD))
    programme_lead_sees = client.get(reverse("plan-detail", args=[plan.pk])).text
    client.force_login(member_of(plan, Role.ADMINISTRATOR))
    administrator_sees = client.get(reverse("plan-detail", args=[plan.pk])).text

    note = "The outcome cell of this table is blank in the source."
    assert note in administrator_sees
    assert "Transcriber's note" in administrator_sees
    assert note not in board_member_sees
    assert note not in programme_lead_sees
    assert "Not given in the source" in board_member_sees


def test_kingston_outcome_lost_by_the_source_is_not_shown_as_the_plans_text(client, member_of):
    from formats.plans.services import plan_load
    from tests.formats.plan_files import KINGSTON

    plan = plan_load(user=None, raw=KINGSTON.read_bytes()).report.plan
    client.force_login(member_of(plan))
    html = client.get(reverse("plan-detail", args=[plan.pk])).text
    assert "[Outcome statement missing" not in html
    assert "Outcome statement missing" not in html
    assert "Not given in the source" in html
