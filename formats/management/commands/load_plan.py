"""python manage.py load_plan PATH [--dry-run] [--update]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.plans.services import plan_load
from formats.reader import PlanFileError


class Command(BaseCommand):
    help = (
        "Load a plan (WSOA) from a YAML or JSON file. The whole file is checked first; "
        "nothing is written if anything is wrong. See docs/plan-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report what would change."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="If the plan is already loaded, apply the file's changes in place.",
        )

    def handle(self, *args, path: Path, dry_run: bool, update: bool, **options):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        verbose = options["verbosity"] >= 1
        try:
            result = plan_load(
                user=None,
                raw=raw,
                name=str(path),
                update=update,
                dry_run=dry_run,
                progress=(lambda message: self.stdout.write(f"  {message}")) if verbose else None,
            )
        except PlanFileError as exc:
            count = len(exc.problems)
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''} found; nothing was loaded.\n"
                f"{lines}"
            ) from exc
        report = result.report
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(
            self.style.SUCCESS(
                f'{verb} "{result.plan_title}" ({result.area_name}): {report.summary()}.'
            )
        )
        for note in report.notes:
            self.stdout.write(f"  Note: {note}")
