"""python manage.py load_kpis PATH [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.kpis.definitions import kpi_file_load
from formats.reader import PlanFileError


class Command(BaseCommand):
    help = (
        "Load a plan's KPI dataset (sections, KPIs, targets and trajectories, values) from a "
        "YAML file. The whole file is checked first; nothing is written if anything is wrong. "
        "Loading it again updates in place. See docs/kpi-import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report what would change."
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        try:
            result = kpi_file_load(user=None, raw=raw, name=path.name, dry_run=dry_run)
        except PlanFileError as exc:
            count = len(exc.problems)
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''} found; nothing was loaded.\n"
                f"{lines}"
            ) from exc
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(
            self.style.SUCCESS(f'{verb} the KPI dataset of "{result.plan}": {result.summary()}.')
        )
