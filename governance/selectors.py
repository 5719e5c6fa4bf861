"""Reads for the governance screens.

The meeting dashboard is built by `meeting_dashboard()` as plain, JSON-ready data: the live
page renders it, and issuing a board pack stores exactly that data, so a pack is the
dashboard as it was, never recomputed.

History rules (see docs/governance.md):
- The rating of an action *as at* day D is its latest status update with `effective_on <= D`,
  ordered by (effective_on, recorded_at, pk). With `known_by` (a board pack's moment of issue),
  only updates recorded by then count.
- A due date as at D comes from the due-date changes made by the end of D.
- Every figure is computed with subquery annotations in a fixed number of queries, whatever
  the number of actions, updates or meetings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import (
    PROPOSING_KINDS,
    Action,
    DueDateChange,
    Milestone,
    StatusUpdate,
    UpdateKind,
)
from governance.models import BoardPack, Meeting, MeetingAction, MeetingActionStatus
from wsoa.models import Board, LocalArea, Plan, RatingLevel

SNAPSHOT_SCHEMA = 1


# --- Dates -------------------------------------------------------------------------------


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, local time, timezone-aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of_day_cutoff(day: datetime.date, known_by: datetime.datetime | None) -> datetime.datetime:
    """Things recorded before this moment are known as at `day` (and by `known_by`)."""
    cutoff = start_of_day(day + datetime.timedelta(days=1))
    return min(cutoff, known_by) if known_by else cutoff


def default_as_at(meeting: Meeting, *, today: datetime.date | None = None) -> datetime.date:
    """A past meeting is seen as at its own date; an upcoming one as at today."""
    today = today or timezone.localdate()
    return min(meeting.local_date, today)


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- Which actions a board oversees ------------------------------------------------------


def board_actions(board: Board) -> QuerySet[Action]:
    """Actions of the concerns in the board's remit, and actions naming the board."""
    named = Action.boards.through.objects.filter(board_id=board.pk).values("action_id")
    remit = Board.concerns.through.objects.filter(board_id=board.pk).values("concern_id")
    # Subqueries, not joins: a join through a concern's boards would repeat actions.
    return Action.objects.filter(Q(concern__in=remit) | Q(pk__in=named))


def _updates(
    *, on: datetime.date, known_by: datetime.datetime | None, **outer
) -> QuerySet[StatusUpdate]:
    updates = StatusUpdate.objects.filter(effective_on__lte=on, **outer)
    if known_by:
        updates = updates.filter(recorded_at__lte=known_by)
    return updates.latest_first()


def with_status_as_at(
    queryset: QuerySet,
    *,
    on: datetime.date,
    known_by: datetime.datetime | None = None,
    prefix: str = "now",
    fields: Iterable[str] = ("level_id", "kind", "effective_on", "narrative"),
    subject: str = "action",
) -> QuerySet:
    """Annotate `<prefix>_<field>` from the latest status update as at `on`, for actions
    (or milestones with `subject="milestone"`), without loading the history."""
    latest = _updates(on=on, known_by=known_by, **{subject: OuterRef("pk")})
    names = {"level_id": "level_id", "kind": "kind", "effective_on": "on", "narrative": "narrative"}
    return queryset.annotate(
        **{f"{prefix}_{names[f]}": Subquery(latest.values(f)[:1]) for f in fields}
    )


def with_due_date_as_at(
    queryset: QuerySet, *, on: datetime.date, known_by: datetime.datetime | None, subject: str
) -> QuerySet:
    """Annotate `due_as_at`: the due date as it stood at the end of `on`, from the recorded
    due-date changes (the current due date when none was ever recorded)."""
    cutoff = end_of_day_cutoff(on, known_by)
    changes = DueDateChange.objects.filter(**{subject: OuterRef("pk")})
    last_before = changes.filter(changed_at__lt=cutoff).order_by("-changed_at", "-pk")
    first_after = changes.filter(changed_at__gte=cutoff).order_by("changed_at", "pk")
    return queryset.annotate(
        due_as_at=Coalesce(
            Subquery(last_before.values("to_date")[:1]),
            Subquery(first_after.values("from_date")[:1]),
            F("due_date"),
        )
    )


