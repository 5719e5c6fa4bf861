"""Emailing action leads reminders to update their actions before a meeting."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions import status as action_status
from actions.models import Action
from actions.selectors import with_rating_shown
from governance.dashboard import board_actions
from governance.meetings import last_meeting_before
from governance.models import Meeting, UpdateReminder
from wsoa.models import Board

# --- Update reminders --------------------------------------------------------------------


@dataclass
class ReminderRun:
    emails_sent: int = 0
    reminders_recorded: int = 0
    meetings: list[Meeting] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


def update_reminders_send(
    *,
    user=None,
    lead_days: int,
    base_url: str,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> ReminderRun:
    """Before each meeting starting within `lead_days`, email the leads of every action the
    board oversees that has had no update since the board's last meeting: one email per
    person, listing their actions with links. A reminder already sent (same meeting, action,
    person) is never sent again; completed actions are left out.

    Not one transaction for the whole run, on purpose: each email is its own transaction
    (record the reminders, then send; a failed send rolls its records back), so an email that
    went out is always recorded and one that failed is tried again on the next run."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    run = ReminderRun()
    meetings = (
        Meeting.objects.upcoming(now=now)
        .filter(starts_at__lte=now + datetime.timedelta(days=lead_days), board__is_active=True)
        .select_related("board")
        .order_by("starts_at")
    )
    for meeting in meetings:
        run.meetings.append(meeting)
        previous = last_meeting_before(meeting.board, today)
        since = previous.local_date if previous else None
        due = _actions_needing_update(meeting.board, today=today, previous=previous)
        already = set(
            UpdateReminder.objects.filter(meeting=meeting).values_list(
                "action_id", "recipient_email"
            )
        )
        by_person: dict[str, dict] = defaultdict(lambda: {"name": "", "actions": []})
        for action in due:
            for email, name in _lead_contacts(action):
                if (action.pk, email) in already:
                    continue
                by_person[email]["name"] = by_person[email]["name"] or name
                by_person[email]["actions"].append(action)
        for email, entry in sorted(by_person.items()):
            if not dry_run:
                with transaction.atomic():
                    # The unique constraint stops a second, concurrent run here.
                    UpdateReminder.objects.bulk_create(
                        UpdateReminder(
                            meeting=meeting,
                            action=action,
                            recipient_email=email,
                            recipient_name=entry["name"],
                            sent_at=now,
                        )
                        for action in entry["actions"]
                    )
                    _send_reminder(
                        meeting=meeting,
                        email=email,
                        name=entry["name"],
                        actions=entry["actions"],
                        since=since,
                        base_url=base_url,
                    )
            run.emails_sent += 1
            run.reminders_recorded += len(entry["actions"])
            run.recipients.append(email)
    return run


def _actions_needing_update(board: Board, *, today: datetime.date, previous: Meeting | None):
    """The board's actions that are stale as at today (actions.status.is_stale): no update
    recorded since `previous` (the board's last meeting before today) began."""
    if previous is None:
        return []
    actions = (
        with_rating_shown(
            board_actions(board).with_status(on=today, fields=["level_id", "kind"]),
            on=today,
            prefix="now",
        )
        .with_last_recorded()
        .select_related("plan", "plan__rating_scheme")
        .prefetch_related("leads", "leads__holder", "plan__rating_scheme__levels")
        .order_by("plan_id", "concern__number", "position", "pk")
    )
    result = []
    for action in actions:
        levels = {level.pk: level for level in action.plan.rating_scheme.levels.all()}
        action.current_level, kind, action.is_derived = action_status.rating_shown_from(
            levels,
            level_id=action.now_level_id,
            kind=action.now_kind,
            derived_level_id=action.now_derived_level_id,
        )
        if action_status.is_stale(
            last_recorded_at=action.last_update_at,
            board_met_at=previous.starts_at,
            level=action.current_level,
            kind=kind,
        ):
            result.append(action)
    return result


def _lead_contacts(action: Action) -> list[tuple[str, str]]:
    """(email, name) for each lead post: its holder's account, else the post's own address."""
    contacts = []
    for post in action.leads.all():
        if post.holder_id and post.holder.email and post.holder.is_active:
            contacts.append((post.holder.email.lower(), str(post.holder)))
        elif post.email:
            contacts.append((post.email.lower(), post.holder_name or post.title))
    return list(dict.fromkeys(contacts))


def _send_reminder(*, meeting, email, name, actions, since, base_url) -> None:
    base = base_url.rstrip("/")
    context = {
        "meeting": meeting,
        "name": name,
        "since": since,
        "actions": [
            (
                action,
                base
                + reverse(
                    "action-detail", kwargs={"plan_pk": action.plan_id, "action_pk": action.pk}
                ),
            )
            for action in actions
        ],
        "service_name": settings.SERVICE_NAME,
    }
    subject = (
        f"Please update {len(actions)} action{'s' if len(actions) != 1 else ''} before the "
        f"{meeting.board} on {meeting.local_date:%-d %B %Y}"
    )
    send_mail(
        subject,
        render_to_string("governance/email/update_reminder.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
