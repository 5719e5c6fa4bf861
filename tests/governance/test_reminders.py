"""python manage.py send_update_reminders: one email per person, never the same reminder
twice, nothing about completed actions (Django's locmem email backend)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.status import UpdateKind
from governance.models import UpdateReminder
from governance.services import update_reminders_send
from tests.actions.factories import ActionFactory
from tests.governance.factories import BoardFactory, MeetingFactory, rate
from tests.wsoa.factories import ConcernFactory, PlanFactory, PostFactory, UserFactory, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(db):
    now = timezone.now()
    plan = PlanFactory(area__name="Kingston upon Thames")
    concern = ConcernFactory(plan=plan, number=1)
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])
    last = MeetingFactory(board=board, starts_at=now - datetime.timedelta(days=60), held=True)
    upcoming = MeetingFactory(board=board, starts_at=now + datetime.timedelta(days=5))
    dco = PostFactory(
        area=plan.area,
        title="Designated Clinical Officer",
        holder=UserFactory(first_name="Alison", last_name="Stewart", email="dco@example.org"),
    )
    sen = PostFactory(area=plan.area, title="Head of SEN Service", email="sen.team@example.org")

    def action(ref, *leads):
        return ActionFactory(plan=plan, concern=concern, outcome=None, ref=ref, leads=list(leads))

    stale_1 = action("1.1a", dco)
    rate(stale_1, level(plan, "AMBER"), last.local_date - datetime.timedelta(days=10))
    stale_2 = action("1.1b", dco, sen)  # never updated
    fresh = action("1.2a", dco)
    rate(fresh, level(plan, "LIGHT GREEN"), last.local_date + datetime.timedelta(days=3))
    done = action("1.3a", sen)
    rate(done, level(plan, "COMPLETED"), last.local_date - datetime.timedelta(days=30))
    rate(
        done,
        level(plan, "COMPLETED"),
        last.local_date - datetime.timedelta(days=20),
        kind=UpdateKind.COMPLETION_SIGNED_OFF,
    )
    return locals()


def send(**kwargs):
    return update_reminders_send(lead_days=7, base_url="https://wsoa.example.org", **kwargs)


def test_one_email_per_person_listing_their_stale_actions_with_links(setting):
    run = send()

    assert run.emails_sent == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"dco@example.org", "sen.team@example.org"}
    dco = by_recipient["dco@example.org"]
    assert "Please update 2 actions before the SEND Partnership Board" in dco.subject
    assert "Dear Alison Stewart" in dco.body
    plan_pk = setting["plan"].pk
    for action in (setting["stale_1"], setting["stale_2"]):
        assert f"https://wsoa.example.org/plans/{plan_pk}/actions/{action.pk}/" in dco.body
    assert "1.2a" not in dco.body  # updated since the last meeting
    sen = by_recipient["sen.team@example.org"]
    assert "1.1b" in sen.body
    assert "1.3a" not in sen.body  # completed


def test_the_same_reminder_is_never_sent_twice(setting):
    send()
    assert len(mail.outbox) == 2
    assert UpdateReminder.objects.count() == 3  # (1.1a, dco), (1.1b, dco), (1.1b, sen)

    send()
    assert len(mail.outbox) == 2

    new = ActionFactory(
        plan=setting["plan"],
        concern=setting["concern"],
        outcome=None,
        ref="1.4a",
        leads=[setting["dco"]],
    )
    send()
    assert len(mail.outbox) == 3
    assert "1.4a" in mail.outbox[-1].body and "1.1a" not in mail.outbox[-1].body
    assert UpdateReminder.objects.filter(action=new).count() == 1


def test_meetings_beyond_the_lead_time_get_no_reminders(setting):
    run = update_reminders_send(lead_days=3, base_url="https://wsoa.example.org")
    assert run.emails_sent == 0
    assert mail.outbox == []


def test_dry_run_sends_and_records_nothing(setting):
    run = send(dry_run=True)
    assert run.emails_sent == 2
    assert mail.outbox == []
    assert not UpdateReminder.objects.exists()


def test_command_takes_a_lead_time_and_reports(setting, capsys):
    call_command("send_update_reminders", "--days", "7", "--base-url", "https://x.example")
    out = capsys.readouterr().out
    assert "Sent 2 email(s) about 3 action(s) for 1 meeting(s) in the next 7 day(s)." in out
    assert "https://x.example/plans/" in mail.outbox[0].body
    call_command("send_update_reminders", "--days", "7")
    assert len(mail.outbox) == 2


def test_a_failed_send_is_not_recorded_and_is_tried_again(setting, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("governance.services.reminders.send_mail", fail)
    with pytest.raises(ConnectionRefusedError):
        send()
    assert not UpdateReminder.objects.exists()

    monkeypatch.undo()
    assert send().emails_sent == 2
