"""Write a plan back out in the plan file format (docs/plan-format.md).

`plan_export(plan=...)` gives the document as plain data (and notes on anything the format
cannot hold); `plan_export_text(plan=..., fmt=...)` renders it as YAML or JSON. The output is
canonical: loading it and exporting again gives the same text, byte for byte.

Everything is read in a fixed number of queries, whatever the size of the plan.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

import yaml

from actions.models import Action, Resource, StatusUpdate
from formats.plans.rows import read_links, read_milestones
from formats.plans.validate import FORMAT
from wsoa.models import Board, Concern, DeliveryPartner, Organisation, Outcome, Plan, Post
from wsoa.timescales import parse_timescale

FORMATS = ("yaml", "json")
# Outcome statement for actions recorded without an outcome: the format nests every action
# under an outcome, so they are written under one of their own at the end of their concern.
LOOSE_ACTIONS_STATEMENT = "Actions not under an outcome"


@dataclass
class PlanExport:
    document: dict
    notes: list[str] = field(default_factory=list)


def _compact(values: dict, *, keep: tuple[str, ...] = ()) -> dict:
    """Leave out empty optional fields ("", [], None) so that files stay clean."""
    return {
        key: value
        for key, value in values.items()
        if key in keep or value not in ("", None) and value != []
    }


def _due_date(due: datetime.date | None, text: str, what: str, notes: list[str]):
    """The due date to write: None when loading would derive the same date from the text."""
    derived = parse_timescale(text).due
    if due == derived:
        return None
    if due is None:
        notes.append(
            f'{what} has no due date, but one is derived from "{text}" when the file is loaded'
        )
    return due


def _due_fields(item, text: str, what: str, notes: list[str]) -> dict:
    """`due` with the words the due date was given in, where they are not the timescale's
    (deadline's) own; else `due_date` where it differs from what the text gives."""
    if item.is_due_date_as_written:
        if item.due_date_as_written == text:
            return {}
        return {"due": item.due_date_as_written}
    return {"due_date": _due_date(item.due_date, text, what, notes)}


def _partner(entry: DeliveryPartner, organisations: dict[int, Organisation]):
    organisation = organisations[entry.organisation_id].name if entry.organisation_id else ""
    if not entry.person_name:
        return organisation
    return _compact(
        {"name": entry.person_name, "post": entry.person_post, "organisation": organisation}
    )


def _progress(updates: list[StatusUpdate]) -> list[dict]:
    return [
        _compact(
            {
                "rating": update.level.code if update.level_id else "",
                "date": update.effective_on,
                "narrative": update.narrative,
                "author": update.author_name
                or (
                    (update.author.get_full_name() or update.author.username)
                    if update.author_id
                    else ""
                ),
            }
        )
        for update in updates
    ]


def plan_export(*, plan: Plan) -> PlanExport:
    """The plan as a plan file document: area, the organisations, posts and boards it uses,
    its rating scheme, and concerns → outcomes → actions → milestones with every status
    update, oldest first."""
    plan = Plan.objects.select_related("area", "rating_scheme").get(pk=plan.pk)
    notes: list[str] = []
    levels = list(plan.rating_scheme.levels.order_by("rank"))

    concerns = list(Concern.objects.filter(plan=plan).order_by("number"))
    # In the file's order: sponsors by their through rows, partners by their position.
    sponsors_by_concern: dict[int, list[int]] = defaultdict(list)
    for concern_id, post_id in (
        Concern.sponsors.through.objects.filter(concern__plan=plan)
        .order_by("pk")
        .values_list("concern_id", "post_id")
    ):
        sponsors_by_concern[concern_id].append(post_id)
    partners_by_concern: dict[int, list[DeliveryPartner]] = defaultdict(list)
    for entry in DeliveryPartner.objects.filter(concern__plan=plan).order_by("position", "pk"):
        partners_by_concern[entry.concern_id].append(entry)
    outcomes_by_concern: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(concern__plan=plan).order_by("position", "pk"):
        outcomes_by_concern[outcome.concern_id].append(outcome)

    actions = list(Action.objects.filter(plan=plan).order_by("position", "pk"))
    actions_by_outcome: dict[int | None, list[Action]] = defaultdict(list)
    loose_by_concern: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        if action.outcome_id is None:
            loose_by_concern[action.concern_id].append(action)
        else:
            actions_by_outcome[action.outcome_id].append(action)

    # Through rows in insertion order keep leads and boards in the order the file gave them.
    leads_by_action = read_links(plan, Action.leads.through, "post_id")
    boards_by_action = read_links(plan, Action.boards.through, "board_id")
    milestones_by_action = read_milestones(plan)

    updates_by_action: dict[int, list[StatusUpdate]] = defaultdict(list)
    updates_by_milestone: dict[int, list[StatusUpdate]] = defaultdict(list)
    for update in (
        StatusUpdate.objects.of_actions(Action.objects.filter(plan=plan))
        .select_related("level", "author")
        .order_by("effective_on", "recorded_at", "pk")
    ):
        if update.action_id:
            updates_by_action[update.action_id].append(update)
        else:
            updates_by_milestone[update.milestone_id].append(update)

    # Reference data: only what this plan uses.
    board_concerns: dict[int, list[int]] = defaultdict(list)
    for board_id, number in (
        Board.concerns.through.objects.filter(concern__plan=plan)
        .order_by("concern__number")
        .values_list("board_id", "concern__number")
    ):
        board_concerns[board_id].append(number)
    board_ids = set(board_concerns) | {pk for ids in boards_by_action.values() for pk in ids}
    boards = {
        board.pk: board
        for board in Board.objects.filter(pk__in=board_ids)
        .select_related("organisation")
        .order_by("name")
    }
    post_ids = {pk for ids in leads_by_action.values() for pk in ids} | {
        pk for ids in sponsors_by_concern.values() for pk in ids
    }
    posts = {
        post.pk: post
        for post in Post.objects.filter(pk__in=post_ids)
        .select_related("organisation", "holder")
        .order_by("title")
    }
    organisation_ids = (
        {post.organisation_id for post in posts.values() if post.organisation_id}
        | {board.organisation_id for board in boards.values() if board.organisation_id}
        | {
            entry.organisation_id
            for entries in partners_by_concern.values()
            for entry in entries
            if entry.organisation_id
        }
    )
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("name"))
    organisations_by_id = {org.pk: org for org in organisations}

    def action_entry(action: Action) -> dict:
        return _compact(
            {
                "ref": action.ref,
                "description": action.description,
                "success_measures": action.success_measures,
                "leads": [posts[pk].title for pk in leads_by_action[action.pk]],
                "boards": [boards[pk].name for pk in boards_by_action[action.pk]],
                "resource": "" if action.resource == Resource.UNKNOWN else action.resource,
                "timescale": action.timescale,
                **_due_fields(action, action.timescale, f"action {action.ref}", notes),
                "note_from_transcriber": action.transcriber_note,
                "progress": _progress(updates_by_action[action.pk]),
                "milestones": [
                    _compact(
                        {
                            "description": milestone.description,
                            "deadline": milestone.deadline,
                            **_due_fields(
                                milestone,
                                milestone.deadline,
                                f"milestone {position} of action {action.ref}",
                                notes,
                            ),
                            "completed_on": milestone.completed_on,
                            "note_from_transcriber": milestone.transcriber_note,
                            "progress": _progress(updates_by_milestone[milestone.pk]),
                        },
                        keep=("description",),
                    )
                    for position, milestone in enumerate(milestones_by_action[action.pk], start=1)
                ],
            },
            keep=("ref", "description"),
        )

    def concern_entry(concern: Concern) -> dict:
        outcomes = [
            _compact(
                {
                    "ref": outcome.ref,
                    "statement": outcome.statement,
                    "impact_statements": outcome.impact_statements,
                    "note_from_transcriber": outcome.transcriber_note,
                    "actions": [action_entry(a) for a in actions_by_outcome[outcome.pk]],
                },
                # A statement the source lost is left out; the note says so.
                keep=("actions",) if outcome.transcriber_note else ("statement", "actions"),
            )
            for outcome in outcomes_by_concern[concern.pk]
        ]
        loose = loose_by_concern[concern.pk]
        if loose:
            notes.append(
                f"{len(loose)} action(s) of concern {concern.number} have no outcome; they are "
                f'written under an outcome "{LOOSE_ACTIONS_STATEMENT}"'
            )
            outcomes.append(
                {
                    "statement": LOOSE_ACTIONS_STATEMENT,
                    "actions": [action_entry(action) for action in loose],
                }
            )
        return _compact(
            {
                "number": concern.number,
                "title": concern.title,
                "finding": concern.finding,
                "aim": concern.aim,
                "kpis": concern.kpis,
                **_sponsor_fields([posts[pk].title for pk in sponsors_by_concern[concern.pk]]),
                "delivery_partners": [
                    _partner(entry, organisations_by_id)
                    for entry in partners_by_concern[concern.pk]
                ],
                "note_from_transcriber": concern.transcriber_note,
                "outcomes": outcomes,
            },
            keep=("number", "title", "outcomes"),
        )

    concern_entries = [concern_entry(concern) for concern in concerns]
    document = {
        "format": FORMAT,
        "area": {"name": plan.area.name, "health_body_label": plan.area.health_body_label},
        "organisations": [
            _compact({"name": org.name, "short_name": org.short_name, "kind": org.kind})
            for org in organisations
        ],
        "posts": [
            _compact(
                {
                    "title": post.title,
                    "organisation": post.organisation.name if post.organisation_id else "",
                    "holder": post.holder_display,
                    "email": post.email,
                }
            )
            for post in posts.values()
        ],
        "plan": _compact(
            {
                "title": plan.title,
                "kind": plan.kind,
                "status": plan.status,
                "inspection_start": plan.inspection_start,
                "inspection_end": plan.inspection_end,
                "published_on": plan.published_on,
                "concern_label": plan.concern_label,
                "introduction": plan.introduction,
                "inspection_framework": plan.inspection_framework,
                "inspectors": [
                    inspector if inspector.get("role") else inspector["name"]
                    for inspector in plan.inspectors
                ],
                "report_published_on": plan.report_published_on,
                "plan_due_on": plan.plan_due_on,
            }
        ),
        "rating_scheme": {
            "name": plan.rating_scheme.name,
            "levels": [
                _compact(
                    {
                        "code": level.code,
                        "label": level.label,
                        "colour": level.colour,
                        "meaning": level.meaning,
                        "is_complete": level.is_complete or None,
                        "needs_attention": level.needs_attention or None,
                    }
                )
                for level in levels
            ],
        },
        "boards": [
            _compact(
                {
                    "name": board.name,
                    "short_name": board.short_name,
                    "organisation": board.organisation.name if board.organisation_id else "",
                    "activity": board.activity,
                    "frequency": board.frequency,
                    "concerns": board_concerns[board.pk],
                }
            )
            for board in boards.values()
        ],
        "concerns": concern_entries,
    }
    return PlanExport(document=_compact(document, keep=("concerns",)), notes=notes)


