"""The home page lists a national viewer's plans a page at a time, searchable."""

import pytest
from django.urls import reverse

from tests.wsoa.factories import PlanFactory, UserFactory
from wsoa.views import PLANS_PER_PAGE

pytestmark = pytest.mark.django_db


def test_every_areas_plans_are_listed_a_page_at_a_time_and_can_be_searched(client):
    for number in range(PLANS_PER_PAGE + 5):
        PlanFactory(area__name=f"Area {number:03d}", title="SEND WSOA")
    client.force_login(UserFactory(is_national_viewer=True))
    first = client.get(reverse("home"))
    assert len(first.context["plans"]) == PLANS_PER_PAGE
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("home"), {"page": 2})
    assert len(second.context["plans"]) == 5
    found = client.get(reverse("home"), {"q": "area 017"})
    assert [plan.area.name for plan in found.context["plans"]] == ["Area 017"]
    assert "No plan matches" in client.get(reverse("home"), {"q": "nowhere"}).text
