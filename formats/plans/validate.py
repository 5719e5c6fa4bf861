"""Check a whole plan document before anything is written, and normalise it.

Every problem is collected (not just the first) with the place it was found. The result is
the same document with defaults filled in, refs generated and timescales parsed, ready for
`load.py`, which can then assume it is sound.
"""

from __future__ import annotations

import datetime
import difflib
import re
import string
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from actions.models import DatePrecision, written_date_precision
from formats.reader import ParsedFile, PlanFileError, Problem, describe_path
from wsoa.dates import date_out_of_range
from wsoa.models import InspectionFramework, OrganisationKind, PlanKind, PlanStatus
from wsoa.timescales import parse_timescale

FORMAT = "wsoa-plan/1"
RESOURCE_ALIASES = {
    "additional": "additional",
    "ar": "additional",
    "additional resource": "additional",
    "existing": "existing",
    "er": "existing",
    "existing resource": "existing",
    "unknown": "unknown",
    "": "unknown",
}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class F:
    """A field of an object in the format: kind and whether it is required."""

    kind: str
    required: bool = False
    default: Any = None


SPECS: dict[str, dict[str, F]] = {
    "document": {
        "format": F("text", True),
        "area": F("area", True),
        "organisations": F("[organisation]", default=[]),
        "posts": F("[post]", default=[]),
        "plan": F("plan", True),
        "rating_scheme": F("rating_scheme", True),
        "boards": F("[board]", default=[]),
        "concerns": F("[concern]", True),
    },
    "area": {"name": F("text", True), "health_body_label": F("text", default="ICB")},
    "organisation": {
        "name": F("text", True),
        "short_name": F("text", default=""),
        "kind": F("organisation_kind", default=OrganisationKind.OTHER.value),
    },
    "post": {
        "title": F("text", True),
        "organisation": F("text", default=""),
        "holder": F("text", default=""),
        "email": F("text", default=""),
    },
    "plan": {
        "title": F("text", True),
        "kind": F("plan_kind", default=PlanKind.WSOA.value),
        "status": F("plan_status", default=PlanStatus.DRAFT.value),
        "inspection_start": F("date"),
        "inspection_end": F("date"),
        "published_on": F("date"),
        "concern_label": F("text", default="Significant concern"),
        "introduction": F("text", default=""),
        "inspection_framework": F("inspection_framework", default=""),
        "inspectors": F("[inspector_or_name]", default=[]),
        "report_published_on": F("date"),
        "plan_due_on": F("date"),
    },
    # An inspector written as a mapping (a plain string is a name on its own).
    "inspector": {"name": F("text", True), "role": F("text", default="")},
    # A delivery partner written as a mapping (a plain string is an organisation's name): a
    # person, with their post and organisation, or an organisation.
    "partner": {
        "name": F("text", default=""),
        "post": F("text", default=""),
        "organisation": F("text", default=""),
    },
    "rating_scheme": {"name": F("text", True), "levels": F("[level]", True)},
    "level": {
        "code": F("text", True),
        "label": F("text", True),
        "colour": F("colour", True),
        "meaning": F("text", default=""),
        "is_complete": F("bool", default=False),
        "needs_attention": F("bool", default=False),
    },
    "board": {
        "name": F("text", True),
        "short_name": F("text", default=""),
        "organisation": F("text", default=""),
        "activity": F("text", default=""),
        "frequency": F("text", default=""),
        "concerns": F("[int]", default=[]),
    },
    "concern": {
        "number": F("int", True),
        "title": F("text", True),
        "finding": F("text", default=""),
        "aim": F("text", default=""),
        "kpis": F("[text]", default=[]),
        "sponsor": F("text", default=""),
        "sponsors": F("[text]", default=[]),
        "delivery_partners": F("[partner_or_name]", default=[]),
        "note_from_transcriber": F("text", default=""),
        "outcomes": F("[outcome]", True),
    },
    "outcome": {
        "ref": F("text", default=""),
        # Required unless note_from_transcriber says why the source does not give it.
        "statement": F("text", default=""),
        "impact_statements": F("[text]", default=[]),
        "note_from_transcriber": F("text", default=""),
        "actions": F("[action]", True),
    },
    "action": {
        "ref": F("text", default=""),
        "description": F("text", True),
        "success_measures": F("[text]", default=[]),
        "leads": F("[text]", default=[]),
        "boards": F("[text]", default=[]),
        "resource": F("resource", default="unknown"),
        "timescale": F("text", default=""),
        "due": F("due"),
        "due_date": F("date"),
        "note_from_transcriber": F("text", default=""),
        "progress": F("[progress]", default=[]),
        "milestones": F("[milestone]", default=[]),
    },
    "milestone": {
        "description": F("text", True),
        "deadline": F("text", default=""),
        "due": F("due"),
        "due_date": F("date"),
        "completed_on": F("date"),
        "note_from_transcriber": F("text", default=""),
        "progress": F("[progress]", default=[]),
    },
    "progress": {
        "date": F("date", True),
        "rating": F("text", default=""),
        "narrative": F("text", default=""),
        "author": F("text", default=""),
    },
}

