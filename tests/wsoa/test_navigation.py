"""The service navigation marks the section of the page shown; the footer links to the
accessibility statement, which anyone can read."""

import pytest
from django.urls import reverse

from tests.wsoa.factories import UserFactory

pytestmark = pytest.mark.django_db


def current_items(html: str) -> list[str]:
    import re

    return re.findall(
        r'govuk-service-navigation__item--active"><a[^>]*aria-current="true"><strong '
        r'class="govuk-service-navigation__active-fallback">([^<]+)</strong>',
        html,
    )


@pytest.mark.parametrize(
    ("url_name", "section"),
    [
        ("home", "Plans"),
        ("my-actions", "My actions"),
        ("board-list", "Boards"),
        ("kpi-index", "KPIs"),
    ],
)
def test_the_current_section_is_marked_in_the_navigation(client, url_name, section):
    client.force_login(UserFactory())
    html = client.get(reverse(url_name)).text
    assert current_items(html) == [section]


def test_a_plans_kpi_pages_belong_to_kpis_not_plans(client, plan, member_of):
    client.force_login(member_of(plan))
    assert current_items(client.get(reverse("kpi-dataset", args=[plan.pk])).text) == ["KPIs"]
    assert current_items(client.get(reverse("plan-detail", args=[plan.pk])).text) == ["Plans"]


def test_the_accessibility_statement_is_linked_from_every_page_and_public(client):
    page = client.get(reverse("login"))
    assert f'href="{reverse("accessibility")}"' in page.text
    statement = client.get(reverse("accessibility"))
    assert statement.status_code == 200
    assert "WCAG" in statement.text and "Accessibility statement" in statement.text
