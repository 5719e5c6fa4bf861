"""Administrators can list, add and correct every object in the Django admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.actions.factories import StatusUpdateFactory
from tests.wsoa.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_every_model_has_working_list_and_add_pages(superuser_client, rf, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert superuser_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    add = superuser_client.get(reverse(f"{prefix}_add"))
    request = rf.get("/")
    request.user = UserFactory(username="probe", is_staff=True, is_superuser=True)
    # Some rows are only created through the tracker's services (numbered, append-only).
    allowed = admin.site._registry[model].has_add_permission(request)
    assert add.status_code == (200 if allowed else 403)


def test_status_updates_can_be_read_but_not_changed_or_deleted_in_admin(superuser_client):
    update = StatusUpdateFactory()
    change_url = reverse("admin:actions_statusupdate_change", args=[update.pk])
    response = superuser_client.get(change_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text  # read-only view
    delete_url = reverse("admin:actions_statusupdate_delete", args=[update.pk])
    assert superuser_client.get(delete_url).status_code == 403
