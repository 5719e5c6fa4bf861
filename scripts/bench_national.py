"""Benchmark every key page against a national-scale database (`generate_national_data`).

    .venv/bin/python scripts/bench_national.py \\
        --db postgres://wsoa:wsoa@127.0.0.1:5432/wsoa_n150 \\
        --small-db postgres://wsoa:wsoa@127.0.0.1:5432/wsoa_n10 --runs 30
    .venv/bin/python scripts/bench_national.py --db ... --load      # also the locust run

A script, not a test (figures depend on the machine; see docs/performance.md).

- **Query counts** are measured by replaying each request in-process (Django's test client
  with `CaptureQueriesContext`, the second of two identical requests, so one-off work is not
  counted) against each database given (`--db` and `--small-db`), for area 1 ("a001.*"
  users), which the generator makes identical at every size for the same seed: the same
  area's pages with 9 or 149 other areas beside it. The plan export has no URL, so
  `formats.plans.export.plan_export_text` is timed and counted in-process.
- **Times** come from the app under gunicorn (2 sync workers, 127.0.0.1 only, settings
  `wsoa.settings.dev` with DEBUG off), requested over loopback one at a time by signed-in
  sessions (sign-in through the real form): p50 and p95 over `--runs` requests each, after
  two warm-up requests. The trivial view is Django's password-change-done page
  (`/account/password/changed/`): signed in, one template, no domain queries.
- `--load` then runs `scripts/locustfile.py` headless (50 users, 2 minutes, from
  /tmp/locust-venv) and checks in the database that every progress update locust posted
  (each carries a unique token in its narrative) is stored exactly once.

Loopback only; every loop is bounded. POSTs write rows (a progress update per request, a
board pack version per issue): use a throwaway database.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
LOCUST = "/tmp/locust-venv/bin/locust"

AREA_USER = "a001.pl1"
ACTION_LEAD = "a001.al1"
NATIONAL = "national.viewer1"
HTML, DOWNLOAD, POST = "HTML", "download", "POST"


def django_env(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db,
        DJANGO_SETTINGS_MODULE="wsoa.settings.dev",
        DEBUG="false",
        SECRET_KEY="bench-national-not-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        AXES_ENABLED="false",
    )
    return env


def setup_django(db: str) -> None:
    os.environ.update(django_env(db))
    import django

    django.setup()


# --- What to request ----------------------------------------------------------------------


def targets() -> dict:
    """The ids the pages need, read from the database (area 1's plan, a board, a meeting…)."""
    from actions.models import Action
    from governance.models import BoardPack, Meeting
    from kpis.models import Kpi
    from wsoa.models import Board, Plan, Post, User

    user = User.objects.get(username=AREA_USER)
    lead = User.objects.get(username=ACTION_LEAD)
    plan = Plan.objects.get(area__memberships__user=user)
    board = Board.objects.filter(area=plan.area).order_by("pk").first()
    meeting = Meeting.objects.filter(board=board, status="held").order_by("-starts_at").first()
    led = Post.objects.filter(holder=lead).values("pk")
    action = Action.objects.filter(plan=plan, leads__in=led).order_by("pk").first()
    pack = BoardPack.objects.filter(meeting=meeting).order_by("-version").first()
    kpi = Kpi.objects.filter(plan=plan).order_by("position").first()
    return {
        "plan": plan.pk,
        "area": plan.area_id,
        "board": board.pk,
        "meeting": meeting.pk,
        "as_at": (meeting.local_date - datetime.timedelta(days=180)).isoformat(),
        "action": action.pk,
        "pack_version": pack.version if pack else 1,
        "kpi": kpi.pk,
        "concern": action.concern_id,
    }


def pages(t: dict) -> list[tuple[str, str, str, str, str]]:
    """(label, user, method, path, kind)."""
    p, a, m = t["plan"], t["action"], t["meeting"]
    return [
        ("Trivial view (password changed)", AREA_USER, "GET", "/account/password/changed/", HTML),
        ("Home (area user)", AREA_USER, "GET", "/", HTML),
        ("Home (national viewer)", NATIONAL, "GET", "/", HTML),
        ("Boards (area user)", AREA_USER, "GET", "/boards/", HTML),
        ("Boards (national viewer)", NATIONAL, "GET", "/boards/", HTML),
        ("Plan page", AREA_USER, "GET", f"/plans/{p}/", HTML),
        ("Register, unfiltered", AREA_USER, "GET", f"/plans/{p}/actions/", HTML),
        (
            "Register, filtered (concern, overdue)",
            AREA_USER,
            "GET",
            f"/plans/{p}/actions/?concern={t['concern']}&overdue=true",
            HTML,
        ),
        ("Register CSV", AREA_USER, "GET", f"/plans/{p}/actions/?_export=csv", DOWNLOAD),
        ("Register XLSX", AREA_USER, "GET", f"/plans/{p}/actions/?_export=xlsx", DOWNLOAD),
        ("Action page", AREA_USER, "GET", f"/plans/{p}/actions/{a}/", HTML),
        ("Record progress (form)", ACTION_LEAD, "GET", f"/plans/{p}/actions/{a}/progress/", HTML),
        ("Record progress (POST)", ACTION_LEAD, "POST", f"/plans/{p}/actions/{a}/progress/", POST),
        ("My actions (action lead)", ACTION_LEAD, "GET", "/my-actions/", HTML),
        ("Meeting dashboard", AREA_USER, "GET", f"/meetings/{m}/dashboard/", HTML),
        (
            "Dashboard as at a date",
            AREA_USER,
            "GET",
            f"/meetings/{m}/dashboard/?as_at={t['as_at']}",
            HTML,
        ),
        ("Issue board pack (POST)", AREA_USER, "POST", f"/meetings/{m}/packs/issue/", POST),
        (
            "Board pack PDF",
            AREA_USER,
            "GET",
            f"/meetings/{m}/packs/{t['pack_version']}/pdf/",
            DOWNLOAD,
        ),
        ("KPI dataset", AREA_USER, "GET", f"/plans/{p}/kpis/", HTML),
        ("KPI page", AREA_USER, "GET", f"/plans/{p}/kpis/{t['kpi']}/", HTML),
    ]


def post_data(path: str, token: str) -> dict:
    """The form a browser would send. Record progress: the last update the user saw, an
    amber rating with a narrative carrying `token`, today's date."""
    from actions.models import Action
    from actions.services import last_recorded_update

    if "/progress/" not in path:
        return {"note": ""}
    action_pk = int(path.rstrip("/").split("/")[-2])
    action = Action.objects.select_related("plan__rating_scheme").get(pk=action_pk)
    level = action.plan.rating_scheme.levels.get(rank=2)
    last = last_recorded_update(action)
    return {
        "level": str(level.pk),
        "narrative": f"Benchmark update {token}",
        "effective_on": datetime.date.today().isoformat(),
        "seen_update_id": str(last.pk) if last else "",
    }


# --- Query counts, in-process -------------------------------------------------------------


def count_queries(db: str) -> dict:
    setup_django(db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from formats.plans.export import plan_export_text
    from wsoa.models import LocalArea, Plan, User

    setup_test_environment()
    t = targets()
    clients = {}
    for username in (AREA_USER, ACTION_LEAD, NATIONAL):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    result = {"areas": LocalArea.objects.count(), "counts": {}}
    for n, (label, username, method, path, _kind) in enumerate(pages(t)):
        client = clients[username]
        counted = []
        for attempt in range(2):
            if method == "GET":
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
            else:
                data = post_data(path, f"count-{n}-{attempt}-{time.time_ns()}")
                with CaptureQueriesContext(connection) as ctx:
                    response = client.post(path, data)
            if response.status_code not in (200, 302):
                raise SystemExit(f"{label}: HTTP {response.status_code} for {path}")
            if method == "POST" and "/progress/" in path and response.status_code != 302:
                raise SystemExit(f"{label}: the form was refused: {response.content[:2000]!r}")
            counted.append(len(ctx.captured_queries))
        result["counts"][label] = counted[-1]
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        result.setdefault("slowest", {})[label] = [float(slowest["time"]) * 1000, slowest["sql"]]
    plan = Plan.objects.get(pk=t["plan"])
    times = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            plan_export_text(plan=plan, fmt="yaml")
            times.append(time.perf_counter() - start)
    result["counts"]["Plan export (YAML, in-process)"] = len(ctx.captured_queries)
    result["export_times"] = times
    return result


# --- Times, over HTTP -------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = None
        headers = {"Referer": self.base + path}
        if method == "POST":
            data = dict(data or {})
            data["csrfmiddlewaretoken"] = self.csrf()
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.request("GET", "/sign-in/")
        return self.csrf()

    def sign_in(self, username: str, password: str) -> None:
        self.request("GET", "/sign-in/")
        status, _ = self.request("POST", "/sign-in/", {"username": username, "password": password})
        if status != 302:
            raise SystemExit(f"Sign-in as {username} failed (HTTP {status})")


def start_gunicorn(db: str, port: int) -> subprocess.Popen:
    env = django_env(db)
    env["AXES_ENABLED"] = "true"  # sign-in as in production
    log = open(Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "wsoa.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--timeout=300",
            "--access-logfile=-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=5).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log.name}") from None
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def time_pages(db: str, port: int, runs: int, pdf_runs: int) -> dict:
    setup_django(db)
    from sampledata.national import PASSWORD

    t = targets()
    proc = start_gunicorn(db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        browsers = {}
        for username in (AREA_USER, ACTION_LEAD, NATIONAL):
            browsers[username] = Browser(base)
            browsers[username].sign_in(username, PASSWORD)
        result = {}
        for n, (label, username, method, path, kind) in enumerate(pages(t)):
            browser = browsers[username]
            count = pdf_runs if "PDF" in label else runs
            times, sizes = [], []
            for i in range(count + 2):
                data = (
                    post_data(path, f"http-{n}-{i}-{time.time_ns()}") if method == "POST" else None
                )
                start = time.perf_counter()
                status, body = browser.request(method, path, data)
                elapsed = time.perf_counter() - start
                if status not in (200, 302):
                    raise SystemExit(f"{label}: HTTP {status} for {path}")
                if i >= 2:
                    times.append(elapsed)
                    sizes.append(len(body))
            result[label] = {
                "kind": kind,
                "n": len(times),
                "p50": statistics.median(times) * 1000,
                "p95": percentile(times, 0.95) * 1000,
                "bytes": statistics.median(sizes),
                "path": path,
            }
            print(f"  {label}: p50 {result[label]['p50']:.0f} ms", file=sys.stderr)
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- The load test ------------------------------------------------------------------------


def load_test(db: str, port: int, users: int, duration: str) -> dict:
    """Locust against gunicorn; then count each posted token's rows."""
    setup_django(db)
    from django.test import Client

    from actions.models import Action, StatusUpdate
    from wsoa.models import Plan, Post, User

    # One action lead from each of `users` areas: sessions made in-process (as a signed-in
    # browser would hold), so the run measures the pages, not 50 password hashes at once.
    run_id = f"load{time.time_ns()}"
    people = []
    for index in range(1, users + 1):
        user = User.objects.filter(username=f"a{index:03d}.al1").first()
        if user is None:
            raise SystemExit(f"--load needs {users} areas in the database")
        client = Client()
        client.force_login(user)
        plan = Plan.objects.get(area__memberships__user=user)
        led = Post.objects.filter(holder=user).values("pk")
        actions = list(
            Action.objects.filter(plan=plan, leads__in=led)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        meeting = (
            plan.area.boards.order_by("pk")
            .first()
            .meetings.filter(status="held")
            .order_by("-starts_at")
            .first()
        )
        people.append(
            {
                "sessionid": client.cookies["sessionid"].value,
                "plan": plan.pk,
                "actions": actions[:5],
                "all_actions": list(
                    Action.objects.filter(plan=plan)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:20]
                ),
                "meeting": meeting.pk,
                "level": plan.rating_scheme.levels.get(rank=3).pk,
            }
        )
    config = Path(tempfile.gettempdir()) / f"locust-{run_id}.json"
    config.write_text(json.dumps({"run_id": run_id, "people": people}))
    proc = start_gunicorn(db, port)
    csv_prefix = Path(tempfile.gettempdir()) / f"locust-{run_id}"
    try:
        env = dict(os.environ, LOCUST_PEOPLE=str(config))
        completed = subprocess.run(
            [
                LOCUST,
                "-f",
                str(ROOT / "scripts" / "locustfile.py"),
                "--headless",
                f"--users={users}",
                "--spawn-rate=10",
                f"--run-time={duration}",
                f"--host=http://127.0.0.1:{port}",
                "--only-summary",
                f"--csv={csv_prefix}",
                "--stop-timeout=30",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    stats = list(csv_ok(csv_prefix))
    posted = Path(tempfile.gettempdir()) / f"locust-{run_id}-posted.txt"
    tokens = posted.read_text().split() if posted.exists() else []
    stored = {}
    for row in StatusUpdate.objects.filter(narrative__contains=run_id).values_list(
        "narrative", flat=True
    ):
        token = row.split()[-1]
        stored[token] = stored.get(token, 0) + 1
    return {
        "summary": completed.stdout[-6000:] + completed.stderr[-3000:],
        "stats": stats,
        "posted_ok": len(tokens),
        "stored": sum(stored.values()),
        "stored_once": sum(1 for tok in tokens if stored.get(tok) == 1),
        "missing": [tok for tok in tokens if tok not in stored][:10],
        "duplicated": [tok for tok, n in stored.items() if n > 1][:10],
        "unexpected": [tok for tok in stored if tok not in set(tokens)][:10],
    }


def csv_ok(prefix: Path):
    import csv

    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return
    with path.open() as handle:
        yield from csv.DictReader(handle)


# --- Reporting ------------------------------------------------------------------------------


def run_child(mode: str, db: str, extra: list[str]) -> dict:
    out = subprocess.run(
        [PY, __file__, f"--child={mode}", f"--db={db}", *extra],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=ROOT,
    )
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        raise SystemExit(f"{mode} on {db} failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if mode == "queries":
        # The slowest query of each page, for EXPLAIN ANALYZE (see docs/performance.md).
        Path(tempfile.gettempdir(), f"bench-slowest-{result['areas']}.json").write_text(
            json.dumps(result["slowest"], indent=1)
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="The large database (e.g. 150 areas).")
    parser.add_argument("--small-db", help="A smaller one (e.g. 10 areas) for query counts.")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--load", action="store_true", help="Also run the locust load test.")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for db in filter(None, (args.db, args.small_db)):
        host = urllib.parse.urlparse(db).hostname
        if host not in ("127.0.0.1", "localhost", None):
            raise SystemExit("Loopback databases only.")

    if args.child == "queries":
        print(json.dumps(count_queries(args.db)))
        return
    if args.child == "times":
        print(json.dumps(time_pages(args.db, args.port, args.runs, args.pdf_runs)))
        return
    if args.child == "load":
        print(json.dumps(load_test(args.db, args.port, args.users, args.duration)))
        return

    print(f"_Measured {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores._\n")
    if not args.load_only:
        small = run_child("queries", args.small_db, []) if args.small_db else None
        large = run_child("queries", args.db, [])
        times = run_child(
            "times",
            args.db,
            [f"--runs={args.runs}", f"--pdf-runs={args.pdf_runs}", f"--port={args.port}"],
        )
        trivial = times["Trivial view (password changed)"]["p50"]
        heads = ["Page", "Kind"]
        if small:
            heads.append(f"Queries ({small['areas']} areas)")
        heads += [
            f"Queries ({large['areas']} areas)",
            "p50 ms",
            "p95 ms",
            "p50 / trivial",
            "KB",
            "Targets",
        ]
        print("| " + " | ".join(heads) + " |")
        print("|" + "---|" * len(heads))
        for label, row in times.items():
            q_large = large["counts"][label]
            q_small = small["counts"][label] if small else None
            ratio = row["p50"] / trivial
            verdict = []
            if small:
                verdict.append("queries same" if q_small == q_large else "**queries grow**")
            if row["kind"] == HTML and not label.startswith("Trivial"):
                verdict.append("p50 ≤ 5×" if ratio <= 5 else "**p50 > 5×**")
                verdict.append("p95 < 250" if row["p95"] < 250 else "**p95 ≥ 250**")
            cells = [label, row["kind"]]
            if small:
                cells.append(str(q_small))
            cells += [
                str(q_large),
                f"{row['p50']:.0f}",
                f"{row['p95']:.0f}",
                f"{ratio:.1f}×",
                f"{row['bytes'] / 1024:.0f}",
                ", ".join(verdict),
            ]
            print("| " + " | ".join(cells) + " |")
        label = "Plan export (YAML, in-process)"
        export_ms = statistics.median(large["export_times"]) * 1000
        cells = [label, "in-process"]
        if small:
            cells.append(str(small["counts"][label]))
        cells += [str(large["counts"][label]), f"{export_ms:.0f}", "", "", "", ""]
        if small:
            cells[-1] = (
                "queries same"
                if small["counts"][label] == large["counts"][label]
                else "**queries grow**"
            )
        print("| " + " | ".join(cells) + " |")
        print(
            f"\nRuns per page: {args.runs} ({args.pdf_runs} for the PDF), after 2 warm-up requests."
        )
    if args.load or args.load_only:
        load = run_child(
            "load",
            args.db,
            [f"--users={args.users}", f"--duration={args.duration}", f"--port={args.port}"],
        )
        print("\n### Load test\n")
        print("| Request | Count | Failures | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---|---|---|---|---|---|")
        for row in load["stats"]:
            print(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | "
                f"{float(row['Max Response Time']):.0f} |"
            )
        print(
            f"\nProgress updates posted and answered with a redirect: {load['posted_ok']}; rows "
            f"carrying this run's tokens: {load['stored']}; stored exactly once: "
            f"{load['stored_once']}; missing: {load['missing']}; duplicated: "
            f"{load['duplicated']}; unexpected: {load['unexpected']}."
        )
        print(
            "\n<details><summary>locust summary</summary>\n\n```\n"
            + load["summary"]
            + "\n```\n</details>"
        )


if __name__ == "__main__":
    main()
