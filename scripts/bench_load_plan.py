"""Benchmark: load a synthetic plan of 1,000 actions and 5,000 milestones into SQLite.

    .venv/bin/python scripts/bench_load_plan.py [--actions 1000] [--milestones-per-action 5]

Generates a plan file in the documented format (with progress entries on every action and
milestone), migrates a throwaway SQLite database in a temporary directory, and loads the file
through `formats.plans.services.plan_load`, exactly as `manage.py load_plan` does. Reports the
time to check the file (parse + validate), the time to write it, the time to load the same file
again with `--update` (nothing changes, but every action is compared), and the peak Python
memory (tracemalloc, measured in a second, separate run so that tracing does not slow the timed
one).
The target is under 5 seconds in all; see docs/performance.md. Not a test: figures depend on
the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIMESCALES = [
    "Spring term 2024",
    "June 2024 to April 2025",
    "Ongoing from March 2024",
    "Nov 2024",
    "Once appointed – April 2024",
    "By end of March 2025",
    "Q3 2024/25",
    "2024/25",
    "From January 2025",
    "Summer Term 2025",
]
DEADLINES = ["Nov 2024", "December 2024", "January 2025", "Feb 25", "31/3/2025", "April 2025"]
CODES = ["R", "A", "G", "B"]


def synthetic_plan(*, area: str, actions: int, milestones_per_action: int) -> dict:
    """A plan of `actions` actions in 10 concerns of 10 outcomes each, with progress."""
    organisations = [
        {"name": f"{area} Council", "kind": "council"},
        {"name": f"NHS {area} ICB", "kind": "health_body"},
        {"name": f"{area} Parent Carer Forum", "kind": "parent_carer_forum"},
    ]
    posts = [
        {"title": f"Lead officer {n}", "organisation": organisations[n % 2]["name"]}
        for n in range(40)
    ]
    boards = [
        {
            "name": f"Board {n}",
            "short_name": f"B{n}",
            "organisation": organisations[n % 2]["name"],
            "concerns": list(range(1, 11)),
        }
        for n in range(6)
    ]
    start = datetime.date(2024, 1, 31)
    concerns = []
    per_outcome = max(1, actions // 100)
    made = 0
    for c in range(1, 11):
        outcomes = []
        for o in range(1, 11):
            outcome_actions = []
            for a in range(per_outcome):
                if made == actions:
                    break
                made += 1
                outcome_actions.append(
                    {
                        "ref": f"{c}.{o}.{a + 1}",
                        "description": f"Action {made}: deliver the improvement agreed with "
                        "partners and parents, and report its impact to the board.",
                        "success_measures": ["A measurable improvement", "Parents say so"],
                        "leads": [posts[made % 40]["title"], posts[(made + 7) % 40]["title"]],
                        "boards": [boards[made % 6]["short_name"]],
                        "resource": "AR" if made % 2 else "ER",
                        "timescale": TIMESCALES[made % len(TIMESCALES)],
                        "progress": [
                            {
                                "rating": CODES[(made + k) % 3],
                                "date": start + datetime.timedelta(days=30 * k),
                                "narrative": f"Progress report {k + 1} on action {made}.",
                                "author": "Programme office",
                            }
                            for k in range(3)
                        ],
                        "milestones": [
                            {
                                "description": f"Milestone {m + 1} of action {made}",
                                "deadline": DEADLINES[(made + m) % len(DEADLINES)],
                                "progress": [
                                    {"rating": CODES[(made + m) % 4], "date": start},
                                ],
                            }
                            for m in range(milestones_per_action)
                        ],
                    }
                )
            outcomes.append(
                {
                    "ref": f"{c}.{o}",
                    "statement": f"Outcome {c}.{o} for children and young people.",
                    "impact_statements": ["Families notice the difference."],
                    "actions": outcome_actions,
                }
            )
        concerns.append(
            {
                "number": c,
                "title": f"Concern {c}",
                "aim": "Children and young people get the help they need.",
                "kpis": ["90% of plans within 20 weeks"],
                "sponsor": posts[c]["title"],
                "delivery_partners": [organisations[2]["name"]],
                "outcomes": outcomes,
            }
        )
    return {
        "format": "wsoa-plan/1",
        "area": {"name": area},
        "organisations": organisations,
        "posts": posts,
        "plan": {"title": f"{area} benchmark plan", "status": "published"},
        "rating_scheme": {
            "name": "BRAG",
            "levels": [
                {"code": "R", "label": "Red", "colour": "#d4351c", "needs_attention": True},
                {"code": "A", "label": "Amber", "colour": "#f47738", "needs_attention": True},
                {"code": "G", "label": "Green", "colour": "#00703c"},
                {"code": "B", "label": "Blue", "colour": "#1d70b8", "is_complete": True},
            ],
        },
        "boards": boards,
        "concerns": concerns,
    }


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "wsoa.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def load(raw: bytes, *, name: str, echo: bool):
    from formats.plans.services import plan_load

    started = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(message: str) -> None:
        elapsed = time.perf_counter() - started
        if message.startswith("Checked"):
            marks.setdefault("checked", elapsed)
        if echo:
            print(f"  {elapsed:6.2f} s  {message}")

    result = plan_load(user=None, raw=raw, name=name, progress=progress)
    total = time.perf_counter() - started
    return result, marks["checked"], total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--milestones-per-action", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wsoa-bench-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        import yaml

        class no_alias_dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # noqa: N801
            """Every value written out in full, as the format requires (no YAML aliases)."""

            def ignore_aliases(self, data):
                return True

        from formats.plans.validate import validate_plan_document
        from formats.reader import parse_plan_file

        documents = {}
        for area in ("Benchshire", "Memoryshire"):
            doc = synthetic_plan(
                area=area,
                actions=args.actions,
                milestones_per_action=args.milestones_per_action,
            )
            text = yaml.dump(doc, Dumper=no_alias_dumper, sort_keys=False, allow_unicode=True)
            documents[area] = text.encode("utf-8")
        raw = documents["Benchshire"]
        n_milestones = args.actions * args.milestones_per_action
        n_updates = args.actions * 3 + n_milestones
        n_lines = raw.count(b"\n")
        print(
            f"Plan file: {args.actions:,} actions, {n_milestones:,} milestones, "
            f"{n_updates:,} progress entries; {len(raw) / 1024 / 1024:.1f} MB of YAML, "
            f"{n_lines:,} lines"
        )
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, SQLite (file in a temporary directory)"
        )

        # Breakdown of the checking step (plan_load repeats it before writing).
        started = time.perf_counter()
        parsed = parse_plan_file(raw, max_bytes=len(raw) + 1, name="bench.yaml")
        parse_time = time.perf_counter() - started
        started = time.perf_counter()
        validate_plan_document(parsed)
        validate_time = time.perf_counter() - started
        del parsed  # not kept alive during the timed load: the command holds one copy only
        print(f"Parse (YAML with line numbers): {parse_time:.2f} s")
        print(f"Validate (whole document):      {validate_time:.2f} s")

        from django.test.utils import override_settings

        with override_settings(PLAN_UPLOAD_MAX_BYTES=len(raw) * 2):
            print("plan_load, timed:")
            result, checked, total = load(raw, name="bench.yaml", echo=True)
            print(f"Result: {result.report.summary()}")
            print(
                f"Check (parse + validate): {checked:.2f} s; write: {total - checked:.2f} s; "
                f"total: {total:.2f} s (target < 5 s)"
            )

            started = time.perf_counter()
            from formats.plans.services import plan_load

            again = plan_load(user=None, raw=raw, name="bench.yaml", update=True)
            print(
                f"Loading the same file again with --update: {time.perf_counter() - started:.2f} s "
                f"({again.report.summary()})"
            )

            tracemalloc.start()
            load(documents["Memoryshire"], name="memory.yaml", echo=False)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"Peak Python memory while loading (tracemalloc): {peak / 1024 / 1024:.0f} MB")


if __name__ == "__main__":
    main()
