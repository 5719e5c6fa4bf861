"""python manage.py import_kpi_values PATH --area NAME [--plan TITLE] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.kpis.values import ImportFileError, kpi_values_import
from wsoa.models import LocalArea, Plan


class Command(BaseCommand):
    help = (
        "Import KPI values from a CSV or XLSX file (columns in docs/kpi-import.md). Every row "
        "is checked first; nothing is imported if anything is wrong. A KPI's value for a period "
        "already recorded is updated in place."
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

    def handle(self, *args, path: Path, area: str, plan: str | None, dry_run: bool, **options):
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
            )
        except ImportFileError as exc:
            count = len(exc.problems)
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''} found; nothing was "
                f"imported.\n{lines}"
            ) from exc
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {path.name}: {result.summary()}."))