# --- The meeting dashboard ---------------------------------------------------------------


def level_data(level: RatingLevel) -> dict:
    return {
        "pk": level.pk,
        "code": level.code,
        "label": level.label,
        "colour": level.colour,
        "text_colour": level.text_colour,
        "meaning": level.meaning,
        "rank": level.rank,
        "is_complete": level.is_complete,
        "needs_attention": level.needs_attention,
    }


def _action_row(action) -> dict:
    """An action as the dashboard and the pack show it (built once per action)."""
    row = getattr(action, "row", None)
    if row is None:
        row = action.row = {
            "pk": action.pk,
            "plan_pk": action.plan_id,
            "ref": action.ref,
            "description": action.description,
            "concern_number": action.concern_number,
            "leads": action.leads,
            "due_date": iso(action.due_as_at),
            "level": action.now_level_id,
            "previous_level": action.before_level_id,
            "kind": action.now_kind,
            "last_update_on": iso(action.now_on),
            "narrative": action.now_narrative or "",
        }
    return row


def kpi_section(board: Board, *, as_at: datetime.date) -> dict:
    """The board's KPIs that are red or worsened, from the KPI feature when it exists.

    Calls `kpis.selectors.board_kpi_summary(board, as_at=as_at)` (a list of `KpiRow`, red or
    worsened first) and keeps the rows that need attention, as JSON-ready data."""
    try:
        from kpis.selectors import board_kpi_summary  # noqa: PLC0415 - optional feature
    except ImportError:
        return {"available": False, "rows": []}
    rows = [_kpi_row(row) for row in board_kpi_summary(board, as_at=as_at)]
    return {
        "available": True,
        "count": len(rows),
        "rows": [row for row in rows if row["is_red"] or row["is_worsened"]],
    }


def _kpi_row(row: Any) -> dict:
    """One `kpis.selectors.KpiRow` as text: what a board pack must keep."""
    try:
        from kpis.formatting import kpi_target, value_text  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the KPI feature without its display helpers
        kpi_target = value_text = None
    kpi = row.kpi
    latest, previous = row.latest, row.previous
    change = getattr(row, "change", None)

    def text_of(value):
        if value is None:
            return ""
        return value_text(value, kpi) if value_text else str(value.value)

    return {
        "code": getattr(kpi, "code", ""),
        "name": str(kpi),
        "period": latest.period_label if latest else "",
        "value": text_of(latest) or "No values yet",
        "previous": f"{text_of(previous)} ({previous.period_label})" if previous else "",
        "target": kpi_target(row.target, kpi) if kpi_target else str(row.target or ""),
        "rating": row.rag_label,
        "rag": str(row.rag),
        "trend": str(getattr(change, "trend", "") or ""),
        "arrow": getattr(change, "arrow", "") or "",
        "is_red": bool(row.is_red),
        "is_worsened": bool(row.is_worsened),
    }