CHOICES = {
    "organisation_kind": OrganisationKind.values,
    "plan_kind": PlanKind.values,
    "plan_status": PlanStatus.values,
    "inspection_framework": InspectionFramework.values,
}

# The longest text each field's database column holds, by (object, key): checked here so that
# a long value is reported with its place instead of failing when it is written.
TEXT_LIMITS = {
    ("area", "name"): 200,
    ("area", "health_body_label"): 20,
    ("organisation", "name"): 200,
    ("organisation", "short_name"): 50,
    ("post", "title"): 200,
    ("post", "holder"): 200,
    ("post", "email"): 254,
    ("plan", "title"): 300,
    ("plan", "concern_label"): 50,
    ("inspector", "name"): 200,
    ("inspector", "role"): 200,
    ("partner", "name"): 200,
    ("partner", "post"): 200,
    ("rating_scheme", "name"): 100,
    ("level", "code"): 30,
    ("level", "label"): 50,
    ("board", "name"): 200,
    ("board", "short_name"): 100,
    ("board", "frequency"): 100,
    ("concern", "title"): 300,
    ("outcome", "ref"): 20,
    ("action", "ref"): 20,
    ("action", "timescale"): 300,
    ("milestone", "deadline"): 300,
    ("progress", "author"): 200,
}
# Concern numbers are stored as small positive whole numbers.
MAX_CONCERN_NUMBER = 32767


def _quote(value: object) -> str:
    return f'"{value}"'


def _suggest(value: str, options) -> str:
    names = [option for option in options if isinstance(option, str)]
    match = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
    return f" (did you mean {_quote(match[0])}?)" if match else ""


def _empty_value(field: F) -> Any:
    if field.kind.startswith("["):
        return []
    if field.kind in SPECS:
        return _empty(field.kind)
    return field.default


def _empty(spec_name: str) -> dict:
    """An object of the format with nothing given: every field at its default. Used where an
    object is missing or is not a mapping (already a problem), so later checks can read it."""
    return {key: _empty_value(field) for key, field in SPECS[spec_name].items()}


class ProblemCollector:
    """The problems found in a parsed file, each with its line and its place in the document's
    own terms (also used by the KPI definitions file's checker)."""

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(self.parsed.problem(path, message))

    def place(self, path: str) -> str:
        return self.parsed.problem(path, "").where


def _child_specs(spec_name: str) -> dict[str, str]:
    """Field → the object spec of its value (or of its list's items), for fields that hold
    objects of the format."""
    children = {}
    for key, field in SPECS[spec_name].items():
        kind = field.kind.strip("[]")
        kind = {"partner_or_name": "partner", "inspector_or_name": "inspector"}.get(kind, kind)
        if kind in SPECS:
            children[key] = kind
    return children


def _article(spec_name: str) -> str:
    word = _WORDS.get(spec_name, spec_name.replace("_", " "))
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


_WORDS = {"level": "rating level", "progress": "progress entry", "document": "plan file"}


