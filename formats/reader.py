"""The one reader of every YAML or JSON file format (plans, meetings, KPI definitions): bytes into
plain Python data, remembering the line of every value, and the one problem type they report.

Line numbers and places let a problem be reported where an officer can find it, in the
document's own terms and counting from 1:
``line 212, concern 1, outcome 1.2, action 1.2b, ref: duplicate action ref "1.1a"``.
"""

from __future__ import annotations

import gc
import json
import re
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class Problem:
    """One problem in a file. `path` is the machine's address of the value
    (`concerns[0].outcomes[1]`, counting from 0); `place` is where it is in the document's own
    terms ("concern 1, outcome 1.2"), as an officer reads it. Without a `place`, the path is
    described in words (counting from 1)."""

    path: str
    message: str
    line: int | None = None
    place: str = ""

    @property
    def where(self) -> str:
        return self.place or describe_path(self.path)

    def __str__(self) -> str:
        line = f"line {self.line}" if self.line else ""
        where = ", ".join(part for part in (line, self.where) if part)
        return f"{where}: {self.message}" if where else self.message


# --- Places in words -------------------------------------------------------------------------
# What one item of a list is called, by the list's key (default: the key less its final "s").
ITEM_NAMES = {
    "levels": "rating level",
    "progress": "progress entry",
    "delivery_partners": "delivery partner",
    "success_measures": "success measure",
    "impact_statements": "impact statement",
    "kpis": "KPI",
    "attendance": "attendee",
    "present": "person present",
    "apologies": "apology",
    "values": "value",
    "minutes": "minute",
    "agenda": "agenda item",
}
# The keys that give an item its own name, in order of preference: a concern's number, an
# outcome's or action's ref, a KPI's code; names and titles are quoted.
OWN_NUMBERS = ("number", "ref", "code")
OWN_NAMES = ("name", "title")
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _item_name(list_key: str) -> str:
    if list_key in ITEM_NAMES:
        return ITEM_NAMES[list_key]
    return list_key[:-1] if list_key.endswith("s") else f"item of {list_key}"


def _own_name(item: object) -> str:
    if not isinstance(item, dict):
        return ""
    for key in OWN_NUMBERS:
        value = item.get(key)
        is_scalar = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        if is_scalar and str(value).strip():
            return str(value).strip()
    for key in OWN_NAMES:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            name = value.strip()
            return f'"{name[:40]}…"' if len(name) > 40 else f'"{name}"'
    return ""


def describe_path(path: str, data: object = None, *, name_last: bool = True) -> str:
    """A path such as `concerns[0].outcomes[1].actions[2].milestones[2].due` in words:
    "concern 1, outcome 1.2, the 3rd milestone of action 1.2b, due". An item is named by its
    own number, ref, code or name in `data` where it has one, else by its position counting
    from 1 ("the 3rd milestone of" the item it belongs to). Without `name_last`, the last item
    is said by its position even where it has a name (two actions with the same ref)."""
    parts: list[str] = []
    last_was_item = False
    keys: list[str] = []
    node = data
    list_key = ""
    tokens = _TOKEN.findall(path)
    last_item = max((n for n, (_, index) in enumerate(tokens) if index), default=-1)
    for number, (name, index) in enumerate(tokens):
        if name:
            keys.append(name)
            list_key = name
            node = node.get(name) if isinstance(node, dict) else None
            continue
        position = int(index)
        item_name = _item_name(list_key)
        if keys:
            keys.pop()  # the list's own key is said by its item's name
        if keys:
            parts.append(".".join(keys))
            last_was_item = False
        keys = []
        node = node[position] if isinstance(node, list) and position < len(node) else None
        own = _own_name(node) if name_last or number != last_item else ""
        if own:
            parts.append(f"{item_name} {own}")
        elif last_was_item and parts:
            parts[-1] = f"the {ordinal(position + 1)} {item_name} of {parts[-1]}"
        else:
            parts.append(f"the {ordinal(position + 1)} {item_name}")
        last_was_item = True
    if keys:
        parts.append(".".join(keys))
    return ", ".join(parts)


class PlanFileError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ParsedFile:
    data: object
    lines: dict[str, int] = field(default_factory=dict)

    def problem(self, path: str, message: str) -> Problem:
        """A problem at `path`, with its line and its place in the document's own terms."""
        return Problem(path, message, self.line_of(path), describe_path(path, self.data))

    def line_of(self, path: str) -> int | None:
        # The nearest enclosing value with a known line: a missing key is reported at its parent.
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("")


