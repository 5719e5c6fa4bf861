"""`/health/`: is this app server able to serve? For a load balancer and for people.

Reports the database (a trivial query) and the background worker: with the database task
backend, the oldest task still waiting; if it has waited longer than
TASKS_HEALTHY_WAIT_SECONDS the worker is not keeping up. 200 when the database answers,
503 when it does not; the worker's state is reported, not failed on, so a slow queue does not
take every app server out of the pool.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unavailable: {exc.__class__.__name__}"
    return "ok"


def _worker() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return "not needed: tasks run at once (" + backend.rsplit(".", 1)[-1] + ")"
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - only with that backend

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    except DatabaseError:
        return "unknown: the database is unavailable"
    if oldest is None:
        return "ok: nothing waiting"
    waited = (timezone.now() - oldest.enqueued_at).total_seconds()
    if waited > settings.TASKS_HEALTHY_WAIT_SECONDS:
        return f"behind: a task has waited {int(waited)} seconds (is `db_worker` running?)"
    return f"ok: oldest task waiting {int(waited)} seconds"


@login_not_required
@never_cache
@require_safe
def health(request):
    database = _database()
    body = {"database": database, "worker": _worker() if database == "ok" else "unknown"}
    return JsonResponse(body, status=200 if database == "ok" else 503)