def meeting_dashboard(
    meeting: Meeting,
    *,
    as_at: datetime.date | None = None,
    known_by: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> dict:
    """Everything the meeting dashboard and a board pack show, as JSON-ready data.

    `meeting` must carry its board (select_related). `as_at` defaults to the meeting's date,
    or today for an upcoming meeting. `known_by` (a pack's moment of issue) hides updates
    recorded later.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    as_at = as_at or default_as_at(meeting, today=today)
    board = meeting.board
    previous = Meeting.objects.previous_to(meeting).first()
    previous_on = previous.local_date if previous else None
    window = _SinceWindow(previous_on, as_at, known_by)

    actions = _dashboard_actions(board, as_at=as_at, known_by=known_by, window=window)
    plan_ids = sorted({a.plan_id for a in actions})
    levels = {
        level.pk: level
        for level in RatingLevel.objects.filter(scheme__plans__in=plan_ids)
        .distinct()
        .order_by("scheme_id", "rank")
    }
    milestones = _dashboard_milestones(board, as_at=as_at, known_by=known_by, window=window)
    changes = _due_date_changes(board, window=window)
    log = list(MeetingAction.objects.for_board(board).open_on(as_at).with_list_related_data())

    return {
        "schema": SNAPSHOT_SCHEMA,
        "generated_at": now.isoformat(),
        "as_at": as_at.isoformat(),
        "known_by": iso(known_by),
        "is_live": known_by is None and as_at == today,
        "board": {"pk": board.pk, "name": board.name, "area": str(board.area)},
        "meeting": _meeting_data(meeting),
        "previous_meeting": _meeting_data(previous) if previous else None,
        "levels": {str(pk): level_data(level) for pk, level in levels.items()},
        "plans": _rag_summary(actions, levels),
        "since": _since_last_meeting(actions, milestones, changes, levels, window),
        "attention": _needs_attention(actions, milestones, levels, as_at, window),
        "kpis": kpi_section(board, as_at=as_at),
        "action_log": _action_log(log, as_at),
    }


class _SinceWindow:
    """(previous meeting's date, as_at]: what happened since the last meeting."""

    def __init__(self, previous_on, as_at, known_by):
        self.previous_on = previous_on
        self.as_at = as_at
        self.known_by = known_by
        self.exists = previous_on is not None and previous_on < as_at
        self.start = start_of_day(previous_on + datetime.timedelta(days=1)) if previous_on else None
        self.end = end_of_day_cutoff(as_at, known_by)


def _meeting_data(meeting: Meeting) -> dict:
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    return {
        "pk": meeting.pk,
        "date": starts.date().isoformat(),
        "starts_at": starts.isoformat(),
        "ends_at": iso(ends),
        "place": meeting.place_display,
        "status": meeting.get_status_display(),
    }


ACTION_FIELDS = (
    "pk",
    "plan_id",
    "ref",
    "description",
    "concern_id",
    "concern__number",
    "concern__title",
    "plan__title",
    "plan__concern_label",
    "plan__rating_scheme_id",
)


def _dashboard_actions(board, *, as_at, known_by, window) -> list[SimpleNamespace]:
    """The board's actions with their status as at `as_at` (and at the last meeting), as
    light rows: values(), not model instances, so a thousand actions stay cheap."""
    queryset = with_status_as_at(board_actions(board), on=as_at, known_by=known_by)
    queryset = with_due_date_as_at(queryset, on=as_at, known_by=known_by, subject="action")
    if window.exists:
        queryset = with_status_as_at(
            queryset, on=window.previous_on, known_by=known_by, prefix="before", fields=["level_id"]
        )
        in_window = _updates(on=as_at, known_by=known_by, action=OuterRef("pk")).filter(
            effective_on__gt=window.previous_on
        )
        queryset = queryset.annotate(
            signed_off_since=Exists(in_window.filter(kind=UpdateKind.COMPLETION_SIGNED_OFF)),
            sent_back_since=Exists(in_window.filter(kind=UpdateKind.COMPLETION_SENT_BACK)),
        )
    else:
        queryset = queryset.annotate(
            before_level_id=Value(None, output_field=IntegerField()),
            signed_off_since=Value(False, output_field=BooleanField()),
            sent_back_since=Value(False, output_field=BooleanField()),
        )
    annotations = (
        "due_as_at",
        "now_level_id",
        "now_kind",
        "now_on",
        "now_narrative",
        "before_level_id",
        "signed_off_since",
        "sent_back_since",
    )
    rows = queryset.order_by("plan_id", "concern__number", "position", "pk").values(
        *ACTION_FIELDS, *annotations
    )
    leads = defaultdict(list)
    for action_id, title in (
        Action.leads.through.objects.filter(action__in=board_actions(board).values("pk"))
        .order_by("post__title")
        .values_list("action_id", "post__title")
    ):
        leads[action_id].append(title)
    result = []
    for row in rows:
        row["concern_number"] = row.pop("concern__number")
        row["concern_title"] = row.pop("concern__title")
        row["plan_title"] = row.pop("plan__title")
        row["plan_concern_label"] = row.pop("plan__concern_label")
        row["plan_scheme_id"] = row.pop("plan__rating_scheme_id")
        row["leads"] = "; ".join(leads[row["pk"]])
        result.append(SimpleNamespace(**row))
    return result


def _dashboard_milestones(board, *, as_at, known_by, window) -> list[SimpleNamespace]:
    """Milestones completed since the last meeting, or overdue as at `as_at`."""
    queryset = with_due_date_as_at(
        Milestone.objects.filter(action__in=board_actions(board).values("pk")),
        on=as_at,
        known_by=known_by,
        subject="milestone",
    )
    not_done = Q(completed_on__isnull=True) | Q(completed_on__gt=as_at)
    wanted = Q(due_as_at__lt=as_at) & not_done
    if window.exists:
        wanted |= Q(completed_on__gt=window.previous_on, completed_on__lte=as_at)
    rows = (
        queryset.filter(wanted)
        .order_by("due_as_at", "action__ref", "position", "pk")
        .values(
            "pk",
            "action_id",
            "action__plan_id",
            "action__ref",
            "description",
            "due_as_at",
            "completed_on",
        )
    )
    return [SimpleNamespace(**row) for row in rows]


def _due_date_changes(board, *, window) -> list[DueDateChange]:
    if not window.exists:
        return []
    ours = board_actions(board).values("pk")
    return list(
        DueDateChange.objects.filter(Q(action__in=ours) | Q(milestone__action__in=ours))
        .filter(changed_at__gte=window.start, changed_at__lt=window.end)
        .select_related("action", "milestone", "milestone__action", "changed_by")
        .order_by("changed_at", "pk")
    )


def _rag_summary(actions: list[SimpleNamespace], levels: dict[int, RatingLevel]) -> list[dict]:
    """Per plan: concerns × the plan's levels (plus Not yet rated), with totals."""
    by_plan: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for action in actions:
        by_plan[action.plan_id].append(action)
    summaries = []
    for plan_id, plan_actions in by_plan.items():
        first = plan_actions[0]
        plan_levels = [lv for lv in levels.values() if lv.scheme_id == first.plan_scheme_id]
        columns = [lv.pk for lv in sorted(plan_levels, key=lambda lv: lv.rank)] + [None]
        rows: dict[int, dict] = {}
        for action in plan_actions:
            row = rows.setdefault(
                action.concern_id,
                {
                    "concern_pk": action.concern_id,
                    "number": action.concern_number,
                    "title": action.concern_title,
                    "counts": defaultdict(int),
                },
            )
            level_id = action.now_level_id if action.now_level_id in levels else None
            row["counts"][level_id] += 1
        table = []
        column_totals: dict[int | None, int] = defaultdict(int)
        for row in rows.values():
            cells = [{"level": col, "count": row["counts"][col]} for col in columns]
            for cell in cells:
                column_totals[cell["level"]] += cell["count"]
            table.append(
                {
                    "concern_pk": row["concern_pk"],
                    "number": row["number"],
                    "title": row["title"],
                    "cells": cells,
                    "total": sum(c["count"] for c in cells),
                }
            )
        summaries.append(
            {
                "pk": plan_id,
                "title": first.plan_title,
                "concern_label": first.plan_concern_label,
                "columns": columns,
                "rows": table,
                "totals": [{"level": col, "count": column_totals[col]} for col in columns],
                "total": len(plan_actions),
            }
        )
    return summaries


def _rank(levels, level_id) -> int | None:
    level = levels.get(level_id)
    return level.rank if level else None


def _is_complete(levels, action) -> bool:
    level = levels.get(action.now_level_id)
    return bool(level and level.is_complete and action.now_kind != UpdateKind.COMPLETION_SENT_BACK)


def _is_proposed(levels, action) -> bool:
    level = levels.get(action.now_level_id)
    return bool(level and level.is_complete and action.now_kind in PROPOSING_KINDS)


def _since_last_meeting(actions, milestones, changes, levels, window) -> dict:
    if not window.exists:
        return {"has_previous": False, "sections": {}}
    improved, worsened, proposed, signed_off, sent_back = [], [], [], [], []
    for action in actions:
        now_rank, before_rank = (
            _rank(levels, action.now_level_id),
            _rank(levels, action.before_level_id),
        )
        if now_rank is not None and before_rank is not None:
            if now_rank > before_rank:
                improved.append(_action_row(action))
            elif now_rank < before_rank:
                worsened.append(_action_row(action))
        if _is_proposed(levels, action) and action.now_on and action.now_on > window.previous_on:
            proposed.append(_action_row(action))
        if action.signed_off_since:
            signed_off.append(_action_row(action))
        if action.sent_back_since:
            sent_back.append(_action_row(action))
    completed = [
        _milestone_row(m)
        for m in milestones
        if m.completed_on and window.previous_on < m.completed_on <= window.as_at
    ]
    return {
        "has_previous": True,
        "sections": {
            "improved": improved,
            "worsened": worsened,
            "proposed": proposed,
            "signed_off": signed_off,
            "sent_back": sent_back,
            "milestones_completed": completed,
            "due_dates_moved": [_change_row(c) for c in changes],
        },
    }


def _milestone_row(milestone: SimpleNamespace) -> dict:
    return {
        "pk": milestone.pk,
        "action_pk": milestone.action_id,
        "plan_pk": milestone.action__plan_id,
        "action_ref": milestone.action__ref,
        "description": milestone.description,
        "due_date": iso(milestone.due_as_at),
        "completed_on": iso(milestone.completed_on),
    }


def _change_row(change: DueDateChange) -> dict:
    action = change.action or change.milestone.action
    return {
        "action_pk": action.pk,
        "plan_pk": action.plan_id,
        "action_ref": action.ref,
        "milestone": change.milestone.description if change.milestone_id else "",
        "from_date": iso(change.from_date),
        "to_date": iso(change.to_date),
        "reason": change.reason,
        "changed_by": str(change.changed_by),
        "changed_on": iso(timezone.localtime(change.changed_at).date()),
    }


def _needs_attention(actions, milestones, levels, as_at, window) -> dict:
    overdue, stale, red_amber, awaiting = [], [], [], []
    for action in actions:
        complete = _is_complete(levels, action)
        if action.due_as_at and action.due_as_at < as_at and not complete:
            overdue.append(_action_row(action))
        if (
            window.exists
            and not complete
            and (action.now_on is None or action.now_on <= window.previous_on)
        ):
            stale.append(_action_row(action))
        level = levels.get(action.now_level_id)
        if level and level.needs_attention:
            red_amber.append(_action_row(action))
        if _is_proposed(levels, action):
            awaiting.append(_action_row(action))
    red_amber.sort(key=lambda row: (levels[row["level"]].rank, row["plan_pk"]))
    overdue.sort(key=lambda row: row["due_date"])
    late_milestones = [
        _milestone_row(m)
        for m in milestones
        if m.due_as_at and m.due_as_at < as_at and not (m.completed_on and m.completed_on <= as_at)
    ]
    return {
        "overdue_actions": overdue,
        "overdue_milestones": late_milestones,
        "no_update_since_last_meeting": stale if window.exists else None,
        "red_amber": red_amber,
        "awaiting_sign_off": awaiting,
    }


def _action_log(log: list[MeetingAction], as_at: datetime.date) -> dict:
    rows = [
        {
            "pk": item.pk,
            "ref": item.ref,
            "description": item.description,
            "owner": item.owner,
            "due_date": iso(item.due_date),
            "raised_on": iso(item.raised_at.local_date),
            "raised_at_pk": item.raised_at_id,
            "status": MeetingActionStatus.OPEN.label,
            "latest_note": item.latest_note,
            "is_overdue": bool(item.due_date and item.due_date < as_at),
            "plan_action_pk": item.plan_action_id,
            "plan_action_ref": item.plan_action.ref if item.plan_action_id else "",
            "plan_pk": item.plan_action.plan_id if item.plan_action_id else None,
        }
        for item in log
    ]
    return {"open": rows, "overdue_count": sum(1 for r in rows if r["is_overdue"])}


# --- Board and meeting pages -------------------------------------------------------------


def board_page_meetings(board: Board, *, now: datetime.datetime | None = None) -> dict:
    meetings = list(Meeting.objects.for_board(board).order_by("starts_at"))
    now = now or timezone.now()
    upcoming = [m for m in meetings if m.starts_at >= now and m.status != "cancelled"]
    past = [m for m in meetings if m not in upcoming]
    past.reverse()
    return {"next": upcoming[0] if upcoming else None, "upcoming": upcoming, "past": past}


def packs_for(meeting: Meeting) -> list[BoardPack]:
    return list(BoardPack.objects.for_meeting(meeting).without_snapshot())


# --- The whole-area view -----------------------------------------------------------------


def area_board_summaries(areas: QuerySet[LocalArea], *, now: datetime.datetime | None = None):
    """Every board of these areas with its RAG totals today, next meeting and open log items,
    in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    upcoming = Meeting.objects.filter(board=OuterRef("pk")).upcoming(now=now).order_by("starts_at")
    open_log = MeetingAction.objects.filter(board=OuterRef("pk"), status=MeetingActionStatus.OPEN)
    boards = list(
        Board.objects.filter(area__in=areas, is_active=True)
        .select_related("area")
        .annotate(
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
            open_log_count=_count(open_log),
            overdue_log_count=_count(open_log.filter(due_date__lt=today)),
        )
        .order_by("area__name", "name")
    )
    board_ids = [b.pk for b in boards]
    concern_links = defaultdict(set)
    for board_id, concern_id in Board.concerns.through.objects.filter(
        board_id__in=board_ids
    ).values_list("board_id", "concern_id"):
        concern_links[concern_id].add(board_id)
    action_links = defaultdict(set)
    for action_id, board_id in Action.boards.through.objects.filter(
        board_id__in=board_ids
    ).values_list("action_id", "board_id"):
        action_links[action_id].add(board_id)
    actions = (
        with_status_as_at(
            Action.objects.filter(plan__area__in=areas),
            on=today,
            fields=["level_id", "kind"],
        )
        .filter(
            Q(
                concern__in=Board.concerns.through.objects.filter(board_id__in=board_ids).values(
                    "concern_id"
                )
            )
            | Q(
                pk__in=Action.boards.through.objects.filter(board_id__in=board_ids).values(
                    "action_id"
                )
            )
        )
        .values("pk", "plan_id", "concern_id", "due_date", "now_level_id", "now_kind")
    )
    plans = {
        plan.pk: plan
        for plan in Plan.objects.filter(area__in=areas).select_related("rating_scheme")
    }
    levels = {
        level.pk: level
        for level in RatingLevel.objects.filter(scheme__plans__area__in=areas)
        .distinct()
        .order_by("rank")
    }
    counts: dict[tuple[int, int], dict] = {}
    for row in actions:
        for board_id in concern_links[row["concern_id"]] | action_links[row["pk"]]:
            entry = counts.setdefault(
                (board_id, row["plan_id"]),
                {"levels": defaultdict(int), "total": 0, "overdue": 0, "awaiting": 0},
            )
            level = levels.get(row["now_level_id"])
            entry["levels"][level.pk if level else None] += 1
            entry["total"] += 1
            done = (
                level and level.is_complete and row["now_kind"] != UpdateKind.COMPLETION_SENT_BACK
            )
            if row["due_date"] and row["due_date"] < today and not done:
                entry["overdue"] += 1
            if level and level.is_complete and row["now_kind"] in PROPOSING_KINDS:
                entry["awaiting"] += 1
    for board in boards:
        board.plan_summaries = []
        for (board_id, plan_id), entry in sorted(counts.items()):
            if board_id != board.pk:
                continue
            plan = plans[plan_id]
            plan_levels = sorted(
                (lv for lv in levels.values() if lv.scheme_id == plan.rating_scheme_id),
                key=lambda lv: lv.rank,
            )
            board.plan_summaries.append(
                {
                    "plan": plan,
                    "cells": [(lv, entry["levels"][lv.pk]) for lv in plan_levels]
                    + [(None, entry["levels"][None])],
                    "total": entry["total"],
                    "overdue": entry["overdue"],
                    "awaiting": entry["awaiting"],
                }
            )
    return boards, list(levels.values())


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().values("board").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )
