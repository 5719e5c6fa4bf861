"""The meeting dashboard's figures, as a `governance.snapshot.Snapshot`.

The live page renders it, and issuing a board pack stores exactly that snapshot, so a pack is
the dashboard as it was, never recomputed. This module computes the figures as plain rows and
hands them to `governance.snapshot.build_snapshot`, the one place the typed, versioned schema
is made. Every rule it applies is someone else's: ratings as at a day, the rating derived
from milestones (for an action with none of its own) and what "complete", "proposed",
"overdue", "stale" and "worsened" mean are actions.status; which actions a board oversees is
`Action.objects.overseen_by`; which meeting it compares with is governance.meetings.
See docs/status.md.

Every figure is computed with subquery annotations in a fixed number of queries, whatever
the number of actions, updates or meetings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions import status
from actions.models import Action, DueDateChange, Milestone, StatusUpdate
from actions.selectors import with_rating_shown
from actions.status import UpdateKind
from governance.meetings import last_meeting_before
from governance.models import Meeting, MeetingAction, MeetingActionStatus
from governance.rag_summary import rag_summary
from governance.snapshot import Snapshot, build_snapshot
from kpis.formatting import kpi_target, value_text
from kpis.selectors import board_kpi_summary
from wsoa.models import Board, RatingLevel

# The "since the last meeting" lists of actions, in the order a board reads them, with their
# headings: the dashboard, the HTML and PDF pack and the XLSX all take them from here. A pack
# issued before a list existed simply has no rows for it.
SINCE_ACTION_SECTIONS = (
    ("first_rated", "Rated for the first time"),
    ("worsened", "Rating worsened"),
    ("improved", "Rating improved"),
    ("proposed", "Completion proposed"),
    ("signed_off", "Completion signed off"),
    ("completed_by_milestones", "Complete: every milestone done"),
    ("sent_back", "Completion sent back"),
)


def default_as_at(meeting: Meeting, *, today: datetime.date | None = None) -> datetime.date:
    """A past meeting is seen as at its own date; an upcoming one as at today."""
    today = today or timezone.localdate()
    return min(meeting.local_date, today)


def board_actions(board: Board) -> QuerySet[Action]:
    return Action.objects.overseen_by([board.pk])


def with_due_date_as_at(
    queryset: QuerySet, *, on: datetime.date, known_by: datetime.datetime | None, subject: str
) -> QuerySet:
    """Annotate `due_as_at`: the due date as it stood at the end of `on`, from the recorded
    due-date changes (the current due date when none was ever recorded)."""
    cutoff = status.known_as_at(on, known_by)
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


# The summaries' "Completion proposed" column, stored like a level.
PROPOSED_LEVEL = {
    field: getattr(status.PROPOSED_COLUMN, field)
    for field in (
        "pk", "code", "label", "colour", "text_colour", "meaning", "rank", "is_complete",
        "needs_attention",
    )
}  # fmt: skip


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
            "due_date": action.due_as_at,
            # The rating shown: the action's own, else derived from its milestones.
            "level": action.level.pk if action.level else None,
            "derived": action.is_derived,
            "previous_level": action.before_level.pk if action.before_level else None,
            "previous_derived": action.before_is_derived,
            "kind": action.now_kind,
            "last_update_on": action.now_on,
            "narrative": action.now_narrative or "",
        }
    return row


def kpi_section(
    board: Board, *, as_at: datetime.date, known_by: datetime.datetime | None = None
) -> dict:
    """The board's KPIs that are red or worsened.

    Calls `kpis.selectors.board_kpi_summary(board, as_at=as_at, known_by=known_by)`: the
    figures known by the end of `as_at` (or by a pack's moment of issue), a list of `KpiRow`,
    red or worsened first; keeps the rows that need attention, as text (snapshot.KpiSection)."""
    summary = board_kpi_summary(board, as_at=as_at, known_by=known_by)
    rows = [_kpi_row(row) for row in summary]
    return {
        "available": True,
        "count": len(rows),
        "rows": [row for row in rows if row["is_red"] or row["is_worsened"]],
    }


def _kpi_row(row: Any) -> dict:
    """One `kpis.selectors.KpiRow` as text: what a board pack must keep."""
    kpi = row.kpi
    latest, previous = row.latest, row.previous
    change = getattr(row, "change", None)

    def text_of(value):
        if value is None:
            return ""
        return value_text(value, kpi)

    return {
        "code": getattr(kpi, "code", ""),
        "name": str(kpi),
        "period": latest.period_label if latest else "",
        "value": text_of(latest) or "No values yet",
        "previous": f"{text_of(previous)} ({previous.period_label})" if previous else "",
        "target": kpi_target(row.target, kpi),
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
) -> Snapshot:
    """Everything the meeting dashboard and a board pack show, as a Snapshot.

    `meeting` must carry its board (select_related). `as_at` defaults to the meeting's date,
    or today for an upcoming meeting. `known_by` (a pack's moment of issue) hides updates
    recorded later. What changed is counted since the board's last meeting before `as_at`.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    as_at = as_at or default_as_at(meeting, today=today)
    board = meeting.board
    previous = last_meeting_before(board, as_at)
    window = SinceWindow(previous, as_at, known_by)

    levels = {
        level.pk: level
        for level in RatingLevel.objects.filter(scheme__plans__in=board_plan_ids(board))
        .distinct()
        .order_by("scheme_id", "rank")
    }
    actions = _dashboard_actions(board, window=window, levels=levels)
    milestones = _dashboard_milestones(board, window=window)
    changes = _due_date_changes(board, window=window)
    log = list(MeetingAction.objects.for_board(board).open_on(as_at).with_list_related_data())

    level_table = {str(pk): level_data(level) for pk, level in levels.items()}
    level_table[status.PROPOSED] = PROPOSED_LEVEL
    return build_snapshot(
        {
            "generated_at": now,
            "as_at": as_at,
            "known_by": known_by,
            "is_live": known_by is None and as_at == today,
            "board": {"pk": board.pk, "name": board.name, "area": str(board.area)},
            "meeting": _meeting_data(meeting),
            "previous_meeting": _meeting_data(previous) if previous else None,
            "levels": level_table,
            "plans": rag_summary(actions, levels),
            "since": _since_last_meeting(actions, milestones, changes, window),
            "attention": _needs_attention(actions, milestones, levels, window),
            "kpis": kpi_section(board, as_at=as_at, known_by=known_by),
            "action_log": _action_log(log, as_at),
        }
    )


def board_plan_ids(board: Board) -> QuerySet:
    return board_actions(board).values("plan_id")


class SinceWindow:
    """Since the board's last meeting before `as_at`, up to the end of `as_at` (as known by
    `known_by`)."""

    def __init__(self, previous: Meeting | None, as_at, known_by):
        self.previous = previous
        self.previous_on = previous.local_date if previous else None
        self.met_at = previous.starts_at if previous else None
        self.as_at = as_at
        self.known_by = known_by
        self.exists = previous is not None
        self.start = (
            status.start_of_day(self.previous_on + datetime.timedelta(days=1))
            if (previous)
            else None
        )
        self.end = status.known_as_at(as_at, known_by)


def _meeting_data(meeting: Meeting) -> dict:
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    return {
        "pk": meeting.pk,
        "date": starts.date(),
        "starts_at": starts,
        "ends_at": ends,
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


def _dashboard_actions(board, *, window: SinceWindow, levels) -> list[SimpleNamespace]:
    """The board's actions with their status as at `as_at` (and at the last meeting), as
    light rows: values(), not model instances, so a thousand actions stay cheap."""
    as_at, known_by = window.as_at, window.known_by
    queryset = board_actions(board).with_status(on=as_at, known_by=known_by, prefix="now")
    queryset = with_rating_shown(queryset, on=as_at, known_by=known_by, prefix="now")
    queryset = queryset.with_last_recorded(known_by=window.end)
    queryset = with_due_date_as_at(queryset, on=as_at, known_by=known_by, subject="action")
    annotations = ["due_as_at", "now_level_id", "now_kind", "now_on", "now_narrative"]
    annotations += ["last_update_at", "now_derived_level_id"]
    if window.exists:
        queryset = queryset.with_status(
            on=window.previous_on, known_by=known_by, prefix="before", fields=["level_id", "kind"]
        )
        queryset = with_rating_shown(
            queryset, on=window.previous_on, known_by=known_by, prefix="before"
        )
        in_window = (
            StatusUpdate.objects.filter(action=OuterRef("pk"))
            .as_at(on=as_at, known_by=known_by)
            .filter(effective_on__gt=window.previous_on)
        )
        queryset = queryset.annotate(
            signed_off_since=Exists(in_window.filter(kind=UpdateKind.COMPLETION_SIGNED_OFF)),
            sent_back_since=Exists(in_window.filter(kind=UpdateKind.COMPLETION_SENT_BACK)),
        )
        annotations += ["before_level_id", "before_kind", "signed_off_since", "sent_back_since"]
        annotations.append("before_derived_level_id")
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
        row.setdefault("before_level_id", None)
        row.setdefault("before_kind", None)
        row.setdefault("before_derived_level_id", None)
        row.setdefault("signed_off_since", False)
        row.setdefault("sent_back_since", False)
        row["concern_number"] = row.pop("concern__number")
        row["concern_title"] = row.pop("concern__title")
        row["plan_title"] = row.pop("plan__title")
        row["plan_concern_label"] = row.pop("plan__concern_label")
        row["plan_scheme_id"] = row.pop("plan__rating_scheme_id")
        row["leads"] = "; ".join(leads[row["pk"]])
        action = SimpleNamespace(**row)
        # What every list and count uses: the rating shown (actions.status.rating_shown), with
        # the kind FROM_MILESTONES where it is derived, so "complete", "overdue", "stale" and
        # the movements follow it.
        action.level, action.now_kind, action.is_derived = status.rating_shown_from(
            levels,
            level_id=action.now_level_id,
            kind=action.now_kind,
            derived_level_id=action.now_derived_level_id,
        )
        action.before_level, action.before_kind, action.before_is_derived = (
            status.rating_shown_from(
                levels,
                level_id=action.before_level_id,
                kind=action.before_kind,
                derived_level_id=action.before_derived_level_id,
            )
        )
        result.append(action)
    return result


def _dashboard_milestones(board, *, window: SinceWindow) -> list[SimpleNamespace]:
    """Milestones completed since the last meeting, or overdue as at `as_at`."""
    as_at = window.as_at
    queryset = with_due_date_as_at(
        Milestone.objects.filter(action__in=board_actions(board).values("pk")),
        on=as_at,
        known_by=window.known_by,
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


def _due_date_changes(board, *, window: SinceWindow) -> list[DueDateChange]:
    if not window.exists:
        return []
    return list(
        DueDateChange.objects.of_actions(board_actions(board))
        .filter(changed_at__gte=window.start, changed_at__lt=window.end)
        .select_related("action", "milestone", "milestone__action", "changed_by")
        .order_by("changed_at", "pk")
    )


def _since_last_meeting(actions, milestones, changes, window: SinceWindow) -> dict:
    if not window.exists:
        return {"has_previous": False, "sections": None}
    sections = {key: [] for key, _ in SINCE_ACTION_SECTIONS}
    movement_sections = {
        status.Movement.FIRST_RATED: "first_rated",
        status.Movement.IMPROVED: "improved",
        status.Movement.WORSENED: "worsened",
    }
    for action in actions:
        moved = status.rating_movement(
            action.before_level,
            action.level,
            now_kind=action.now_kind,
            before_kind=action.before_kind,
        )
        if moved in movement_sections:
            sections[movement_sections[moved]].append(_action_row(action))
        elif moved == status.Movement.COMPLETION and action.is_derived:
            sections["completed_by_milestones"].append(_action_row(action))
        proposed = status.is_completion_proposed(action.level, action.now_kind)
        if proposed and action.now_on and action.now_on > window.previous_on:
            sections["proposed"].append(_action_row(action))
        if action.signed_off_since:
            sections["signed_off"].append(_action_row(action))
        if action.sent_back_since:
            sections["sent_back"].append(_action_row(action))
    sections["milestones_completed"] = [
        _milestone_row(m)
        for m in milestones
        if m.completed_on and window.previous_on < m.completed_on <= window.as_at
    ]
    sections["due_dates_moved"] = [_change_row(c) for c in changes]
    return {"has_previous": True, "sections": sections}


def _milestone_row(milestone: SimpleNamespace) -> dict:
    return {
        "pk": milestone.pk,
        "action_pk": milestone.action_id,
        "plan_pk": milestone.action__plan_id,
        "action_ref": milestone.action__ref,
        "description": milestone.description,
        "due_date": milestone.due_as_at,
        "completed_on": milestone.completed_on,
    }


def _change_row(change: DueDateChange) -> dict:
    action = change.action or change.milestone.action
    return {
        "action_pk": action.pk,
        "plan_pk": action.plan_id,
        "action_ref": action.ref,
        "milestone": change.milestone.description if change.milestone_id else "",
        "from_date": change.from_date,
        "to_date": change.to_date,
        "reason": change.reason,
        "changed_by": str(change.changed_by),
        "changed_on": timezone.localtime(change.changed_at).date(),
    }


def _needs_attention(actions, milestones, levels, window: SinceWindow) -> dict:
    as_at = window.as_at
    overdue, stale, red_amber, awaiting = [], [], [], []
    for action in actions:
        level, kind = action.level, action.now_kind
        if status.is_overdue(due_on=action.due_as_at, on=as_at, level=level, kind=kind):
            overdue.append(_action_row(action))
        if status.is_stale(
            last_recorded_at=action.last_update_at,
            board_met_at=window.met_at,
            level=level,
            kind=kind,
        ):
            stale.append(_action_row(action))
        if level and level.needs_attention:
            red_amber.append(_action_row(action))
        if status.is_completion_proposed(level, kind):
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
            "due_date": item.due_date,
            "raised_on": item.raised_at.local_date,
            "raised_at_pk": item.raised_at_id,
            "status": str(MeetingActionStatus.OPEN.label),
            "latest_note": item.latest_note,
            "is_overdue": bool(item.due_date and item.due_date < as_at),
            "plan_action_pk": item.plan_action_id,
            "plan_action_ref": item.plan_action.ref if item.plan_action_id else "",
            "plan_pk": item.plan_action.plan_id if item.plan_action_id else None,
        }
        for item in log
    ]
    return {"open": rows, "overdue_count": sum(1 for r in rows if r["is_overdue"])}
