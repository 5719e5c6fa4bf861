"""Sign-in, area and role rules, enforced on the server."""

import pytest
from django.urls import reverse

from tests.wsoa.factories import PlanFactory, UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "plan-detail"])
def test_anonymous_user_is_sent_to_sign_in(client, plan, url_name):
    url = reverse(url_name, args=[plan.pk]) if url_name == "plan-detail" else reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert f"next={url}" in response.url


def test_sign_in_page_is_open_and_signs_in(client, member_of, plan):
    user = member_of(plan, Role.BOARD_MEMBER, username="chair")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "chair", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_gives_an_error_summary(client, db):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'class="govuk-error-summary"' in response.text


def test_home_lists_only_plans_of_my_areas(client, member_of, plan):
    other = PlanFactory(area__name="Elsewhere", title="Elsewhere WSOA")
    client.force_login(member_of(plan))
    response = client.get(reverse("home"))
    assert plan.title in response.text
    assert other.title not in response.text


def test_another_areas_plan_does_not_exist_for_me(client, member_of, plan):
    other = PlanFactory(area__name="Elsewhere")
    client.force_login(member_of(plan, Role.ADMINISTRATOR))
    assert client.get(reverse("plan-detail", args=[other.pk])).status_code == 404


def test_national_viewer_reads_every_area(client, plan):
    other = PlanFactory(area__name="Elsewhere", title="Elsewhere WSOA")
    client.force_login(UserFactory(is_national_viewer=True))
    response = client.get(reverse("home"))
    assert plan.title in response.text and other.title in response.text
    assert client.get(reverse("plan-detail", args=[other.pk])).status_code == 200


@pytest.mark.parametrize(
    ("role", "national", "expected"),
    [
        (Role.BOARD_MEMBER, False, 403),
        (None, True, 403),
    ],
)
def test_read_only_user_posting_to_a_plan_is_forbidden(
    client, member_of, plan, role, national, expected
):
    user = member_of(plan, role) if role else UserFactory(is_national_viewer=True)
    client.force_login(user)
    response = client.post(reverse("plan-detail", args=[plan.pk]), {})
    assert response.status_code == expected


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROGRAMME_LEAD, Role.ACTION_LEAD])
def test_writers_are_not_refused_by_the_area_rule(client, member_of, plan, role):
    client.force_login(member_of(plan, role))
    # The plan page itself takes no form: a writer gets "method not allowed", not 403.
    assert client.post(reverse("plan-detail", args=[plan.pk]), {}).status_code == 405


def test_not_found_and_forbidden_pages_explain_in_plain_words(client, member_of, plan):
    other = PlanFactory(area__name="Elsewhere")
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    not_found = client.get(reverse("plan-detail", args=[other.pk]))
    assert not_found.status_code == 404
    assert "Page not found" in not_found.text and "govuk-heading-xl" in not_found.text
    forbidden = client.post(reverse("plan-detail", args=[plan.pk]), {})
    assert forbidden.status_code == 403
    assert "You cannot do this" in forbidden.text and "Nothing has been changed" in forbidden.text
