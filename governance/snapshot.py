"""The board pack snapshot: the meeting dashboard's typed, versioned schema.

A board pack is kept for years and must always show what the board was given, so its data
has one schema, written down here as frozen dataclasses, with:

- one builder, `build_snapshot(data)`: `governance.dashboard.meeting_dashboard` computes the
  figures and hands them here; the live page renders the result;
- one reader, `read_snapshot(json)`: every pack page, PDF and XLSX reads the stored JSON
  through it. It refuses JSON it cannot read, naming the key, and upgrades older versions
  one step at a time (`UPGRADES`);
- `to_json(snapshot)`: what `board_pack_issue` stores in `BoardPack.snapshot`.

Builder and reader make the dataclasses in one way, `_decoder(Snapshot)`, driven by the
annotations below, so a field added to a dataclass is built, stored, read and checked with no
other code. Dates are `datetime.date`/`datetime.datetime` here and ISO strings in JSON.

A field with a default may be missing from stored JSON (the reader fills in the default);
an optional field (default None) that is None is left out of the JSON. Keys the schema does
not know are ignored. How to add a field and bump the version: docs/governance.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SNAPSHOT_SCHEMA = 3


class SnapshotError(ValueError):
    """Stored snapshot data that cannot be read; the message names the key that is wrong."""


class _Record:
    """Read-only dict-style access, `snapshot["since"]["has_previous"]`, as well as
    attributes, for code written against the plain dicts of schema 1 (scripts, tests)."""

    __iter__ = None  # a record is not a sequence: iterating it is a bug, not key order

    def __getitem__(self, key: str) -> Any:
        if key in self.__dataclass_fields__:  # type: ignore[attr-defined]
            return getattr(self, key)
        raise KeyError(key)


# A RAG summary column: a rating level's pk, "proposed" (actions.status.PROPOSED: completion
# proposed, not yet signed off) or None (not yet rated).
ColumnKey = int | str | None


@dataclass(frozen=True, kw_only=True)
class Level(_Record):
    """A rating level as it was when the snapshot was taken (colours and words included)."""

    pk: int | str
    code: str
    label: str
    colour: str
    rank: int
    text_colour: str = ""
    meaning: str = ""
    is_complete: bool = False
    needs_attention: bool = False


@dataclass(frozen=True, kw_only=True)
class BoardInfo(_Record):
    pk: int
    name: str
    area: str


@dataclass(frozen=True, kw_only=True)
class MeetingInfo(_Record):
    pk: int
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    status: str


@dataclass(frozen=True, kw_only=True)
class SummaryCell(_Record):
    """`count` actions in the column; from schema 3, `derived` of them are counted at the
    rating derived from their milestones (they have none of their own)."""

    level: ColumnKey
    count: int
    derived: int = 0


@dataclass(frozen=True, kw_only=True)
class SummaryRow(_Record):
    """One concern's counts, one cell per column of its plan's summary."""

    concern_pk: int
    number: int
    title: str
    cells: tuple[SummaryCell, ...]
    total: int


@dataclass(frozen=True, kw_only=True)
class PlanSummary(_Record):
    """A plan's RAG summary: concerns × `columns` (the plan's levels by rank, then, from
    schema 2, "proposed", then None), with the totals of each column."""

    pk: int
    title: str
    concern_label: str
    columns: tuple[ColumnKey, ...]
    rows: tuple[SummaryRow, ...]
    totals: tuple[SummaryCell, ...]
    total: int
    derived: int = 0  # from schema 3: how many of `total` are rated from their milestones


@dataclass(frozen=True, kw_only=True)
class ActionRow(_Record):
    """An action as the lists of the dashboard and the pack show it. `level` and
    `previous_level` are keys of `Snapshot.levels` (as ints), None for not yet rated: the
    rating shown, which from schema 3 may be derived from the action's milestones (it has no
    rating of its own); `derived` and `previous_derived` say so, and `kind` is then
    actions.status.FROM_MILESTONES."""

    pk: int
    plan_pk: int
    ref: str
    description: str
    concern_number: int
    leads: str
    due_date: datetime.date | None
    level: int | None
    previous_level: int | None
    kind: str | None
    last_update_on: datetime.date | None
    narrative: str
    derived: bool = False
    previous_derived: bool = False


@dataclass(frozen=True, kw_only=True)
class MilestoneRow(_Record):
    pk: int
    action_pk: int
    plan_pk: int
    action_ref: str
    description: str
    due_date: datetime.date | None
    completed_on: datetime.date | None


@dataclass(frozen=True, kw_only=True)
class DueDateMove(_Record):
    action_pk: int
    plan_pk: int
    action_ref: str
    milestone: str  # the milestone's description; "" when the action's own date moved
    from_date: datetime.date | None
    to_date: datetime.date | None
    reason: str
    changed_by: str
    changed_on: datetime.date


@dataclass(frozen=True, kw_only=True)
class SinceSections(_Record):
    """What changed since the board's last meeting. The action lists are
    governance.dashboard.SINCE_ACTION_SECTIONS, in that order."""

    first_rated: tuple[ActionRow, ...]
    worsened: tuple[ActionRow, ...]
    improved: tuple[ActionRow, ...]
    proposed: tuple[ActionRow, ...]
    signed_off: tuple[ActionRow, ...]
    sent_back: tuple[ActionRow, ...]
    # Complete through its milestones (a derived rating): there is no sign-off to list. Added
    # within schema 3, so a pack issued before it reads with none.
    completed_by_milestones: tuple[ActionRow, ...] = ()
    milestones_completed: tuple[MilestoneRow, ...]
    due_dates_moved: tuple[DueDateMove, ...]


@dataclass(frozen=True, kw_only=True)
class Since(_Record):
    """`sections` is None when there is nothing to compare with (no earlier meeting, or the
    as-at date is not after it)."""

    has_previous: bool
    sections: SinceSections | None


@dataclass(frozen=True, kw_only=True)
class Attention(_Record):
    overdue_actions: tuple[ActionRow, ...]
    overdue_milestones: tuple[MilestoneRow, ...]
    no_update_since_last_meeting: tuple[ActionRow, ...] | None  # None: no earlier meeting
    red_amber: tuple[ActionRow, ...]
    awaiting_sign_off: tuple[ActionRow, ...]


@dataclass(frozen=True, kw_only=True)
class KpiRow(_Record):
    """A KPI as text, as the board was shown it."""

    code: str
    name: str
    period: str
    value: str
    previous: str
    target: str
    rating: str
    rag: str
    trend: str
    arrow: str
    is_red: bool
    is_worsened: bool


@dataclass(frozen=True, kw_only=True)
class KpiSection(_Record):
    """The board's KPIs that are red or worsened (`rows`) out of `count`. Without a KPI
    dataset, `available` is False and there is no count."""

    available: bool
    rows: tuple[KpiRow, ...]
    count: int | None = None


@dataclass(frozen=True, kw_only=True)
class LogItem(_Record):
    """An open item of the board's meeting action log."""

    pk: int
    ref: str
    description: str
    owner: str
    due_date: datetime.date | None
    raised_on: datetime.date
    raised_at_pk: int
    status: str
    latest_note: str
    is_overdue: bool
    plan_action_pk: int | None
    plan_action_ref: str
    plan_pk: int | None


