"""Benchmark the meeting dashboard: 1,000 actions with 50,000 status updates.

    .venv/bin/python scripts/bench_dashboard.py                    # SQLite, a temporary file
    DATABASE_URL=postgres://wsoa:wsoa@127.0.0.1:5432/wsoa_bench \\
        .venv/bin/python scripts/bench_dashboard.py                 # PostgreSQL

Migrates the database, builds one board overseeing N actions (each with its share of the
status updates spread over three years, two milestones, a lead post, some due-date changes),
twenty meetings and their action log, then times:
- the dashboard data (`governance.dashboard.meeting_dashboard`) for the meeting of 22 March
  2022 (a past meeting: as at its date, compared with the previous meeting);
- the whole dashboard page (`GET /meetings/<pk>/dashboard/`, template included);
- issuing a board pack, and rendering its PDF (once each).
The target is under 200 ms for the page on PostgreSQL; see docs/performance.md. Not a test:
figures depend on the machine. On PostgreSQL the data it builds goes into the database named
by DATABASE_URL (use a throwaway one); its "Benchmarkshire" area is replaced on each run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    tmp = None
    if "DATABASE_URL" not in os.environ:
        tmp = tempfile.TemporaryDirectory(prefix="wsoa-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsoa.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    version = connection.cursor().connection.server_version if vendor == "postgresql" else ""
    print(f"Database: {vendor} {version}".rstrip())

    started = time.perf_counter()
    meeting, user = build(args.actions, args.updates, args.meetings)
    print(
        f"Built {args.actions} actions, {args.updates} status updates, "
        f"{args.meetings} meetings in {time.perf_counter() - started:.1f} s"
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    measure(meeting, user, runs=args.runs)
    if tmp:
        tmp.cleanup()


def build(n_actions: int, n_updates: int, n_meetings: int):
    from django.db import transaction
    from django.utils import timezone

    from actions.models import Action, DueDateChange, Milestone, StatusUpdate
    from actions.status import UpdateKind
    from governance.models import Meeting, MeetingAction, MeetingStatus
    from wsoa.models import (
        Board,
        Concern,
        LocalArea,
        Membership,
        Plan,
        Post,
        RatingLevel,
        RatingScheme,
        Role,
        User,
    )

    rng = random.Random(2022)

    def at(day: datetime.date, hour=14) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    with transaction.atomic():
        old = LocalArea.objects.filter(name="Benchmarkshire").first()
        if old:
            from governance.models import BoardPack

            BoardPack.objects.filter(meeting__board__area=old)._raw_delete(BoardPack.objects.db)
            MeetingAction.objects.filter(board__area=old).delete()
            Meeting.objects.filter(board__area=old).delete()
            StatusUpdate.objects.filter(action__plan__area=old)._raw_delete(StatusUpdate.objects.db)
            Plan.objects.filter(area=old).delete()
            scheme_ids = list(RatingScheme.objects.filter(area=old).values_list("pk", flat=True))
            old.delete()
            RatingScheme.objects.filter(pk__in=scheme_ids).delete()

        area = LocalArea.objects.create(name="Benchmarkshire")
        scheme = RatingScheme.objects.create(name="Benchmark RAG", area=area)
        spec = [
            ("RED", "Red", "#d4351c", False, True),
            ("AMBER", "Amber", "#f47738", False, True),
            ("LIGHT GREEN", "Light green", "#85994b", False, False),
            ("DARK GREEN", "Dark green", "#00703c", False, False),
            ("COMPLETED", "Completed", "#1d70b8", True, False),
        ]
        levels = [
            RatingLevel.objects.create(
                scheme=scheme,
                rank=rank,
                code=code,
                label=label,
                colour=colour,
                is_complete=done,
                needs_attention=attention,
            )
            for rank, (code, label, colour, done, attention) in enumerate(spec, start=1)
        ]
        plan = Plan.objects.create(
            area=area, title="Benchmark WSOA", status="published", rating_scheme=scheme
        )
        concerns = [
            Concern.objects.create(plan=plan, number=i, title=f"Concern {i}") for i in range(1, 5)
        ]
        board = Board.objects.create(area=area, name="SEND Partnership Board")
        board.concerns.set(concerns)
        posts = [Post.objects.create(area=area, title=f"Lead post {i}") for i in range(20)]
        user, _ = User.objects.get_or_create(username="bench.lead")
        Membership.objects.create(user=user, area=area, role=Role.PROGRAMME_LEAD)

        first_day = datetime.date(2019, 4, 1)
        span = (datetime.date(2022, 6, 30) - first_day).days
        actions = Action.objects.bulk_create(
            Action(
                plan=plan,
                concern=concerns[i % 4],
                position=i,
                ref=f"{i % 4 + 1}.{i}a",
                description=f"Benchmark action {i}: improve the quality of EHC plans.",
                due_date=first_day + datetime.timedelta(days=rng.randrange(span)),
                original_due_date=first_day + datetime.timedelta(days=rng.randrange(span)),
            )
            for i in range(n_actions)
        )
        Action.leads.through.objects.bulk_create(
            Action.leads.through(action_id=a.pk, post_id=posts[i % 20].pk)
            for i, a in enumerate(actions)
        )
        updates = []
        for i in range(n_updates):
            action = actions[i % n_actions]
            day = first_day + datetime.timedelta(days=rng.randrange(span))
            updates.append(
                StatusUpdate(
                    action=action,
                    level=rng.choice(levels),
                    kind=UpdateKind.PROGRESS,
                    narrative="Progress as reported to the board. " * 3,
                    effective_on=day,
                    recorded_at=at(day, 9),
                )
            )
        StatusUpdate.objects.bulk_create(updates, batch_size=5000)
        milestones = Milestone.objects.bulk_create(
            Milestone(
                action=a,
                position=j,
                description=f"Milestone {j} of {a.ref}",
                due_date=first_day + datetime.timedelta(days=rng.randrange(span)),
                completed_on=(
                    first_day + datetime.timedelta(days=rng.randrange(span))
                    if rng.random() < 0.5
                    else None
                ),
            )
            for a in actions
            for j in range(2)
        )
        DueDateChange.objects.bulk_create(
            DueDateChange(
                action=a,
                from_date=a.original_due_date,
                to_date=a.due_date,
                reason="Re-phased",
                changed_by=user,
                changed_at=at(first_day + datetime.timedelta(days=rng.randrange(span))),
            )
            for a in actions[::2]
        )
        meetings = [
            Meeting.objects.create(
                board=board,
                starts_at=at(datetime.date(2022, 3, 22) - datetime.timedelta(days=91 * k)),
                status=MeetingStatus.HELD,
            )
            for k in range(n_meetings)
        ]
        number = 0
        for meeting in meetings:
            for _ in range(2):
                number += 1
                MeetingAction.objects.create(
                    board=board,
                    number=number,
                    raised_at=meeting,
                    description=f"Meeting action {number}",
                    owner="AC",
                    due_date=meeting.local_date + datetime.timedelta(days=60),
                )
        assert len(milestones) == 2 * n_actions
    return meetings[0], user


def measure(meeting, user, *, runs: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from governance.dashboard import meeting_dashboard
    from governance.models import Meeting
    from governance.packs import render_pdf
    from governance.services import board_pack_issue

    meeting = Meeting.objects.select_related("board", "board__area").get(pk=meeting.pk)

    def timed(fn) -> list[float]:
        fn()  # warm up caches and the connection
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def report(label: str, times: list[float]) -> None:
        print(
            f"{label:<44} median {statistics.median(times):7.1f} ms   "
            f"min {min(times):7.1f}   max {max(times):7.1f}   ({len(times)} runs)"
        )

    with CaptureQueriesContext(connection) as queries:
        dash = meeting_dashboard(meeting)
    counted = sum(p["total"] for p in dash["plans"])
    print(
        f"Dashboard as at {dash['as_at']}: {counted} actions, "
        f"{len(dash['attention']['red_amber'])} red/amber, "
        f"{len(dash['attention']['overdue_actions'])} overdue; {len(queries)} queries"
    )
    report("meeting_dashboard() (data only)", timed(lambda: meeting_dashboard(meeting)))

    client = Client()
    client.force_login(user)
    url = reverse("meeting-dashboard", args=[meeting.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    print(f"Dashboard page: {len(response.content) // 1024} KB, {len(queries)} queries")
    report("GET dashboard page (data + template)", timed(lambda: client.get(url)))
    full = f"{url}?show=all"
    print(f"Dashboard page with every row (?show=all): {len(client.get(full).content) // 1024} KB")
    report("GET dashboard page ?show=all", timed(lambda: client.get(full)))
    reset_queries()

    started = time.perf_counter()
    pack = board_pack_issue(user=user, meeting=meeting)
    print(f"{'Issue a board pack':<44} {(time.perf_counter() - started) * 1000:7.1f} ms")
    started = time.perf_counter()
    pdf = render_pdf(pack, base_url="http://127.0.0.1/")
    print(
        f"{'Render its PDF (WeasyPrint)':<44} {(time.perf_counter() - started) * 1000:7.1f} ms"
        f"   ({len(pdf) // 1024} KB)"
    )


if __name__ == "__main__":
    main()
