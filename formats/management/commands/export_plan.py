"""python manage.py export_plan --plan ID_OR_TITLE [--area NAME] [-o PATH] [--format yaml|json]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.plans.export import FORMATS, plan_export_text
from wsoa.models import Plan


class Command(BaseCommand):
    help = (
        "Write a plan out in the plan file format (docs/plan-format.md), to a file or to "
        "standard output. Loading the result gives the same plan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", required=True, help="The plan's id, or its title (exactly as written)."
        )
        parser.add_argument(
            "--area", help="The local area's name, when several areas have a plan of that title."
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file (default: standard output)."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="yaml (default) or json; a .json output file means json.",
        )

    def handle(self, *args, plan: str, area, output: Path | None, format, **options):
        found = self._find_plan(plan, area)
        fmt = format or ("json" if output and output.suffix.lower() == ".json" else "yaml")
        text, notes = plan_export_text(plan=found, fmt=fmt)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{output}: cannot be written ({exc.strerror})") from exc
            self.stderr.write(f'Exported "{found.title}" ({found.area}) to {output}.')
        for note in notes:
            self.stderr.write(f"  Note: {note}")

    def _find_plan(self, identifier: str, area: str | None) -> Plan:
        plans = Plan.objects.select_related("area")
        if identifier.isdigit():
            match = plans.filter(pk=int(identifier)).first()
            if match is None:
                raise CommandError(f"There is no plan with id {identifier}.")
            return match
        matches = plans.filter(title__iexact=identifier.strip())
        if area:
            matches = matches.filter(area__name__iexact=area.strip())
        matches = list(matches)
        if not matches:
            where = f" in {area}" if area else ""
            raise CommandError(f'There is no plan titled "{identifier}"{where}.')
        if len(matches) > 1:
            listing = "; ".join(f"{p.pk}: {p.area}" for p in matches)
            raise CommandError(
                f'Several areas have a plan titled "{identifier}" ({listing}): give --area or '
                "the plan's id."
            )
        return matches[0]
