"""The Django admin cannot move a due date or write a rating around the history."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, DueDateChange
from tests.actions.factories import ActionFactory, StatusUpdateFactory
from tests.wsoa.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_actions_due_date_is_read_only_in_the_admin(superuser_client):
    action = ActionFactory(due_date=datetime.date(2022, 3, 31))
    url = reverse("admin:actions_action_change", args=[action.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert 'name="due_date"' not in page.text  # shown, not editable

    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "due_date": "2030-01-01",
            "leads": [],
            "boards": [],
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        }
    )
    superuser_client.post(url, data)

    action = Action.objects.get(pk=action.pk)
    assert action.due_date == datetime.date(2022, 3, 31)
    assert not DueDateChange.objects.exists()


def test_status_updates_and_due_date_changes_cannot_be_added_in_the_admin(superuser_client):
    StatusUpdateFactory()
    assert superuser_client.get(reverse("admin:actions_statusupdate_add")).status_code == 403
    assert superuser_client.get(reverse("admin:actions_duedatechange_add")).status_code == 403