def _sponsor_fields(titles: list[str]) -> dict:
    """One sponsor is written `sponsor: …`, as most plans have it; several as a list."""
    if len(titles) == 1:
        return {"sponsor": titles[0]}
    return {"sponsors": titles}


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as people write them; text with line breaks as a
    literal block."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        # Every value written out in full: the reader refuses YAML aliases (formats.reader).
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list):
    # Numbers on one line, as people write them: `concerns: [1, 2, 3]`.
    flow = bool(value) and all(isinstance(item, int) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(list, _represent_list)


def _json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def render_plan_document(document: dict, *, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    # One line each, whatever the title holds: a line break would end the comment.
    area = " ".join(str(document["area"]["name"]).split())
    title = " ".join(str(document["plan"]["title"]).split())
    header = (
        f"# {title} ({area}), exported by the SEND WSOA tracker.\n"
        "# The format is described in docs/plan-format.md; load changes back with\n"
        "#   python manage.py load_plan PATH --update\n"
    )
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return header + body


def plan_export_text(*, plan: Plan, fmt: str = "yaml") -> tuple[str, list[str]]:
    """The plan as YAML or JSON text, and notes on anything the format could not hold."""
    export = plan_export(plan=plan)
    return render_plan_document(export.document, fmt=fmt), export.notes
