"""The upload page: administrators load a plan in the browser exactly as `load_plan` does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.formats.plan_files import (
    EXAMPLESHIRE,
    EXPECTED_COUNTS,
    KINGSTON,
    plan_counts,
    row_counts,
    small_document,
    to_yaml,
)
from tests.wsoa.factories import LocalAreaFactory, MembershipFactory, PlanFactory, UserFactory
from wsoa.models import Plan, Role

pytestmark = pytest.mark.django_db

URL = "/plans/load/"


def upload(client, raw: bytes, name: str = "plan.yaml", **ticks):
    data = {"plan_file": SimpleUploadedFile(name, raw, content_type="application/x-yaml")}
    data.update({key: "on" for key, ticked in ticks.items() if ticked})
    return client.post(URL, data, follow=False)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def administrator_of(area_name: str):
    user = UserFactory()
    MembershipFactory(user=user, area=LocalAreaFactory(name=area_name), role=Role.ADMINISTRATOR)
    return user


def test_the_page_has_the_name_reverse_gives():
    assert reverse("plan-upload") == URL


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "role", [Role.PROGRAMME_LEAD, Role.ACTION_LEAD, Role.BOARD_MEMBER], ids=lambda r: r.value
)
def test_only_administrators_may_open_the_page(client, member_of, plan, role):
    client.force_login(member_of(plan, role))

    assert client.get(URL).status_code == 403
    assert upload(client, EXAMPLESHIRE.read_bytes()).status_code == 403
    assert not Plan.objects.exclude(pk=plan.pk).exists()


def test_administrator_sees_the_form_with_both_options(client, member_of, plan):
    client.force_login(member_of(plan, Role.ADMINISTRATOR))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.text
    assert '<h1 class="govuk-heading-xl">Load a plan</h1>' in html
    assert 'type="file" name="plan_file"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Update the existing plan" in html
    assert "Only check the file (dry run)" in html


@pytest.mark.parametrize("path", [KINGSTON, EXAMPLESHIRE], ids=["kingston", "exampleshire"])
def test_each_fixture_loads_through_the_page_and_opens_the_plan(client, superuser, path):
    client.force_login(superuser)

    response = upload(client, path.read_bytes(), name=path.name)

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plan-detail", args=[plan.pk])
    assert plan_counts(plan) == EXPECTED_COUNTS[path]
    page = client.get(response.url).text
    assert f"Loaded &quot;{plan.title}&quot;" in page
    assert f"{EXPECTED_COUNTS[path]['actions']} actions" in page


def test_administrator_loads_a_plan_for_their_own_area(client):
    client.force_login(administrator_of("Exampleshire"))

    response = upload(client, EXAMPLESHIRE.read_bytes())

    assert response.status_code == 302
    assert Plan.objects.get().area.name == "Exampleshire"


def test_administrator_of_another_area_is_refused_and_nothing_is_loaded(client):
    client.force_login(administrator_of("Kingston upon Thames"))
    before = row_counts()

    response = upload(client, EXAMPLESHIRE.read_bytes(), name="exampleshire.yaml")

    assert response.status_code == 200
    assert row_counts() == before
    assert (
        "line 15, area.name: this file is for &quot;Exampleshire&quot;, and you are not an "
        "administrator of that area"
    ) in response.text
    assert "nothing was loaded" in response.text


def test_administrator_may_not_create_a_new_area(client):
    client.force_login(administrator_of("Kingston upon Thames"))
    before = row_counts()

    response = upload(client, to_yaml(small_document()))

    assert row_counts() == before
    assert "you are not an administrator of that area" in response.text


def test_a_bad_file_lists_every_problem_links_the_summary_to_the_field_and_loads_nothing(
    client, superuser
):
    document = small_document()
    action = document["concerns"][0]["outcomes"][0]["actions"][0]
    action["leads"] = ["Director of Educaton"]
    action["progress"][0]["rating"] = "PURPLE"
    del document["plan"]["title"]
    client.force_login(superuser)
    before = row_counts()

    response = upload(client, to_yaml(document), name="broken.yaml")

    assert response.status_code == 200
    assert row_counts() == before
    html = response.text
    assert "<title>Error: Load a plan" in html
    assert 'class="govuk-error-summary"' in html
    assert (
        '<a href="#id_plan_file">broken.yaml has 3 problems, listed below; nothing was loaded</a>'
        in html
    )
    assert "3 problems found: nothing was loaded" in html
    problems = html[html.index('data-testid="problems"') :]
    assert "plan.title: is required" in problems
    assert (
        "concern 1, outcome 1.1, the 1st lead of action 1.1a: unknown post "
        "&quot;Director of Educaton"
        "&quot; (did you mean &quot;Director of Education&quot;?)"
    ) in problems
    assert (
        "concern 1, outcome 1.1, the 1st progress entry of action 1.1a, rating: unknown rating code"
        in problems
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b'{"a":', "line 1: not valid JSON: Expecting value (column 6)"),
        (b"", "plan.yaml is empty"),
        (b"\xff\xfeplan", "plan.yaml is not UTF-8 text"),
    ],
    ids=["not JSON", "empty", "not UTF-8"],
)
def test_a_file_that_is_not_a_plan_is_refused_and_nothing_is_loaded(
    client, superuser, raw, expected
):
    client.force_login(superuser)
    before = row_counts()

    response = upload(client, raw)

    assert row_counts() == before
    assert expected in response.text
    assert "nothing was loaded" in response.text


def test_a_file_over_the_size_limit_is_refused_without_reading_it(client, superuser, settings):
    settings.PLAN_UPLOAD_MAX_BYTES = 1024
    client.force_login(superuser)
    before = row_counts()

    response = upload(client, EXAMPLESHIRE.read_bytes())

    assert row_counts() == before
    assert '<a href="#id_plan_file">The file is ' in response.text
    assert "a plan file must be no larger than 1.0\xa0KB" in response.text


def test_submitting_without_a_file_asks_for_one(client, superuser):
    client.force_login(superuser)

    response = client.post(URL, {"dry_run": "on"})

    assert response.status_code == 200
    assert '<a href="#id_plan_file">Choose a plan file</a>' in response.text


def test_dry_run_shows_what_would_be_created_and_loads_nothing(client, superuser):
    client.force_login(superuser)
    PlanFactory()
    before = row_counts()

    response = upload(client, EXAMPLESHIRE.read_bytes(), dry_run=True)

    assert response.status_code == 200
    assert row_counts() == before
    html = response.text
    assert "No problems found. Nothing has been saved." in html
    assert "Exampleshire SEND Accelerated Progress Plan" in html
    for line in ("3 concerns", "6 outcomes", "12 actions", "26 milestones", "41 status updates"):
        assert f"<li>{line}</li>" in html


def test_loading_twice_is_refused_unless_update_is_ticked(client, superuser):
    client.force_login(superuser)
    upload(client, EXAMPLESHIRE.read_bytes())
    before = row_counts()

    refused = upload(client, EXAMPLESHIRE.read_bytes())

    assert row_counts() == before
    assert "is already loaded" in refused.text
    assert "tick &quot;Update the existing plan&quot;" in refused.text

    updated = upload(client, EXAMPLESHIRE.read_bytes(), update=True)

    assert updated.status_code == 302
    assert row_counts() == before
    assert "created nothing; updated nothing" in client.get(updated.url).text
