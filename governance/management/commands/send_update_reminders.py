"""python manage.py send_update_reminders: for cron, e.g. daily at 07:00.

Before each board meeting starting within the lead time, emails the lead(s) of every action
the board oversees that has had no update since the board's last meeting: one email per
person, listing their actions with links. A reminder is never sent twice for the same
meeting, action and person; completed actions are left out.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from governance.services import update_reminders_send


class Command(BaseCommand):
    help = "Email action leads whose actions need an update before a board meeting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=getattr(settings, "GOVERNANCE_REMINDER_LEAD_DAYS", 7),
            help="Remind about meetings starting within this many days (default: the "
            "GOVERNANCE_REMINDER_LEAD_DAYS setting, else 7).",
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", "http://127.0.0.1:8000"),
            help="The address of the tracker, for the links in the emails (default: the "
            "SITE_URL setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args, days: int, base_url: str, dry_run: bool, **options):
        run = update_reminders_send(lead_days=days, base_url=base_url, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {run.emails_sent} email(s) about {run.reminders_recorded} action(s) for "
            f"{len(run.meetings)} meeting(s) in the next {days} day(s)."
        )
        for email in run.recipients:
            self.stdout.write(f"  {email}")
