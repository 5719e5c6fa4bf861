"""Loading a plan file: `plan_load` checks the whole file, then writes it in one transaction
(or only reports what it would do). It takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from formats.plans.load import LoadReport, PlanWriter, Progress
from formats.plans.validate import validate_plan_document
from formats.reader import ParsedFile, PlanFileError, Problem, parse_plan_file
from wsoa.models import Board, LocalArea, Organisation, Plan, Post


class _DryRunRollback(Exception):
    pass


@dataclass
class PlanLoadResult:
    report: LoadReport
    dry_run: bool
    plan_title: str
    area_name: str


def _existing_names(parsed: ParsedFile) -> dict:
    """What the area already holds, so a file may refer to it without declaring it again."""
    data = parsed.data if isinstance(parsed.data, dict) else {}
    area_spec = data.get("area") if isinstance(data.get("area"), dict) else {}
    area = LocalArea.objects.filter(name=area_spec.get("name")).first()
    if area is None:
        return {}
    boards = {}
    for name, short_name in Board.objects.filter(area=area).values_list("name", "short_name"):
        boards[name] = name
        if short_name:
            boards[short_name] = name
    return {
        "existing_organisations": set(
            Organisation.objects.filter(area=area).values_list("name", flat=True)
        ),
        "existing_posts": set(Post.objects.filter(area=area).values_list("title", flat=True)),
        "existing_boards": boards,
    }


def plan_load(
    *,
    user,
    raw: bytes | None = None,
    parsed: ParsedFile | None = None,
    name: str = "the file",
    update: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PlanLoadResult:
    """Validate a whole plan file, then load it in one transaction; nothing is written if
    anything is wrong (PlanFileError lists every problem) or if `dry_run`.

    A plan that already exists (same area and title) is refused unless `update`, which
    changes it in place: new actions added, changed text updated, status history kept.

    Give the file's `raw` bytes, or the `parsed` file when the caller has already read it
    (the upload page does, to check the area first): a file is parsed once.
    """
    if parsed is None:
        parsed = parse_plan_file(raw, max_bytes=settings.PLAN_UPLOAD_MAX_BYTES, name=name)
    doc = validate_plan_document(parsed, **_existing_names(parsed))
    area_name, title = doc["area"]["name"], doc["plan"]["title"]
    exists = Plan.objects.filter(area__name=area_name, title=title).exists()
    if exists and not update:
        raise PlanFileError(
            [
                Problem(
                    "plan.title",
                    f'the plan "{title}" of {area_name} is already loaded; load the file '
                    "again as an update to apply its changes in place (on the upload page, "
                    'tick "Update the existing plan")',
                    parsed.line_of("plan.title"),
                )
            ]
        )
    if progress:
        progress(f"Checked {name}: no problems found")
    writer = PlanWriter(doc, user=user, update=update, progress=progress)
    try:
        with transaction.atomic():
            report = writer.write()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        report = writer.report
        report.plan = None
    return PlanLoadResult(report=report, dry_run=dry_run, plan_title=title, area_name=area_name)
