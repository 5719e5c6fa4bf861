"""The one reader of every YAML or JSON file format (plans, meetings, KPI definitions): bytes into
plain Python data, remembering the line of every value, and the one problem type they report.

Line numbers let a problem be reported where an officer can find it in their editor:
``line 212, concerns[0].outcomes[1].actions[2].ref: duplicate action ref "1.1a"``.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (f"line {self.line}" if self.line else "", self.path) if part
        )
        return f"{where}: {self.message}" if where else self.message


class PlanFileError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# The neutral name: every file format raises it (or a subclass), not only the plan file.
FileFormatError = PlanFileError


@dataclass
class ParsedFile:
    data: object
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        # The nearest enclosing value with a known line: a missing key is reported at its parent.
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("")


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
        try:
            return ParsedFile(data=json.loads(text))
        except json.JSONDecodeError as exc:
            raise PlanFileError(
                [Problem("", f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]
            ) from exc

    # Parsed once: the node tree gives the line numbers, and the data is built from it. The
    # cyclic garbage collector is paused meanwhile: it would otherwise rescan the growing tree
    # again and again, more than doubling the time (the file is at most max_bytes).
    collecting = gc.isenabled()
    gc.disable()
    try:
        loader = (_TextDatesLoader if dates_as_text else _StrictSafeLoader)(text)
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
