"""python manage.py generate_national_data --areas 150 --seed 1 [--packs-per-board 2]"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sampledata.national import PASSWORD, NationalGenerator


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic national-scale data for benchmarks: N local "
        "areas, each with a plan of ~60 actions and three years of history, three boards with "
        "their meetings and packs, and ~40 KPIs. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            help="The last day of the three years of history (default: today).",
        )
        parser.add_argument(
            "--packs-per-board",
            type=int,
            default=2,
            help="Issue board packs for this many of each board's latest held meetings "
            "(through board_pack_issue, which computes the snapshot); 0 for none.",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Run although DEBUG is off.",
        )

    def handle(self, *args, areas, seed, until, packs_per_board, not_production, **options):
        if not (settings.DEBUG or not_production):
            raise CommandError(
                "This fills the database with synthetic areas and users who all share one "
                "password. It runs only with DEBUG on, or with --i-know-this-is-not-production."
            )
        if areas < 1:
            raise CommandError("--areas must be at least 1.")
        generator = NationalGenerator(
            areas=areas,
            seed=seed,
            until=until or datetime.date.today(),
            packs_per_board=packs_per_board,
            write=self.stdout.write,
        )
        try:
            counts = generator.run()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Counts:")
        width = max(len(name) for name in counts)
        for name, number in counts.items():
            self.stdout.write(f"  {name:<{width}}  {number:>10,}")
        self.stdout.write(f'Every generated user signs in with the password "{PASSWORD}".')
