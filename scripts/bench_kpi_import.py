"""Benchmark: check, import, re-import and export a KPI values file of 10,000 rows.

    .venv/bin/python scripts/bench_kpi_import.py [--kpis 40] [--rows 10000] [--corrections 500]
    .venv/bin/python scripts/bench_kpi_import.py --postgres postgres://USER:PASSWORD@HOST/DB
    .venv/bin/python scripts/bench_kpi_import.py --profile check    # or import, export: cProfile

Migrates a throwaway SQLite database in a temporary directory (or, with `--postgres`, the
database named, which should be a throwaway one: the script's "Benchshire" area is replaced on
each run), builds a plan with 40 KPIs in 4 sections (percentages with targets, some given as
numerator/denominator, counts, days and money), and generates a 10,000-row file in the import
format as CSV and as XLSX: financial years, years to date, quarters and months written the
ways officers write them ("2019/20", "FY 2019/20", "Q3 2021/22", "2021/22 Q3", "April 2021",
"04/2021", "2019/20 YTD to December", "2019/20 YTD" with a period_end), some with a qualifier
("(provisional)"), some "no data" and "unreliable" rows, notes and sources.

It then times, through `formats.kpis.values.kpi_values_import` exactly as the import page and
`manage.py import_kpi_values` call it (as a programme lead, so every row's permission is
checked):
- reading the file alone (`read_table`), CSV and XLSX;
- the check (dry run: parse + validate, nothing written), CSV and XLSX;
- the import of the CSV into an empty dataset;
- a re-import of the same rows with `--corrections` of them changed (each recorded as a
  correction, the rest unchanged);
- the CSV and XLSX downloads of the 10,000 current values, through the real view
  (`GET /plans/<pk>/kpis/values.csv` with Django's test client).
Each step prints its time and SQL query count. Peak Python memory (tracemalloc) is measured
in a second, separate pass on a second plan so that tracing does not slow the timed one.
Targets (docs/performance.md): check < 5 s, import < 10 s, export < 2 s. Not a test: figures
depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREA = "Benchshire"
HEADER = [
    "kpi_code",
    "period_label",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "note",
    "status",
    "source",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SOURCES = ["Synergy", "SystmOne", "SEN2 return", "Capita One", "Finance ledger", ""]
# (unit, direction, fraction?) for KPI n % 10: 4 percentages, 2 as fractions, 2 counts, 1 days,
# 1 money.
KINDS = [
    ("percentage", "higher", False),
    ("percentage", "higher", True),
    ("count", "neither", False),
    ("percentage", "lower", False),
    ("days", "lower", False),
    ("percentage", "higher", True),
    ("money", "lower", False),
    ("percentage", "higher", False),
    ("count", "neither", False),
    ("percentage", "higher", False),
]


def fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def period_labels(count: int) -> list[tuple[str, str]]:
    """`count` distinct periods, as (label, period_end written): 20 financial years, their
    years to date, the quarters of the last 15 years, and months; a mix of spellings."""
    labels: list[tuple[str, str]] = []
    for n, year in enumerate(range(2005, 2025)):
        labels.append(((f"FY {fy(year)}" if n % 3 == 0 else fy(year)), ""))
        if n % 2:
            labels.append((f"{fy(year)} YTD to December", ""))
        else:
            labels.append((f"{fy(year)} YTD", f"{year}-12-31"))
    for n, year in enumerate(range(2010, 2025)):
        for quarter in range(1, 5):
            labels.append(((f"Q{quarter} {fy(year)}" if n % 2 else f"{fy(year)} Q{quarter}"), ""))
    month, year, n = 4, 2012, 0
    while len(labels) < count:
        spelling = n % 4
        if spelling == 0:
            labels.append((f"{MONTHS[month - 1]} {year}", ""))
        elif spelling == 1:
            labels.append((f"{LONG_MONTHS[month - 1]} {year}", ""))
        elif spelling == 2:
            labels.append((f"{month:02d}/{year}", ""))
        else:
            labels.append((f"{year}-{month:02d}", ""))
        month, n = month + 1, n + 1
        if month == 13:
            month, year = 1, year + 1
    return labels[:count]


def synthetic_rows(*, kpis: int, rows: int, seed: int = 2024) -> list[list]:
    """Rows of the import format (cells as Python values: str, Decimal, int or None)."""
    rng = random.Random(seed)
    per_kpi = -(-rows // kpis)
    labels = period_labels(per_kpi)
    out: list[list] = []
    for k in range(kpis):
        unit, _direction, fraction = KINDS[k % len(KINDS)]
        for n, (label, period_end) in enumerate(labels):
            if len(out) == rows:
                break
            value = numerator = denominator = None
            status = ""
            if n % 53 == 7:
                status = "no data"
            elif fraction:
                denominator = rng.randint(20, 400)
                numerator = rng.randint(denominator // 2, denominator)
            elif unit == "percentage":
                value = Decimal(rng.randint(400, 1000)) / 10
            elif unit == "count":
                value = Decimal(rng.randint(50, 2500))
            elif unit == "days":
                value = Decimal(rng.randint(50, 600)) / 10
            else:
                value = Decimal(rng.randint(-50_000, 7_200_000))
            if n % 71 == 3 and status == "":
                status = "unreliable"
            if n % 37 == 11:
                label = f"{label} (provisional)"
            note = ""
            if n % 5 == 0:
                note = f"Figure for {label} from the monthly return; checked by the data team."
            elif n % 97 == 1:
                note = "-2 adjustments made after validation"  # a formula trigger, neutralised
            out.append(
                [
                    f"KPI {k + 1}",
                    label,
                    None,
                    period_end or None,
                    value,
                    numerator,
                    denominator,
                    note,
                    status,
                    SOURCES[(k + n) % len(SOURCES)],
                ]
            )
    return out


def csv_text(cell, *, unit: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal) and unit == "money":
        return f"£{cell:,}"
    if isinstance(cell, Decimal) and unit == "percentage":
        return f"{cell}%"
    return str(cell)


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        unit = KINDS[(int(row[0].split()[1]) - 1) % len(KINDS)][0]
        writer.writerow([csv_text(cell, unit=unit if i == 4 else "") for i, cell in enumerate(row)])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    """The same rows as a workbook: numbers as numbers, dates as dates, and every other
    percentage KPI's figures as percentage-formatted cells (0.766 shown as 76.6%)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    sheet.append(HEADER)
    for row in rows:
        k = int(row[0].split()[1]) - 1
        unit = KINDS[k % len(KINDS)][0]
        cells: list = []
        for i, cell in enumerate(row):
            if i == 3 and cell:
                cell = datetime.datetime.fromisoformat(cell)
            elif i == 4 and isinstance(cell, Decimal):
                if unit == "percentage" and k % 2:
                    cell = WriteOnlyCell(sheet, value=float(cell) / 100)
                    cell.number_format = "0.0%"
                else:
                    cell = float(cell) if cell % 1 else int(cell)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def corrected(rows: list[list], count: int) -> list[list]:
    """The same rows with `count` figures changed (spread through the file)."""
    out = [row[:] for row in rows]
    step = max(1, len(out) // count) if count else len(out) + 1
    changed, due = 0, 0
    for index, row in enumerate(out):
        if changed == count:
            break
        if index < due:
            continue
        if row[4] is not None and row[8] == "":
            row[4] = row[4] + 1 if row[4] < 99 else row[4] - 1
        elif row[5] is not None:
            row[5] = row[5] - 1
        else:
            continue  # no figure here: the next row
        changed += 1
        due = index + step
    return out


def setup_django(postgres: str | None, tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "wsoa.settings.test"
    os.environ["DATABASE_URL"] = postgres or f"sqlite:///{tmp}/bench.sqlite3"
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)


def build_dataset(*, kpis: int, area_name: str = AREA):
    """A plan with `kpis` KPIs in 4 sections, with targets, and a programme lead."""
    from django.db import transaction

    from kpis.models import Kpi, KpiSection, KpiTarget
    from wsoa.models import LocalArea, Membership, Plan, RatingScheme, Role, User

    with transaction.atomic():
        old = LocalArea.objects.filter(name=area_name).first()
        if old:
            Plan.objects.filter(area=old).delete()
            Membership.objects.filter(area=old).delete()
            old.delete()
        area = LocalArea.objects.create(name=area_name)
        scheme = RatingScheme.objects.create(name=f"{area_name} RAG", area=area)
        plan = Plan.objects.create(
            area=area, title=f"{area_name} WSOA", status="published", rating_scheme=scheme
        )
        sections = [
            KpiSection.objects.create(plan=plan, name=name, position=n)
            for n, name in enumerate(["EHC plans", "Health", "Education", "Finance"])
        ]
        for k in range(kpis):
            unit, direction, _ = KINDS[k % len(KINDS)]
            kpi = Kpi.objects.create(
                plan=plan,
                section=sections[k % 4],
                position=k,
                code=f"KPI {k + 1}",
                title=f"Benchmark measure {k + 1}: children and young people helped in time",
                unit=unit,
                direction=direction,
                amber_threshold=Decimal("5"),
                year_convention="academic" if k % 10 == 9 else "",
            )
            if direction != "neither":
                for year, target in ((2012, 60), (2016, 80), (2020, 95)):
                    if unit == "money":
                        target = 1_000_000
                    elif unit == "days":
                        target = 20
                    elif direction == "lower":
                        target = 100 - target
                    KpiTarget.objects.create(
                        kpi=kpi,
                        value=Decimal(target),
                        due_on=datetime.date(year, 3, 31),
                        label=f"{target} by March {year}",
                    )
        user = User.objects.create(username=f"lead-{area_name.lower()}")
        Membership.objects.create(user=user, area=area, role=Role.PROGRAMME_LEAD)
    return plan, user


def timed(step):
    """(result, seconds, queries) of step(): every statement sent to the database is counted
    (CaptureQueriesContext keeps only the last 9,000)."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - started
    return result, seconds, count[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kpis", type=int, default=40)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--corrections", type=int, default=500)
    parser.add_argument("--postgres", metavar="URL", help="a throwaway PostgreSQL database")
    parser.add_argument("--profile", metavar="STEP", help="cProfile one step: check, import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wsoa-bench-") as tmp:
        setup_django(args.postgres, tmp)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from formats.kpis import values as values_format
        from formats.kpis.values import kpi_values_import, read_table
        from kpis.models import KpiValue

        rows = synthetic_rows(kpis=args.kpis, rows=args.rows)
        raw_csv, raw_xlsx = to_csv(rows), to_xlsx(rows)
        raw_fixed = to_csv(corrected(rows, args.corrections))
        database = connection.vendor
        if database == "postgresql":
            database += f" {connection.cursor().connection.server_version}"
        print(
            f"File: {len(rows):,} rows for {args.kpis} KPIs; CSV {len(raw_csv) / 1024:.0f} KB, "
            f"XLSX {len(raw_xlsx) / 1024:.0f} KB"
        )
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {database}; load average "
            + ", ".join(f"{load:.1f}" for load in os.getloadavg())
        )
        plan, user = build_dataset(kpis=args.kpis)
        limit = max(len(raw_csv), len(raw_xlsx)) * 2
        values_format.KPI_UPLOAD_MAX_BYTES = max(values_format.KPI_UPLOAD_MAX_BYTES, limit)

        def run(raw, name, *, dry_run, who=user, into=plan):
            return kpi_values_import(user=who, raw=raw, name=name, plan=into, dry_run=dry_run)

        if args.profile:
            import cProfile
            import pstats

            if args.profile == "import":
                step = lambda: run(raw_csv, "values.csv", dry_run=False)  # noqa: E731
            elif args.profile == "export":
                run(raw_csv, "values.csv", dry_run=False)
                client = Client()
                client.force_login(user)
                url = reverse("kpi-dataset-export", args=[plan.pk, "csv"])
                step = lambda: client.get(url)  # noqa: E731
            else:
                step = lambda: run(raw_csv, "values.csv", dry_run=True)  # noqa: E731
            profiler = cProfile.Profile()
            profiler.runcall(step)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            return

        report: list[tuple[str, float, int | None]] = []

        def show(label, seconds, queries=None, target=None):
            report.append((label, seconds, queries))
            extra = f", {queries:,} queries" if queries is not None else ""
            goal = f" (target < {target} s)" if target else ""
            print(f"{label:<52} {seconds:6.2f} s{extra}{goal}")

        for raw, name in ((raw_csv, "values.csv"), (raw_xlsx, "values.xlsx")):
            _, seconds, _ = timed(
                lambda raw=raw, name=name: read_table(raw, name=name, max_bytes=limit)
            )
            show(f"Read the {name[-4:].upper()} file (read_table)", seconds)
        for raw, name in ((raw_csv, "values.csv"), (raw_xlsx, "values.xlsx")):
            result, seconds, queries = timed(
                lambda raw=raw, name=name: run(raw, name, dry_run=True)
            )
            assert result.created == len(rows), result.summary()
            show(f"Check the {name[-4:].upper()} (dry run)", seconds, queries, 5)
        assert KpiValue.objects.count() == 0

        result, seconds, queries = timed(lambda: run(raw_csv, "values.csv", dry_run=False))
        show("Import the CSV into an empty dataset", seconds, queries, 10)
        print(f"  {result.summary()}")
        result, seconds, queries = timed(lambda: run(raw_fixed, "fixed.csv", dry_run=False))
        show(f"Re-import with {args.corrections} corrections", seconds, queries, 10)
        print(f"  {result.summary()}")
        assert result.updated == args.corrections, result.summary()
        result, seconds, queries = timed(lambda: run(raw_fixed, "fixed.csv", dry_run=True))
        show("Check the corrected file again (all unchanged)", seconds, queries)

        client = Client()
        client.force_login(user)
        current = KpiValue.objects.current().filter(kpi__plan=plan).count()
        for export_format in ("csv", "xlsx"):
            url = reverse("kpi-dataset-export", args=[plan.pk, export_format])
            client.get(url)  # warm: the session, the URLconf, openpyxl's import
            response, seconds, queries = timed(lambda url=url: client.get(url))
            assert response.status_code == 200
            show(
                f"Export {current:,} values as {export_format.upper()} "
                f"({len(response.content) / 1024:.0f} KB)",
                seconds,
                queries,
                2,
            )
        # The download imports back unchanged (the same columns, the same figures), except
        # for notes that begin with a formula trigger ("-2 adjustments"): the download writes
        # them with an apostrophe (wsoa.spreadsheets), which an import keeps.
        result = run(response.content, "download.xlsx", dry_run=True)
        neutralised = [change for change in result.changes if "\u2192 \"'" in change]
        assert result.created == 0 and result.updated == len(neutralised), result.changes[:5]
        print(
            f"  The XLSX download checked back in: {result.unchanged:,} unchanged, "
            f"{len(neutralised)} notes that begin with a formula trigger would gain the "
            "apostrophe the download wrote"
        )

        # Peak memory, in a separate pass on a second plan (tracing slows what it measures).
        memory_plan, memory_user = build_dataset(kpis=args.kpis, area_name="Memoryshire")
        peaks = {}
        for label, step in (
            (
                "check (CSV)",
                lambda: run(raw_csv, "v.csv", dry_run=True, who=memory_user, into=memory_plan),
            ),
            (
                "import (CSV)",
                lambda: run(raw_csv, "v.csv", dry_run=False, who=memory_user, into=memory_plan),
            ),
        ):
            tracemalloc.start()
            step()
            peaks[label] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        memory_client = Client()
        memory_client.force_login(memory_user)
        for export_format in ("csv", "xlsx"):
            url = reverse("kpi-dataset-export", args=[memory_plan.pk, export_format])
            memory_client.get(url)
            tracemalloc.start()
            memory_client.get(url)
            peaks[f"export ({export_format.upper()})"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(
            "Peak Python memory (tracemalloc): "
            + "; ".join(f"{label} {peak / 1024 / 1024:.0f} MB" for label, peak in peaks.items())
        )
        if args.postgres:
            from django.db import transaction

            from wsoa.models import LocalArea, Membership, Plan

            with transaction.atomic():
                for name in (AREA, "Memoryshire"):
                    area = LocalArea.objects.get(name=name)
                    Plan.objects.filter(area=area).delete()
                    Membership.objects.filter(area=area).delete()
                    area.delete()


if __name__ == "__main__":
    main()