@dataclass(frozen=True, kw_only=True)
class ActionLog(_Record):
    open: tuple[LogItem, ...]
    overdue_count: int


@dataclass(frozen=True, kw_only=True)
class PackInfo(_Record):
    """Added when a pack is issued (`with_pack`); the live dashboard has none."""

    version: int
    issued_at: datetime.datetime
    issued_by: str
    note: str


@dataclass(frozen=True, kw_only=True)
class Snapshot(_Record):
    """The meeting dashboard as at `as_at`, as known by `known_by` (a pack's moment of
    issue; None for the live page). `levels` is keyed by str(level pk) and "proposed"."""

    schema: int
    generated_at: datetime.datetime
    as_at: datetime.date
    known_by: datetime.datetime | None
    is_live: bool
    board: BoardInfo
    meeting: MeetingInfo
    previous_meeting: MeetingInfo | None
    levels: dict[str, Level]
    plans: tuple[PlanSummary, ...]
    since: Since
    attention: Attention
    kpis: KpiSection
    action_log: ActionLog
    pack: PackInfo | None = None


# --- Building, reading and storing ------------------------------------------------------


def build_snapshot(data: dict) -> Snapshot:
    """The one builder: the dashboard's figures (dates as dates or ISO strings, lists as
    lists) → a current-version Snapshot, checked as a stored pack would be."""
    return _decoder(Snapshot)({**data, "schema": SNAPSHOT_SCHEMA}, "")


