"""The meeting file format (`format: wsoa-meeting/1`): a board's members and meetings with
attendance, agenda, minutes, action log and forward plan, referred to by name and initials.
See docs/governance.md.

`read_meeting_file` parses it with the shared reader (`formats.reader`) and checks all of it,
so every problem carries its line; `meeting_file_load` then writes it in one transaction
through `governance.services`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from formats.reader import ParsedFile, PlanFileError, Problem, parse_yaml_file
from governance.models import AttendanceStatus, Meeting, MeetingActionStatus, MeetingStatus
from governance.services import (
    agenda_item_add,
    board_member_add,
    board_member_update,
    forward_plan_item_add,
    meeting_action_add,
    meeting_action_update,
    meeting_create,
    meeting_record_attendance,
    minute_add,
)
from governance.services import (
    save_with_history as _save,
)
from wsoa.dates import date_out_of_range
from wsoa.models import Board, LocalArea, Organisation, OrganisationKind, Plan

MEETING_FILE_MAX_BYTES = getattr(settings, "MEETING_FILE_MAX_BYTES", 5 * 1024 * 1024)

FORMAT = "wsoa-meeting/1"
TOP_KEYS = {"format", "area", "board", "plan", "organisations", "members", "meetings"}
MEMBER_KEYS = {"name", "initials", "post", "organisation", "chair", "active"}
MEETING_KEYS = {
    "date",
    "starts",
    "ends",
    "location",
    "virtual",
    "status",
    "notes",
    "attendance",
    "agenda",
    "actions",
    "forward_plan",
}
ATTENDANCE_KEYS = {"present", "apologies", "absent", "in_attendance"}
AGENDA_KEYS = {"number", "title", "presenter", "minutes"}
MINUTE_KEYS = {"text", "concern"}
ACTION_KEYS = {"description", "owner", "owner_member", "due_date", "status", "closed_on"}
FORWARD_KEYS = {"title", "description", "concern", "planned_for"}


class MeetingFileError(PlanFileError):
    """Every problem found in a meeting file, each with its line; nothing has been written."""


class _Checker:
    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, *, at: str | None = None) -> None:
        """A problem reported as `where: message`, at the line of `at` (default `where`)."""
        path = where if at is None else at
        line = self.parsed.line_of("" if path == "top level" else path)
        self.problems.append(Problem(where, message, line))

    def keys(self, where: str, value, allowed: set[str], required: set[str] = frozenset()):
        if not isinstance(value, dict):
            self.problem(where, "expected a mapping")
            return False
        prefix = "" if where == "top level" else f"{where}."
        for key in sorted(set(value) - allowed, key=str):
            self.problem(where, f"unknown key {key!r}", at=f"{prefix}{key}")
        for key in sorted(required - set(value)):
            self.problem(where, f"{key!r} is required")
        return True

    def date(self, where: str, value) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.date):
            day = value
        else:
            try:
                day = datetime.date.fromisoformat(str(value))
            except ValueError:
                self.problem(where, f"{value!r} is not a date (YYYY-MM-DD)")
                return None
        if out_of_range := date_out_of_range(day):
            self.problem(where, f"{out_of_range[0].lower()}{out_of_range[1:]}, not {day}")
            return None
        return day

    def time(self, where: str, value) -> datetime.time | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840.
            return datetime.time(value // 60, value % 60)
        try:
            return datetime.time.fromisoformat(str(value))
        except ValueError:
            self.problem(where, f"{value!r} is not a time (HH:MM)")
            return None


def read_meeting_file(
    raw: bytes, *, name: str = "the file", max_bytes: int = MEETING_FILE_MAX_BYTES
) -> ParsedFile:
    """Parse and check the whole file; raise MeetingFileError listing every problem.

    Dates are read as text and checked here, so a bad one is reported with the others
    instead of stopping the parse. The returned data has dates and times converted."""
    parsed = parse_yaml_file(raw, max_bytes=max_bytes, name=name, dates_as_text=True)
    data = parsed.data
    check = _Checker(parsed)
    if not check.keys("top level", data, TOP_KEYS, {"format", "area", "board"}):
        raise MeetingFileError(check.problems)
    if data.get("format") != FORMAT:
        check.problem("format", f"must be {FORMAT!r}")

    kinds = set(OrganisationKind.values)
    for i, org in enumerate(data.get("organisations") or []):
        where = f"organisations[{i}]"
        known = check.keys(where, org, {"name", "short_name", "kind"}, {"name"})
        if known and org.get("kind", "other") not in kinds:
            check.problem(where, f"unknown kind {org['kind']!r}", at=f"{where}.kind")

    initials = set()
    chairs = 0
    for i, member in enumerate(data.get("members") or []):
        where = f"members[{i}]"
        if check.keys(where, member, MEMBER_KEYS, {"name", "initials"}):
            if member["initials"] in initials:
                check.problem(
                    where,
                    f"initials {member['initials']!r} used twice",
                    at=f"{where}.initials",
                )
            initials.add(member["initials"])
            chairs += bool(member.get("chair"))
    if chairs > 1:
        check.problem("members", "only one member may be the chair")

    statuses = set(MeetingStatus.values)
    for i, meeting in enumerate(data.get("meetings") or []):
        where = f"meetings[{i}]"
        if not check.keys(where, meeting, MEETING_KEYS, {"date"}):
            continue
        meeting["date"] = check.date(f"{where}.date", meeting["date"])
        meeting["starts"] = check.time(f"{where}.starts", meeting.get("starts"))
        meeting["ends"] = check.time(f"{where}.ends", meeting.get("ends"))
        if meeting.get("status", "scheduled") not in statuses:
            check.problem(f"{where}.status", f"unknown status {meeting['status']!r}")
        attendance = meeting.get("attendance") or {}
        if check.keys(f"{where}.attendance", attendance, ATTENDANCE_KEYS):
            seen = set()
            for status, people in attendance.items():
                for person in people or []:
                    at = f"{where}.attendance.{status}"
                    if status != "in_attendance" and person not in initials:
                        check.problem(at, f"no member has initials {person!r}")
                    if person in seen:
                        check.problem(f"{where}.attendance", f"{person!r} listed twice", at=at)
                    seen.add(person)
        numbers = set()
        for j, item in enumerate(meeting.get("agenda") or []):
            iwhere = f"{where}.agenda[{j}]"
            if check.keys(iwhere, item, AGENDA_KEYS, {"number", "title"}):
                if item["number"] in numbers:
                    check.problem(
                        iwhere,
                        f"item number {item['number']} used twice",
                        at=f"{iwhere}.number",
                    )
                numbers.add(item["number"])
                for k, minute in enumerate(item.get("minutes") or []):
                    check.keys(f"{iwhere}.minutes[{k}]", minute, MINUTE_KEYS, {"text"})
        for j, action in enumerate(meeting.get("actions") or []):
            awhere = f"{where}.actions[{j}]"
            if check.keys(awhere, action, ACTION_KEYS, {"description", "owner"}):
                member = action.get("owner_member")
                if member and member not in initials:
                    check.problem(
                        awhere, f"no member has initials {member!r}", at=f"{awhere}.owner_member"
                    )
                action["due_date"] = check.date(f"{awhere}.due_date", action.get("due_date"))
                action["closed_on"] = check.date(f"{awhere}.closed_on", action.get("closed_on"))
        for j, item in enumerate(meeting.get("forward_plan") or []):
            fwhere = f"{where}.forward_plan[{j}]"
            if check.keys(fwhere, item, FORWARD_KEYS, {"title"}):
                item["planned_for"] = check.date(f"{fwhere}.planned_for", item.get("planned_for"))
    if check.problems:
        raise MeetingFileError(check.problems)
    return parsed


# --- Loading a meeting file --------------------------------------------------------------


@dataclass
class MeetingFileResult:
    board: Board
    members_added: int = 0
    members_updated: int = 0
    meetings_added: list[Meeting] = field(default_factory=list)
    meetings_skipped: list[Meeting] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.members_added} members added, {self.members_updated} updated; "
            f"{len(self.meetings_added)} meetings added, "
            f"{len(self.meetings_skipped)} already loaded"
        )


@transaction.atomic
def meeting_file_load(*, user, raw: bytes, name: str = "the file") -> MeetingFileResult:
    """Load a meeting file (docs/governance.md): members are added or updated by name;
    a meeting already recorded (same board and start) is left as it is."""
    parsed = read_meeting_file(raw, name=name)
    data = parsed.data

    def refuse(path: str, message: str):
        return MeetingFileError([Problem(path, message, parsed.line_of(path))])

    area = LocalArea.objects.filter(name=data["area"]).first()
    if area is None:
        raise refuse("area", f"no local area is called {data['area']!r}")
    board = Board.objects.for_area(area).matching_name(data["board"]).first()
    if board is None:
        raise refuse("board", f"{area} has no board called {data['board']!r}")
    concerns = {}
    if data.get("plan"):
        plan = Plan.objects.filter(area=area, title=data["plan"]).first()
        if plan is None:
            raise refuse("plan", f"{area} has no plan called {data['plan']!r}")
        concerns = {c.number: c for c in plan.concerns.all()}

    organisations = {o.name: o for o in Organisation.objects.filter(area=area)}
    for spec in data.get("organisations") or []:
        if spec["name"] not in organisations:
            organisations[spec["name"]] = _save(
                Organisation(
                    area=area,
                    name=spec["name"],
                    short_name=spec.get("short_name", ""),
                    kind=spec.get("kind", "other"),
                ),
                user=user,
            )

    result = MeetingFileResult(board=board)
    members = {m.name: m for m in board.members.all()}
    for position, spec in enumerate(data.get("members") or [], start=1):
        org_name = spec.get("organisation")
        if org_name and org_name not in organisations:
            raise refuse(
                f"members[{position - 1}].organisation",
                f"no organisation is called {org_name!r}",
            )
        fields = {
            "initials": spec["initials"],
            "post": spec.get("post", ""),
            "organisation": organisations.get(org_name) if org_name else None,
            "is_chair": bool(spec.get("chair")),
            "is_active": spec.get("active", True),
        }
        member = members.get(spec["name"])
        if member is None:
            members[spec["name"]] = board_member_add(
                user=user, board=board, name=spec["name"], position=position, **fields
            )
            result.members_added += 1
        elif any(getattr(member, k) != v for k, v in fields.items()):
            board_member_update(user=user, member=member, **fields)
            result.members_updated += 1
    by_initials = {m.initials: m for m in board.members.all()}

    def concern(number, path: str):
        if number is None:
            return None
        if number not in concerns:
            raise refuse(path, f"concern {number}: no such concern in the plan")
        return concerns[number]

    loaded: dict[datetime.date, Meeting] = {}
    pending_forward = []
    for i, spec in enumerate(data.get("meetings") or []):
        where = f"meetings[{i}]"
        starts = spec["starts"] or datetime.time(0, 0)
        starts_at = timezone.make_aware(datetime.datetime.combine(spec["date"], starts))
        existing = Meeting.objects.filter(board=board, starts_at=starts_at).first()
        if existing:
            result.meetings_skipped.append(existing)
            loaded[spec["date"]] = existing
            continue
        ends_at = (
            timezone.make_aware(datetime.datetime.combine(spec["date"], spec["ends"]))
            if spec["ends"]
            else None
        )
        meeting = meeting_create(
            user=user,
            board=board,
            starts_at=starts_at,
            ends_at=ends_at,
            location=spec.get("location", ""),
            is_virtual=bool(spec.get("virtual")),
            status=spec.get("status", MeetingStatus.SCHEDULED),
            notes=spec.get("notes", ""),
        )
        if spec["starts"] is None:
            meeting.time_is_known = False
            _save(meeting, user=user, update_fields=["time_is_known", "modified_at"])
        result.meetings_added.append(meeting)
        loaded[spec["date"]] = meeting

        attendance = spec.get("attendance") or {}
        statuses = {
            by_initials[person].pk: status
            for status, people in attendance.items()
            if status != "in_attendance"
            for person in people or []
        }
        guests = [
            {"name": name, "status": AttendanceStatus.IN_ATTENDANCE}
            for name in attendance.get("in_attendance") or []
        ]
        if statuses or guests:
            meeting_record_attendance(user=user, meeting=meeting, statuses=statuses, guests=guests)
        for j, item_spec in enumerate(spec.get("agenda") or []):
            item = agenda_item_add(
                user=user,
                meeting=meeting,
                number=item_spec["number"],
                title=item_spec["title"],
                presenter=item_spec.get("presenter", ""),
            )
            for k, minute in enumerate(item_spec.get("minutes") or []):
                minute_add(
                    user=user,
                    agenda_item=item,
                    text=minute["text"],
                    concern=concern(
                        minute.get("concern"), f"{where}.agenda[{j}].minutes[{k}].concern"
                    ),
                )
        for action_spec in spec.get("actions") or []:
            item = meeting_action_add(
                user=user,
                meeting=meeting,
                description=action_spec["description"],
                owner=action_spec["owner"],
                owner_member=by_initials.get(action_spec.get("owner_member")),
                due_date=action_spec["due_date"],
            )
            if action_spec.get("status", "open") != MeetingActionStatus.OPEN:
                meeting_action_update(
                    user=user,
                    item=item,
                    status=action_spec["status"],
                    due_date=item.due_date,
                    on=action_spec["closed_on"],
                )
        for j, item_spec in enumerate(spec.get("forward_plan") or []):
            pending_forward.append((meeting, item_spec, f"{where}.forward_plan[{j}]"))
    for meeting, item_spec, path in pending_forward:
        forward_plan_item_add(
            user=user,
            board=board,
            title=item_spec["title"],
            description=item_spec.get("description", ""),
            concern=concern(item_spec.get("concern"), f"{path}.concern"),
            raised_at=meeting,
            planned_for=loaded.get(item_spec.get("planned_for")),
        )
    return result