# --- Bounds: what a hostile file cannot make the reader do -------------------------------------
# A file is refused, with the line, before anything is built from it, when it nests deeper than
# this (real plans nest about 8 levels; libyaml's composer recurses in C and crashes the process
# on a few thousand) or uses a YAML alias (`*name`: a "billion laughs" file expands a few
# hundred bytes into billions of values; no format here needs one).
MAX_DEPTH = 40


def _refuse(message: str, line: int | None = None):
    raise PlanFileError([Problem("", message, line=line)])


def _check_yaml_structure(text: str, loader) -> None:
    """Walk libyaml's event stream (iterative, no tree built) and refuse aliases and deep
    nesting before the document is composed."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                _refuse(
                    f'the file uses a YAML alias ("*{event.anchor}"), which this format does '
                    "not accept: write the value out in full",
                    event.start_mark.line + 1,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    _refuse(
                        f"the file nests lists and sections more than {MAX_DEPTH} levels deep, "
                        "which no plan, meeting or KPI file needs: check its indentation",
                        event.start_mark.line + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError:
        return  # not YAML at all: the full parse reports it with its line


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}\n]")


def _check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before `json.loads` recurses into it."""
    depth, line = 0, 1
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                _refuse(
                    f"the file nests lists and objects more than {MAX_DEPTH} levels deep, "
                    "which no plan, meeting or KPI file needs",
                    line,
                )
        else:
            depth -= 1


# libyaml's parser (PyYAML's C extension) when it is installed: the pure-Python one takes about
# ten seconds on a plan of 1,000 actions and 5,000 milestones (docs/performance.md).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictSafeLoader(_SafeLoader):
    """A safe loader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f'duplicate key "{key}"', key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


class _TextDatesLoader(_StrictSafeLoader):
    """The same, without implicit timestamps: dates stay text, so a format that checks its own
    dates reports a bad one with its other problems instead of stopping the parse."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _StrictSafeLoader.yaml_implicit_resolvers.items()
}


def _record_lines(node, path: str, lines: dict[str, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = f"{path}.{key}" if path else str(key)
            _record_lines(value_node, child, lines)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{path}[{index}]", lines)


def parse_yaml_file(
    raw: bytes, *, max_bytes: int, name: str = "the file", dates_as_text: bool = False
) -> ParsedFile:
    """Bytes → data with line numbers. Raises PlanFileError for anything that is not YAML or
    JSON. With `dates_as_text`, unquoted dates are left as strings for the caller to check."""
    if len(raw) > max_bytes:
        raise PlanFileError(
            [
                Problem(
                    "",
                    f"{name} is {len(raw):,} bytes; the largest plan file accepted is "
                    f"{max_bytes:,} bytes",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            [
                Problem(
                    "",
                    f"{name} is not UTF-8 text (byte {exc.start} cannot be read); save it "
                    "as UTF-8 YAML or JSON",
                )
            ]
        ) from exc
    if not text.strip():
        raise PlanFileError([Problem("", f"{name} is empty")])

    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        _check_json_depth(text)
        try:
            return ParsedFile(data=json.loads(text))
        except json.JSONDecodeError as exc:
            raise PlanFileError(
                [Problem("", f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]
            ) from exc

    # Parsed once: the node tree gives the line numbers, and the data is built from it. The
    # cyclic garbage collector is paused meanwhile: it would otherwise rescan the growing tree
    # again and again, more than doubling the time (the file is at most max_bytes).
    loader_class = _TextDatesLoader if dates_as_text else _StrictSafeLoader
    _check_yaml_structure(text, loader_class)
    collecting = gc.isenabled()
    gc.disable()
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = exc.problem or str(exc)
        raise PlanFileError([Problem("", f"not valid YAML: {message}", line=line)]) from exc
    except yaml.YAMLError as exc:
        raise PlanFileError([Problem("", f"not valid YAML: {exc}")]) from exc
    finally:
        if collecting:
            gc.enable()

    lines: dict[str, int] = {}
    if node is not None:
        _record_lines(node, "", lines)
    return ParsedFile(data=data, lines=lines)


# The plan file's name for the reader, kept for its callers.
parse_plan_file = parse_yaml_file