def with_pack(
    snapshot: Snapshot,
    *,
    version: int,
    issued_at: datetime.datetime,
    issued_by: str,
    note: str,
) -> Snapshot:
    """The snapshot as issued in a board pack."""
    pack = PackInfo(version=version, issued_at=issued_at, issued_by=issued_by, note=note)
    return dataclasses.replace(snapshot, pack=pack)


def read_snapshot(data: dict) -> Snapshot:
    """The one reader: stored JSON of any version → the current Snapshot. Raises
    SnapshotError naming the key that is missing or wrong."""
    if not isinstance(data, dict):
        raise SnapshotError("The snapshot is not a JSON object")
    if "schema" not in data:
        raise SnapshotError("The snapshot is missing 'schema'")
    schema = data["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise SnapshotError(f"The snapshot's 'schema' is not a version number: {schema!r}")
    if schema > SNAPSHOT_SCHEMA:
        raise SnapshotError(
            f"The snapshot is schema {schema}, newer than this code reads ({SNAPSHOT_SCHEMA})"
        )
    while schema < SNAPSHOT_SCHEMA:
        data = UPGRADES[schema](data)
        schema += 1
    return _decoder(Snapshot)({**data, "schema": SNAPSHOT_SCHEMA}, "")


def to_json(snapshot: Snapshot) -> dict:
    """The snapshot as JSON-ready data (ISO dates, lists), as a board pack stores it."""
    return _encode(snapshot)


# --- Upgrades: one function per version step, each from the stored JSON of version N to
# the JSON of version N + 1. They never invent figures the board was not shown.


def _upgrade_1_to_2(data: dict) -> dict:
    """Schema 2 added the "Rated for the first time" list (`since.sections.first_rated`)
    and the summaries' "Completion proposed" column (`levels["proposed"]`, the "proposed"
    entry of each plan's `columns`, cells and totals); "nothing to compare" became
    `sections: null` instead of `{}`.

    A schema-1 pack gets an empty first-rated list (it listed none). Its summaries keep the
    columns they had: no proposed column with made-up zero counts, because in schema 1 a
    proposal was counted where the pack counted it and the pack must show what the board saw.
    Packs issued on the day the fields were added, before the version was bumped, have them
    already and keep them."""
    since = dict(_key(data, "since", ""))
    sections = _key(since, "sections", "since")
    if sections:
        since["sections"] = {"first_rated": [], **sections}
    else:
        since["sections"] = None
    return {**data, "since": since, "schema": 2}


# Where schema 2 keeps ActionRows: the "since" lists and the attention lists.
_SINCE_ACTION_LISTS = ("first_rated", "worsened", "improved", "proposed", "signed_off", "sent_back")
_ATTENTION_ACTION_LISTS = (
    "overdue_actions",
    "no_update_since_last_meeting",
    "red_amber",
    "awaiting_sign_off",
)


def _upgrade_2_to_3(data: dict) -> dict:
    """Schema 3 added ratings derived from milestones: each action row's `derived` and
    `previous_derived`, each summary cell's `derived` count and each plan's `derived` total.

    Before schema 3 no rating was derived: every rating a schema-2 pack shows is the action's
    own, so the upgrade says so (False, 0) and changes no rating or count."""

    def rows(items):
        return [{**row, "derived": False, "previous_derived": False} for row in items]

    def cells(items):
        return [{**cell, "derived": 0} for cell in items]

    since = dict(_key(data, "since", ""))
    sections = since.get("sections")
    if sections:
        since["sections"] = {
            **sections,
            **{key: rows(sections[key]) for key in _SINCE_ACTION_LISTS if key in sections},
        }
    attention = dict(_key(data, "attention", ""))
    for key in _ATTENTION_ACTION_LISTS:
        if attention.get(key) is not None:
            attention[key] = rows(attention[key])
    plans = [
        {
            **plan,
            "derived": 0,
            "totals": cells(_key(plan, "totals", "plans")),
            "rows": [
                {**row, "cells": cells(_key(row, "cells", "plans.rows"))}
                for row in _key(plan, "rows", "plans")
            ],
        }
        for plan in _key(data, "plans", "")
    ]
    return {**data, "since": since, "attention": attention, "plans": plans, "schema": 3}


UPGRADES: dict[int, Callable[[dict], dict]] = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3}


