"""Two people save the same stale Record-progress form at the same moment (PostgreSQL only).

Both opened the form when the same update was the last one recorded (the same
`seen_update_id`). One saves a back-dated update (effective before the current rating's
date, so it does not become the current rating); the other a normal one. The row lock in
`action_record_progress` serialises the two saves and the lost-update check compares by the
order updates were *recorded*, not their dates: exactly one is saved and the other is refused
with StaleUpdateError, whichever gets there first.

SQLite locks the whole database on write, so the race can only be shown on PostgreSQL:
    DATABASE_URL=postgres://wsoa:wsoa@127.0.0.1:5432/wsoa .venv/bin/python -m pytest -q \
        -p no:cacheprovider tests/actions/test_concurrency_postgres.py
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.services import StaleUpdateError, action_record_progress
from tests.actions.factories import ActionFactory
from tests.governance.factories import at, rate
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    level,
)
from wsoa.models import Role, User

ROUNDS = 10


def _save_in_thread(*, barrier, results, name, user_pk, action_pk, level_pk, effective_on, seen):
    try:
        user = User.objects.get(pk=user_pk)
        action = Action.objects.select_related("plan__rating_scheme").get(pk=action_pk)
        chosen = action.plan.rating_scheme.levels.get(pk=level_pk)
        barrier.wait()  # both call the service at once
        try:
            update = action_record_progress(
                user=user,
                action=action,
                level=chosen,
                narrative=f"Saved by {name}",
                effective_on=effective_on,
                seen_update_id=seen,
            )
        except StaleUpdateError as error:
            results[name] = ("stale", [u.pk for u in error.newer])
        else:
            results[name] = ("saved", update.pk)
    except Exception as error:  # noqa: BLE001 - reported by the test, not lost in the thread
        results[name] = ("error", repr(error))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_stale_form_at_once_one_wins_one_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks; SQLite serialises every write anyway")

    today = timezone.localdate()
    plan = PlanFactory(area__name="Kingston upon Thames")
    concern = ConcernFactory(plan=plan, number=1)
    user = UserFactory(username="pl")
    MembershipFactory(user=user, area=plan.area, role=Role.PROGRAMME_LEAD)
    amber, light = level(plan, "AMBER"), level(plan, "LIGHT GREEN")

    for round_number in range(ROUNDS):
        action = ActionFactory(plan=plan, concern=concern, outcome=None, ref=f"1.{round_number}a")
        current_on = today - datetime.timedelta(days=5)
        current = rate(action, light, current_on, recorded_at=at(current_on, 12))
        back_dated_on = today - datetime.timedelta(days=20)  # before the current rating's date
        assert back_dated_on < current.effective_on

        barrier = threading.Barrier(2, timeout=30)
        results: dict[str, tuple] = {}
        threads = [
            threading.Thread(
                target=_save_in_thread,
                kwargs={
                    "barrier": barrier,
                    "results": results,
                    "name": name,
                    "user_pk": user.pk,
                    "action_pk": action.pk,
                    "level_pk": chosen.pk,
                    "effective_on": effective_on,
                    "seen": current.pk,  # both forms were opened on the same last update
                },
            )
            for name, chosen, effective_on in (
                ("back-dated", amber, back_dated_on),
                ("today", light, today),
            )
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), f"round {round_number}: a save never finished"

        outcomes = sorted(outcome for outcome, _ in results.values())
        assert outcomes == ["saved", "stale"], f"round {round_number}: {results}"
        (winner,) = [name for name, (outcome, _) in results.items() if outcome == "saved"]
        (loser,) = [name for name, (outcome, _) in results.items() if outcome == "stale"]
        saved_pk = results[winner][1]
        # The refusal names the update that got in first, and nothing else was written.
        assert results[loser][1] == [saved_pk], f"round {round_number}: {results}"
        assert set(StatusUpdate.objects.filter(action=action).values_list("pk", flat=True)) == {
            current.pk,
            saved_pk,
        }
