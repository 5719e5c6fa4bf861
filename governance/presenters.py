"""Dashboard data (live, or frozen in a board pack) prepared for the templates.

The dashboard can list hundreds of actions; formatting dates, rating tags and links once per
row here, in plain Python, keeps the page fast (see docs/performance.md). The snapshot
itself (a frozen `governance.snapshot.Snapshot`) is never changed: presenting makes new
dicts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from actions.status import DERIVED_MARK
from governance.dashboard import SINCE_ACTION_SECTIONS
from governance.snapshot import ActionRow, MilestoneRow, Snapshot
from wsoa.formatting import rating_tag
from wsoa.models import readable_text_colour

_PLAN, _ACTION = 987654321, 123456789


@dataclass(frozen=True)
class DisplayLevel:
    """A rating level as the snapshot recorded it, with what the rating tags need."""

    pk: int
    code: str
    label: str
    colour: str
    meaning: str
    rank: int
    is_complete: bool = False
    needs_attention: bool = False
    text_colour: str = ""

    @property
    def css_class(self) -> str:
        return f"wsoa-rating--{self.pk}"


def levels_for_display(snapshot: Snapshot) -> dict[str, DisplayLevel]:
    return {
        key: DisplayLevel(
            pk=level.pk,
            code=level.code,
            label=level.label,
            colour=level.colour,
            meaning=level.meaning,
            rank=level.rank,
            is_complete=level.is_complete,
            needs_attention=level.needs_attention,
            text_colour=level.text_colour or readable_text_colour(level.colour),
        )
        for key, level in snapshot.levels.items()
    }


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(value: datetime.date | None) -> str:
    """A date as "22 Mar 2022" (the "j M Y" format, done by hand for speed); "" for none."""
    if not value:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


class ShownList(list):
    """The rows a page shows, with `total`: how many there are in all."""

    def __init__(self, rows, *, total: int):
        super().__init__(rows)
        self.total = total
        self.is_cut = len(self) < total


class _Presenter:
    def __init__(self, snapshot: Snapshot, *, live: bool):
        self.live = live
        self.levels = levels_for_display(snapshot)
        self.tags = {key: rating_tag(level) for key, level in self.levels.items()}
        self.unrated_tag = rating_tag(None)
        pattern = reverse("action-detail", kwargs={"plan_pk": _PLAN, "action_pk": _ACTION})
        self.action_url = pattern.replace(str(_PLAN), "{plan}").replace(str(_ACTION), "{action}")
        self.seen: dict[ActionRow, dict] = {}

    def tag(self, level_id, derived: bool = False) -> str:
        tag = self.tags.get(str(level_id), self.unrated_tag) if level_id else self.unrated_tag
        if derived and level_id:
            # In words, not colour alone: the action has no rating of its own.
            return format_html('{} <span class="wsoa-derived">{}</span>', tag, DERIVED_MARK)
        return tag

    def url(self, plan_pk, action_pk) -> str:
        if not (self.live and plan_pk and action_pk):
            return ""
        return self.action_url.format(plan=plan_pk, action=action_pk)

    def action(self, row: ActionRow) -> dict:
        # The same action is often in several lists: present it once (rows are equal by
        # value, and equal rows present the same).
        if row not in self.seen:
            self.seen[row] = {
                **vars(row),
                "url": self.url(row.plan_pk, row.pk),
                "summary": Truncator(row.description).words(30),
                "due_display": short_date(row.due_date),
                "last_update_display": short_date(row.last_update_on) or "Never",
                "tag": self.tag(row.level, row.derived),
                "previous_tag": self.tag(row.previous_level, row.previous_derived),
            }
        return self.seen[row]

    def milestone(self, row: MilestoneRow) -> dict:
        return {
            **vars(row),
            "url": self.url(row.plan_pk, row.action_pk),
            "due_display": short_date(row.due_date),
            "completed_display": short_date(row.completed_on),
        }


def present_dashboard(snapshot: Snapshot, *, live: bool, limit: int | None = None) -> dict:
    """The snapshot's parts, by name, with display fields: `url` (live pages only), `tag` and
    `previous_tag` (rating tags), `summary`, `*_display` dates. Each list of actions or
    milestones becomes a ShownList of at most `limit` rows (all when None)."""
    p = _Presenter(snapshot, live=live)

    def shown(rows, present):
        kept = rows if limit is None else rows[:limit]
        return ShownList([present(row) for row in kept], total=len(rows))

    since, sections = snapshot.since, snapshot.since.sections
    attention = snapshot.attention
    stale = attention.no_update_since_last_meeting
    presented_since = {}
    if sections is not None:
        presented_since = {
            key: shown(getattr(sections, key), p.action) for key, _ in SINCE_ACTION_SECTIONS
        }
        presented_since["milestones_completed"] = shown(sections.milestones_completed, p.milestone)
        presented_since["due_dates_moved"] = [
            {
                **vars(c),
                "url": p.url(c.plan_pk, c.action_pk),
                "from_display": short_date(c.from_date) or "—",
                "to_display": short_date(c.to_date),
                "changed_display": short_date(c.changed_on),
            }
            for c in sections.due_dates_moved
        ]
    log = snapshot.action_log
    return {
        **vars(snapshot),
        "since": {"has_previous": since.has_previous, "sections": presented_since},
        "attention": {
            "overdue_actions": shown(attention.overdue_actions, p.action),
            "overdue_milestones": shown(attention.overdue_milestones, p.milestone),
            "no_update_since_last_meeting": None if stale is None else shown(stale, p.action),
            "red_amber": shown(attention.red_amber, p.action),
            "awaiting_sign_off": shown(attention.awaiting_sign_off, p.action),
        },
        "action_log": {
            "overdue_count": log.overdue_count,
            "open": [
                {
                    **vars(r),
                    "url": p.url(r.plan_pk, r.plan_action_pk),
                    "due_display": short_date(r.due_date) or "Not set",
                    "raised_display": short_date(r.raised_on),
                }
                for r in log.open
            ],
        },
        "display_levels": p.levels,
    }