def _keys_phrase(keys: list[str]) -> tuple[str, str, str]:
    """`a`, `a` and `b`…: the keys as written, and the verb and pronoun that agree with them."""
    quoted = [f"`{key}`" for key in keys]
    if len(quoted) == 1:
        return quoted[0], "is", "it"
    return ", ".join(quoted[:-1]) + " and " + quoted[-1], "are", "them"


class _Checker(ProblemCollector):
    def __init__(self, parsed: ParsedFile):
        super().__init__(parsed)
        # The objects being checked, outermost first: (spec name, path).
        self.ancestors: list[tuple[str, str]] = []
        # Paths whose follow-on problems a mis-indentation hint already explains.
        self.suppressed: set[str] = set()

    # --- structure ------------------------------------------------------------------------

    def value(self, value: Any, kind: str, path: str) -> Any:
        if kind.startswith("["):
            inner = kind[1:-1]
            if value is None:
                return []
            if not isinstance(value, list):
                self.problem(path, "must be a list")
                return []
            return [self.value(item, inner, f"{path}[{i}]") for i, item in enumerate(value)]
        if kind in SPECS:
            return self.obj(value, kind, path)
        if kind == "text":
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                self.problem(path, "must be text")
                return ""
            text = str(value).strip()
            if "\x00" in text:
                # PostgreSQL cannot store it; it is never meant in a plan.
                self.problem(path, "contains a NUL character (\\0), which is not allowed")
                return text.replace("\x00", "")
            return text
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, f"must be a whole number, not {_quote(value)}")
                return None
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                self.problem(path, f"must be true or false, not {_quote(value)}")
                return False
            return value
        if kind == "date":
            day = None
            if isinstance(value, datetime.datetime):
                day = value.date()
            elif isinstance(value, datetime.date):
                day = value
            elif isinstance(value, str):
                try:
                    day = datetime.date.fromisoformat(value.strip())
                except ValueError:
                    day = None
            if day is None:
                self.problem(path, f"must be a date written YYYY-MM-DD, not {_quote(value)}")
                return None
            if out_of_range := date_out_of_range(day):
                self.problem(path, f"{out_of_range[0].lower()}{out_of_range[1:]}, not {day}")
                return None
            return day
        if kind == "inspector_or_name":
            if isinstance(value, dict):
                return self.obj(value, "inspector", path)
            return {"name": self.value(value, "text", path), "role": ""}
        if kind == "partner_or_name":
            if isinstance(value, dict):
                partner = self.obj(value, "partner", path)
                if not partner["name"] and not partner["organisation"]:
                    self.problem(path, "give the person's name, or an organisation, or both")
                return partner
            return {"name": "", "post": "", "organisation": self.value(value, "text", path)}
        if kind == "due":
            return self.due(value, path)
        if kind == "colour":
            if not isinstance(value, str) or not COLOUR.match(value):
                self.problem(path, f"must be a colour written #rrggbb, not {_quote(value)}")
                return "#b1b4b6"
            return value.lower()
        if kind == "resource":
            key = str(value or "").strip().lower()
            if key not in RESOURCE_ALIASES:
                self.problem(
                    path,
                    f"unknown resource flag {_quote(value)}: use additional (AR), existing (ER) "
                    "or unknown",
                )
                return "unknown"
            return RESOURCE_ALIASES[key]
        if kind in CHOICES:
            if value not in CHOICES[kind]:
                allowed = ", ".join(CHOICES[kind])
                self.problem(path, f"unknown value {_quote(value)}: use one of {allowed}")
                return CHOICES[kind][0]
            return value
        raise AssertionError(kind)

    def due(self, value: Any, path: str) -> dict | None:
        """`due`: a date (precise to the day), or words the due date is derived from
        ("Nov 2019", "Autumn term 2019"), kept as written."""
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date) or (
            isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value)
        ):
            day = self.value(value, "date", path)
            if day is None:
                return None
            return {"date": day, "precision": DatePrecision.DAY.value, "as_written": ""}
        text = self.value(value, "text", path)
        if not text:
            return None
        if len(text) > 300:
            self.problem(path, f"is {len(text)} characters long; at most 300 allowed")
            return None
        derived = parse_timescale(text).due
        if derived is None:
            self.problem(
                path,
                f"no due date can be worked out from {_quote(text)}: write a date "
                '(2019-11-30), a month ("Nov 2019") or a term ("Autumn term 2019"); words '
                "with no date belong in timescale (deadline for a milestone)",
            )
            return None
        return {
            "date": derived,
            "precision": written_date_precision(text),
            "as_written": text,
        }

    def obj(self, value: Any, spec_name: str, path: str) -> dict:
        spec = SPECS[spec_name]
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of {', '.join(spec)}")
            return _empty(spec_name)
        explained = self.misindented(value, spec_name, path)
        result: dict[str, Any] = {}
        for key in value:
            if key not in spec and key not in explained:
                self.problem(
                    f"{path}.{key}" if path else str(key),
                    f"unknown field {_quote(key)}{_suggest(str(key), spec)}",
                )
        self.ancestors.append((spec_name, path))
        try:
            for key, field in spec.items():
                child = f"{path}.{key}" if path else key
                raw = value.get(key)
                # Blank text is as good as missing: a required title of "  " is no title.
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    if field.required:
                        self.problem(child, "is required")
                    result[key] = _empty_value(field)
                    continue
                if key in explained:
                    result[key] = _empty_value(field)
                    continue
                if key == "ref" and isinstance(raw, float):
                    # YAML reads 1.10 as the number 1.1: the ref as written is already lost.
                    self.problem(
                        child, f'{raw} was read as a number: put the ref in quotes, e.g. "{raw}"'
                    )
                result[key] = self.value(raw, field.kind, child)
                limit = TEXT_LIMITS.get((spec_name, key))
                if limit and isinstance(result[key], str) and len(result[key]) > limit:
                    self.problem(
                        child, f"is {len(result[key])} characters long; at most {limit} allowed"
                    )
        finally:
            self.ancestors.pop()
        return result

    # --- mis-indented blocks ----------------------------------------------------------------
    # A block indented one level too deep or too shallow is often still valid YAML: its keys
    # then land in the wrong object, and the officer would see a dozen "unknown field" and
    # "is required" messages for one slip. The common cases are recognised and said once.

    def misindented(self, value: dict, spec_name: str, path: str) -> set[str]:
        """Report keys of `value` that belong one level up or down, or a field whose value is a
        block of its siblings; return the keys so explained (not reported again)."""
        spec = SPECS[spec_name]
        here = self.place(path) or "the top level"
        children = _child_specs(spec_name)
        groups: dict[tuple, list[str]] = {}
        for key in value:
            if not isinstance(key, str) or key in spec:
                continue
            home = self._child_home(value, path, children, key) or self._ancestor_home(key)
            if home:
                groups.setdefault(home, []).append(key)
        explained: set[str] = set()
        for home, keys in groups.items():
            kind, target, target_spec = home
            named, verb, them = _keys_phrase(keys)
            if kind == "child" and target:
                advice = f"indent {them} under {self.place_from(target, here)}"
                self.suppressed.update(f"{target}.{key}" for key in keys)
            elif kind == "child":
                advice = f"put {them} in {_article(target_spec)} in the list under {here}"
                self.suppressed.update(f"{path}.{field}" for field in children)
            else:
                advice = (
                    f"indent {them} under {self.place_from(target, here)}, lined up with its "
                    "other fields"
                )
                self.suppressed.update(f"{target}.{key}" if target else key for key in keys)
            first = min(keys, key=lambda k: self.parsed.line_of(self._join(path, k)) or 0)
            self.hint(
                self._join(path, first),
                f"this looks mis-indented: {named} {verb} indented like "
                f"{'a field' if len(keys) == 1 else 'fields'} of {here}; {advice}",
            )
            explained.update(keys)
        # A field whose value is a block of keys that are its own siblings: `milestones:`
        # indented under `leads:`.
        for key, field in spec.items():
            raw = value.get(key)
            if key in children or not isinstance(raw, dict) or field.kind in ("due",):
                continue
            siblings = [k for k in raw if isinstance(k, str) and k in spec and k != key]
            if siblings:
                named, verb, them = _keys_phrase(siblings)
                self.hint(
                    self._join(self._join(path, key), siblings[0]),
                    f"this looks mis-indented: {named} {verb} indented under `{key}` of "
                    f"{here}; line {them} up with `{key}`",
                )
                self.suppressed.add(self._join(path, key))
                explained.add(key)
        return explained

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def _child_home(self, value: dict, path: str, children: dict, key: str):
        """(child, the item above the key it belongs to, its spec), if `key` is a field of
        the objects one level down."""
        key_line = self.parsed.line_of(self._join(path, key)) or 0
        for field, child_spec in children.items():
            if key not in SPECS[child_spec]:
                continue
            items = value.get(field)
            field_path = self._join(path, field)
            if isinstance(items, dict):
                return ("child", field_path, child_spec)
            if isinstance(items, list) and items:
                above = [
                    i
                    for i in range(len(items))
                    if (self.parsed.line_of(f"{field_path}[{i}]") or 0) <= key_line
                ]
                index = above[-1] if above else len(items) - 1
                return ("child", f"{field_path}[{index}]", child_spec)
            if items is None:
                return ("child", "", child_spec)
        return None

    def _ancestor_home(self, key: str):
        """(ancestor, its path, its spec), if `key` is a field of an object further up."""
        for spec_name, path in reversed(self.ancestors):
            if key in SPECS[spec_name]:
                return ("ancestor", path, spec_name)
        return None

    def place_from(self, path: str, here: str) -> str:
        """The place of `path`, less what it shares with `here` ("action 1.1a", not "concern
        1, outcome 1.1, action 1.1a", when speaking of something in outcome 1.1)."""
        there = self.place(path).split(", ")
        common = 0
        for mine, theirs in zip(here.split(", "), there, strict=False):
            if mine != theirs:
                break
            common += 1
        return ", ".join(there[common:] or there) or "the top level"

    def hint(self, path: str, message: str) -> None:
        """Said once, at the line of the first key out of place."""
        self.problems.append(Problem("", message, self.parsed.line_of(path)))

    def finish(self) -> list[Problem]:
        """The problems, less the follow-on messages of a block already reported as
        mis-indented: its keys' "is required" where they belonged, and anything inside a
        field explained as holding its siblings."""
        kept = []
        for problem in self.problems:
            if problem.path in self.suppressed and problem.message.startswith(
                ("is required", "must be")
            ):
                continue
            if any(problem.path.startswith(f"{path}.") for path in self.suppressed):
                continue
            kept.append(problem)
        return kept


