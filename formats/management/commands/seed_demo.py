"""python manage.py seed_demo: load the demo plans and create one demo account per role.

For a developer's machine only: the accounts have known passwords.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from formats.plans.services import plan_load
from governance.models import Meeting
from wsoa.models import Board, LocalArea, Membership, Plan, Post, Role, User

FIXTURES = [
    Path(settings.BASE_DIR) / "fixtures" / "kingston-2019-wsoa.yaml",
    Path(settings.BASE_DIR) / "fixtures" / "exampleshire-2023-app.yaml",
]
DEMO_AREA = "Kingston upon Thames"
DEMO_PASSWORD = "demo-password-2026"
# username, role in Kingston, first name, last name, the post they hold (action lead only)
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "Ada", "Administrator", None),
    ("programme.lead", Role.PROGRAMME_LEAD, "Priya", "Lead", None),
    ("action.lead", Role.ACTION_LEAD, "Alex", "Officer", "Designated Clinical Officer"),
    ("board.member", Role.BOARD_MEMBER, "Bola", "Member", None),
]


class Command(BaseCommand):
    help = "Load the demo plans and create demo accounts (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with known passwords: DEBUG must be on.")
        for path in FIXTURES:
            if not path.exists():
                continue
            try:
                result = plan_load(user=None, raw=path.read_bytes(), name=path.name)
                self.stdout.write(f"Loaded {path.name}: {result.report.summary()}.")
            except Exception as exc:  # noqa: BLE001 - an already-loaded plan is fine here
                if "already loaded" in str(exc):
                    self.stdout.write(f"{path.name} is already loaded.")
                else:
                    raise CommandError(f"{path.name}: {exc}") from exc
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        call_command("load_kpis", str(fixtures / "kingston-kpis.yaml"), stdout=self.stdout)
        call_command(
            "load_meeting",
            str(fixtures / "kingston-2022-03-board-meeting.yaml"),
            stdout=self.stdout,
        )
        with transaction.atomic():
            self._create_users()
            self._schedule_next_meeting()
        self._print_accounts()

    def _create_users(self):
        area = LocalArea.objects.get(name=DEMO_AREA)
        for username, role, first, last, post_title in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.save()
            Membership.objects.update_or_create(user=user, area=area, defaults={"role": role})
            if post_title:
                Post.objects.filter(area=area, title=post_title).update(holder=user)
        viewer, _ = User.objects.get_or_create(
            username="national.viewer",
            defaults={"first_name": "Nadia", "last_name": "Adviser", "is_national_viewer": True},
        )
        viewer.set_password(DEMO_PASSWORD)
        viewer.save()

    def _schedule_next_meeting(self):
        """Every real Kingston meeting is in the past: add one upcoming (demo only) so the
        "next meeting" dashboard has something to show."""
        board = Board.objects.get(area__name=DEMO_AREA, name="SEND Partnership Board")
        now = timezone.now()
        if not board.meetings.filter(starts_at__gte=now).exists():
            day = timezone.localdate() + datetime.timedelta(days=14)
            starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
            Meeting.objects.create(
                board=board,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                location="Virtual",
                is_virtual=True,
                notes="Demo meeting added by seed_demo: not a real Kingston meeting.",
            )

    def _print_accounts(self):
        plans = ", ".join(str(p) for p in Plan.objects.filter(area__name=DEMO_AREA))
        rows = [
            ("admin", "administrator: everything, and the Django admin at /admin/"),
            ("programme.lead", "programme lead: every action of Kingston's plans"),
            ("action.lead", "action lead: holds the Designated Clinical Officer post"),
            ("board.member", "board member: reads Kingston's plans"),
            ("national.viewer", "national read-only viewer: reads every area's plans"),
        ]
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (password for all: " + DEMO_PASSWORD + ")")
        )
        for username, what in rows:
            self.stdout.write(f"  {username:<16} {what}")
        self.stdout.write(f"  Kingston plans: {plans}")
