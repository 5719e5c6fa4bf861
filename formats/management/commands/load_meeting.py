"""python manage.py load_meeting PATH: load a board's members and meetings from a meeting file.

The format is described in docs/governance.md; fixtures/kingston-2022-03-board-meeting.yaml is
an example. Loading the same file again adds nothing that is already there.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from formats.meetings import MeetingFileError, meeting_file_load


class Command(BaseCommand):
    help = "Load a board's members and meetings (minutes, action log, forward plan) from YAML."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            result = meeting_file_load(user=None, raw=path.read_bytes(), name=path.name)
        except MeetingFileError as exc:
            raise CommandError(
                f"{path.name} was not loaded:\n" + "\n".join(f"  - {p}" for p in exc.problems)
            ) from exc
        self.stdout.write(f"Loaded {path.name} into {result.board}: {result.summary()}.")
