"""The meeting file format (`format: wsoa-meeting/1`): a board's members and meetings with
attendance, agenda, minutes, action log and forward plan, referred to by name and initials.
See docs/governance.md. Parsing and checking only; `services.meeting_file_load` writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import yaml

from governance.models import MeetingStatus
from wsoa.models import OrganisationKind

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


class MeetingFileError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class _Checker:
    problems: list[str]

    def keys(self, where: str, value, allowed: set[str], required: set[str] = frozenset()):
        if not isinstance(value, dict):
            self.problems.append(f"{where}: expected a mapping")
            return False
        for key in sorted(set(value) - allowed):
            self.problems.append(f"{where}: unknown key {key!r}")
        for key in sorted(required - set(value)):
            self.problems.append(f"{where}: {key!r} is required")
        return True

    def date(self, where: str, value) -> datetime.date | None:
        if value is None or isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
            return None

    def time(self, where: str, value) -> datetime.time | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840.
            return datetime.time(value // 60, value % 60)
        try:
            return datetime.time.fromisoformat(str(value))
        except ValueError:
            self.problems.append(f"{where}: {value!r} is not a time (HH:MM)")
            return None


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so a bad one is reported with the
    other problems instead of stopping the parse."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_meeting_file(raw: bytes) -> dict:
    """Parse and check the whole file; raise MeetingFileError listing every problem."""
    try:
        data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise MeetingFileError([f"not valid YAML: {exc}"]) from exc
    check = _Checker([])
    if not check.keys("top level", data, TOP_KEYS, {"format", "area", "board"}):
        raise MeetingFileError(check.problems)
    if data.get("format") != FORMAT:
        check.problems.append(f"format: must be {FORMAT!r}")

    kinds = set(OrganisationKind.values)
    for i, org in enumerate(data.get("organisations") or []):
        where = f"organisations[{i}]"
        known = check.keys(where, org, {"name", "short_name", "kind"}, {"name"})
        if known and org.get("kind", "other") not in kinds:
            check.problems.append(f"{where}: unknown kind {org['kind']!r}")

    initials = set()
    chairs = 0
    for i, member in enumerate(data.get("members") or []):
        where = f"members[{i}]"
        if check.keys(where, member, MEMBER_KEYS, {"name", "initials"}):
            if member["initials"] in initials:
                check.problems.append(f"{where}: initials {member['initials']!r} used twice")
            initials.add(member["initials"])
            chairs += bool(member.get("chair"))
    if chairs > 1:
        check.problems.append("members: only one member may be the chair")

    statuses = set(MeetingStatus.values)
    for i, meeting in enumerate(data.get("meetings") or []):
        where = f"meetings[{i}]"
        if not check.keys(where, meeting, MEETING_KEYS, {"date"}):
            continue
        meeting["date"] = check.date(f"{where}.date", meeting["date"])
        meeting["starts"] = check.time(f"{where}.starts", meeting.get("starts"))
        meeting["ends"] = check.time(f"{where}.ends", meeting.get("ends"))
        if meeting.get("status", "scheduled") not in statuses:
            check.problems.append(f"{where}.status: unknown status {meeting['status']!r}")
        attendance = meeting.get("attendance") or {}
        if check.keys(f"{where}.attendance", attendance, ATTENDANCE_KEYS):
            seen = set()
            for status, people in attendance.items():
                for person in people or []:
                    if status != "in_attendance" and person not in initials:
                        check.problems.append(
                            f"{where}.attendance.{status}: no member has initials {person!r}"
                        )
                    if person in seen:
                        check.problems.append(f"{where}.attendance: {person!r} listed twice")
                    seen.add(person)
        numbers = set()
        for j, item in enumerate(meeting.get("agenda") or []):
            iwhere = f"{where}.agenda[{j}]"
            if check.keys(iwhere, item, AGENDA_KEYS, {"number", "title"}):
                if item["number"] in numbers:
                    check.problems.append(f"{iwhere}: item number {item['number']} used twice")
                numbers.add(item["number"])
                for k, minute in enumerate(item.get("minutes") or []):
                    check.keys(f"{iwhere}.minutes[{k}]", minute, MINUTE_KEYS, {"text"})
        for j, action in enumerate(meeting.get("actions") or []):
            awhere = f"{where}.actions[{j}]"
            if check.keys(awhere, action, ACTION_KEYS, {"description", "owner"}):
                member = action.get("owner_member")
                if member and member not in initials:
                    check.problems.append(f"{awhere}: no member has initials {member!r}")
                action["due_date"] = check.date(f"{awhere}.due_date", action.get("due_date"))
                action["closed_on"] = check.date(f"{awhere}.closed_on", action.get("closed_on"))
        for j, item in enumerate(meeting.get("forward_plan") or []):
            fwhere = f"{where}.forward_plan[{j}]"
            if check.keys(fwhere, item, FORWARD_KEYS, {"title"}):
                item["planned_for"] = check.date(f"{fwhere}.planned_for", item.get("planned_for"))
    if check.problems:
        raise MeetingFileError(check.problems)
    return data
