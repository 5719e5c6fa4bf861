"""The health check: the database and the background worker, readable without signing in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_that_tasks_run_at_once(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["worker"].startswith("not needed: tasks run at once")


def test_health_says_when_the_database_worker_is_behind(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get(reverse("health")).json()["worker"] == "ok: nothing waiting"
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="governance.tasks.render_pack_pdf",
        backend_name="default",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    worker = client.get(reverse("health")).json()["worker"]
    assert worker.startswith("behind: a task has waited") and "db_worker" in worker


def test_health_is_a_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import DatabaseError

    from wsoa import health

    def refuse():
        raise DatabaseError("down")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("unavailable")