def validate_plan_document(
    parsed: ParsedFile,
    *,
    existing_organisations: set[str] = frozenset(),
    existing_posts: set[str] = frozenset(),
    existing_boards: dict[str, str] | None = None,
) -> dict:
    """Check the document; return it normalised, or raise PlanFileError with every problem.

    `existing_*` are what the area already holds in the database, so a file may refer to an
    organisation, post or board loaded by an earlier plan of the same area.
    """
    checker = _Checker(parsed)
    if not isinstance(parsed.data, dict):
        raise PlanFileError(
            [
                Problem(
                    "",
                    "a plan file must be a mapping with format, area, plan, "
                    "rating_scheme and concerns at the top",
                )
            ]
        )
    doc = checker.obj(parsed.data, "document", "")
    if doc["format"] and doc["format"] != FORMAT:
        checker.problem("format", f"unknown format {_quote(doc['format'])}: expected {FORMAT}")
    _check_references(checker, doc, existing_organisations, existing_posts, existing_boards or {})
    if checker.problems:
        raise PlanFileError(checker.finish())
    return doc


def _unique(checker: _Checker, items, key: str, list_path: str, what: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = item.get(key)
        if value in (None, ""):
            continue
        folded = str(value).casefold()
        if folded in seen:
            checker.problem(f"{list_path}[{index}].{key}", f"duplicate {what} {_quote(value)}")
        seen.add(folded)


def _check_references(checker, doc, existing_organisations, existing_posts, existing_boards):
    _unique(checker, doc["organisations"], "name", "organisations", "organisation")
    _unique(checker, doc["posts"], "title", "posts", "post")
    _unique(checker, doc["boards"], "name", "boards", "board")
    _unique(checker, doc["concerns"], "number", "concerns", "concern number")

    # Names left out are already reported as required; they name nothing.
    organisations = {o["name"] for o in doc["organisations"] if o["name"]}
    organisations |= set(existing_organisations)
    posts = {p["title"] for p in doc["posts"] if p["title"]} | set(existing_posts)
    # A board may be referred to by its name or its short name.
    boards = dict(existing_boards)
    for board in doc["boards"]:
        if not board["name"]:
            continue
        boards[board["name"]] = board["name"]
        if board["short_name"]:
            boards[board["short_name"]] = board["name"]

    def known(value, options, path, what):
        if value and value not in options:
            checker.problem(path, f"unknown {what} {_quote(value)}{_suggest(value, options)}")

    for i, post in enumerate(doc["posts"]):
        known(post["organisation"], organisations, f"posts[{i}].organisation", "organisation")
        if post["email"]:
            try:
                validate_email(post["email"])
            except ValidationError:
                checker.problem(
                    f"posts[{i}].email", f"{_quote(post['email'])} is not an email address"
                )

    scheme = doc["rating_scheme"]
    levels = scheme.get("levels") or []
    _unique(checker, levels, "code", "rating_scheme.levels", "rating code")
    if sum(1 for level in levels if level["is_complete"]) > 1:
        checker.problem("rating_scheme.levels", "only one level may mean complete (is_complete)")
    codes = {level["code"] for level in levels if level["code"]}

    concern_numbers = {c["number"] for c in doc["concerns"]}
    for i, concern in enumerate(doc["concerns"]):
        number = concern["number"]
        if number is not None and not 1 <= number <= MAX_CONCERN_NUMBER:
            checker.problem(
                f"concerns[{i}].number", f"must be a whole number from 1 to {MAX_CONCERN_NUMBER}"
            )
    for i, board in enumerate(doc["boards"]):
        known(board["organisation"], organisations, f"boards[{i}].organisation", "organisation")
        for j, number in enumerate(board["concerns"]):
            if number is not None and number not in concern_numbers:
                checker.problem(f"boards[{i}].concerns[{j}]", f"no concern numbered {number}")

    plan = doc["plan"]
    start, end = plan.get("inspection_start"), plan.get("inspection_end")
    if start and end and end < start:
        checker.problem("plan.inspection_end", "the inspection cannot end before it starts")
    report = plan.get("report_published_on")
    if report and start and report < start:
        checker.problem(
            "plan.report_published_on", "the report cannot be published before the inspection"
        )

    def check_due(item, path):
        if item["due"] is not None and item["due_date"] is not None:
            checker.problem(
                f"{path}.due_date", "give due or due_date, not both (due may be a date too)"
            )

    def check_progress(entries, path):
        for k, entry in enumerate(entries):
            known(entry["rating"], codes, f"{path}[{k}].rating", "rating code")

    explicit_refs: dict[str, str] = {}
    data = checker.parsed.data
    for ci, concern in enumerate(doc["concerns"]):
        cpath = f"concerns[{ci}]"
        known(concern["sponsor"], posts, f"{cpath}.sponsor", "post")
        if concern["sponsor"] and concern["sponsors"]:
            checker.problem(
                f"{cpath}.sponsors", "give sponsor (one) or sponsors (a list), not both"
            )
        for j, sponsor in enumerate(concern["sponsors"]):
            known(sponsor, posts, f"{cpath}.sponsors[{j}]", "post")
        for j, partner in enumerate(concern["delivery_partners"]):
            where = f"{cpath}.delivery_partners[{j}]"
            if partner["name"]:
                where += ".organisation"
            known(partner["organisation"], organisations, where, "organisation")
        for oi, outcome in enumerate(concern["outcomes"]):
            opath = f"{cpath}.outcomes[{oi}]"
            if not outcome["statement"] and not outcome["note_from_transcriber"]:
                checker.problem(
                    f"{opath}.statement",
                    "is required (where the source lost it, leave it out and say so in "
                    "note_from_transcriber)",
                )
            for ai, action in enumerate(outcome["actions"]):
                apath = f"{opath}.actions[{ai}]"
                check_due(action, apath)
                for mi, milestone in enumerate(action["milestones"]):
                    check_due(milestone, f"{apath}.milestones[{mi}]")
                for j, lead in enumerate(action["leads"]):
                    known(lead, posts, f"{apath}.leads[{j}]", "post")
                for j, board in enumerate(action["boards"]):
                    known(board, boards, f"{apath}.boards[{j}]", "board")
                check_progress(action["progress"], f"{apath}.progress")
                for mi, milestone in enumerate(action["milestones"]):
                    check_progress(milestone["progress"], f"{apath}.milestones[{mi}].progress")
                ref = action["ref"]
                if ref:
                    folded = ref.casefold()
                    if folded in explicit_refs:
                        # Said by position: both actions have the same ref.
                        checker.problems.append(
                            Problem(
                                f"{apath}.ref",
                                f"duplicate action ref {_quote(ref)} (first used at "
                                f"{describe_path(explicit_refs[folded], data, name_last=False)})",
                                checker.parsed.line_of(f"{apath}.ref"),
                                describe_path(apath, data, name_last=False) + ", ref",
                            )
                        )
                    else:
                        explicit_refs[folded] = apath
    if not checker.problems:
        _normalise(doc, set(explicit_refs), boards)


def _letters():
    """a, b, … z, aa, ab, … zz: suffixes for generated action refs."""
    yield from string.ascii_lowercase
    yield from (a + b for a in string.ascii_lowercase for b in string.ascii_lowercase)


def _normalise(doc: dict, taken_refs: set[str], board_names: dict[str, str]) -> None:
    """Generate missing refs, resolve board short names, derive dates from timescales."""
    for concern in doc["concerns"]:
        sponsors = [concern["sponsor"]] if concern["sponsor"] else concern["sponsors"]
        concern["sponsors"] = list(dict.fromkeys(sponsors))
        for position, outcome in enumerate(concern["outcomes"], start=1):
            base = outcome["ref"] or f"{concern['number']}.{position}"
            letters = _letters()
            for action in outcome["actions"]:
                if not action["ref"]:
                    candidate = base + next(letters)
                    while candidate.casefold() in taken_refs:
                        candidate = base + next(letters)
                    action["ref"] = candidate
                    action["ref_generated"] = True
                    taken_refs.add(candidate.casefold())
                action["boards"] = list(dict.fromkeys(board_names[b] for b in action["boards"]))
                action["leads"] = list(dict.fromkeys(action["leads"]))
                parsed = parse_timescale(action["timescale"])
                action["starts_on"] = parsed.start
                _settle_due(action, action["timescale"], parsed.due)
                if (
                    action["starts_on"]
                    and action["due_date"]
                    and (action["starts_on"] > action["due_date"])
                ):
                    action["starts_on"] = None
                for milestone in action["milestones"]:
                    deadline = milestone["deadline"]
                    _settle_due(milestone, deadline, parse_timescale(deadline).due)


def _settle_due(item: dict, text: str, derived: datetime.date | None) -> None:
    """The due date, its precision and the words it comes from: `due` as given; else a
    `due_date` (a day); else what the timescale (deadline) gives, with its words."""
    if item["due"] is not None:
        due = item["due"]
        item["due_date"] = due["date"]
        item["due_date_precision"] = due["precision"]
        item["due_date_as_written"] = due["as_written"]
    elif item["due_date"] is not None:
        item["due_date_precision"] = DatePrecision.DAY.value
        item["due_date_as_written"] = ""
    else:
        item["due_date"] = derived
        item["due_date_precision"] = written_date_precision(text) if derived else ""
        item["due_date_as_written"] = text if derived else ""
