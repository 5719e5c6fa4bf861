"""python manage.py import_kpi_values PATH --area NAME [--plan TITLE] [--dry-run]
[--year-convention financial|academic|calendar] [--as-at DD/MM/YYYY]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.kpis.values import ImportFileError, kpi_values_import
from kpis.parsing import CellError, parse_date
from wsoa.dates import YEAR_CONVENTIONS
from wsoa.models import LocalArea, Plan


class Command(BaseCommand):
    help = (
        "Import KPI values from a CSV or XLSX file (columns in docs/kpi-import.md). Every row "
        "is checked first; nothing is imported if anything is wrong. A changed value for a "
        "period already recorded is recorded as a correction. --dry-run shows how every row's "
        "period is read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--area", required=True, help="The local area's name.")
        parser.add_argument(
            "--plan", help="The plan's title, if KPI codes repeat across the area's plans."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report what would change."
        )
        parser.add_argument(
            "--year-convention",
            choices=YEAR_CONVENTIONS,
            default="",
            help="How years like 2021/22 are written in the file (default: each KPI's own, "
            "else financial).",
        )
        parser.add_argument(
            "--as-at", default="", help="The file's 'as at' date (31/12/2021): ends a YTD."
        )

    def handle(self, *args, path: Path, area: str, plan: str | None, dry_run: bool, **options):
        try:
            as_at = parse_date(options.get("as_at") or None)
        except CellError as exc:
            raise CommandError(f"--as-at: {exc}") from exc
        local_area = LocalArea.objects.filter(name=area).first()
        if local_area is None:
            raise CommandError(f'There is no local area called "{area}".')
        target_plan = None
        if plan:
            target_plan = Plan.objects.filter(area=local_area, title=plan).first()
            if target_plan is None:
                raise CommandError(f'{local_area} has no plan called "{plan}".')
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        try:
            result = kpi_values_import(
                user=None,
                raw=raw,
                name=path.name,
                plan=target_plan,
                area=None if target_plan else local_area,
                dry_run=dry_run,
                year_convention=options.get("year_convention") or "",
                as_at=as_at,
            )
        except ImportFileError as exc:
            count = len(exc.problems)
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            if dry_run and getattr(exc, "readings", None):
                lines += "\nPeriods as read:\n" + "\n".join(
                    f"  {reading}" for reading in exc.readings
                )
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''} found; nothing was "
                f"imported.\n{lines}"
            ) from exc
        verb = "Would import" if dry_run else "Imported"
        if dry_run:
            for line in result.report_lines():
                self.stdout.write(line)
        else:
            for change in result.changes:
                self.stdout.write(f"Corrected: {change}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {path.name}: {result.summary()}."))