def _key(data: Any, key: str, path: str) -> Any:
    if not isinstance(data, dict):
        raise SnapshotError(f"The snapshot's {path or 'top level'!r} is not an object")
    if key not in data:
        raise SnapshotError(f"The snapshot is missing {_join(path, key)!r}")
    return data[key]


# --- The schema-driven decoder and encoder --------------------------------------------

Decoder = Callable[[Any, str], Any]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _wrong(path: str, expected: str, value: Any) -> SnapshotError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return SnapshotError(f"The snapshot's {path!r} should be {expected}, not {shown}")


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """A function (value, path) → typed value for an annotation of the schema."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        rest = tuple(a for a in args if a is not type(None))
        inner = _decoder(rest[0]) if len(rest) == 1 else _plain(*rest)
        if len(rest) == len(args):
            return inner
        return lambda value, path: None if value is None else inner(value, path)
    if origin is tuple:
        return _sequence(_decoder(args[0]))
    if origin is dict:
        return _mapping(_decoder(args[1]))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record(kind)
    if kind is datetime.datetime:
        return _datetime
    if kind is datetime.date:
        return _date
    if kind in (int, str, bool):
        return _plain(kind)
    raise TypeError(f"No snapshot decoder for {kind!r}")  # a schema mistake, not bad data


def _record(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    specs = [
        (f.name, _decoder(hints[f.name]), f.default is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    ]

    def decode(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise _wrong(path or "top level", "an object", value)
        kwargs = {}
        for name, decode_field, required in specs:
            if name in value:
                kwargs[name] = decode_field(value[name], _join(path, name))
            elif required:
                raise SnapshotError(f"The snapshot is missing {_join(path, name)!r}")
        return cls(**kwargs)

    return decode


def _sequence(item: Decoder) -> Decoder:
    def decode(value: Any, path: str) -> tuple:
        if not isinstance(value, list | tuple):
            raise _wrong(path, "a list", value)
        return tuple(item(v, f"{path}[{i}]") for i, v in enumerate(value))

    return decode


def _mapping(item: Decoder) -> Decoder:
    def decode(value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise _wrong(path, "an object", value)
        return {str(k): item(v, f"{path}[{k!r}]") for k, v in value.items()}

    return decode


def _plain(*kinds: type) -> Decoder:
    expected = " or ".join({int: "a number", str: "text", bool: "true or false"}[k] for k in kinds)

    def decode(value: Any, path: str) -> Any:
        # bool is an int to Python, never to the schema.
        is_kind = bool in kinds if isinstance(value, bool) else isinstance(value, kinds)
        if not is_kind:
            raise _wrong(path, expected, value)
        # A str subclass (a TextChoices member) is stored as the plain text.
        return str(value) if isinstance(value, str) and type(value) is not str else value

    return decode


def _date(value: Any, path: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise _wrong(path, "a date (YYYY-MM-DD)", value)


def _datetime(value: Any, path: str) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise _wrong(path, "a date and time (ISO 8601)", value)


@functools.cache
def _optional_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    return tuple((f.name, f.default is None) for f in dataclasses.fields(cls))


def _encode(value: Any) -> Any:
    if isinstance(value, _Record):
        out = {}
        for name, is_optional in _optional_fields(type(value)):
            item = getattr(value, name)
            if not (item is None and is_optional):
                out[name] = _encode(item)
        return out
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    return value
