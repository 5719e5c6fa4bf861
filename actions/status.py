"""The status vocabulary: the one place that says what an action's rating means.

Every page, export, board pack and email asks these functions; none writes the rule again.
docs/status.md says the same in the users' words.

- **Rating as at a day, as known at a moment.** An action's (or milestone's) rating as at day
  D is its latest status update effective on or before D (latest = by effective date, then
  by when it was recorded); "as known at" moment K also hides updates recorded after K (a
  board pack issued at K). Today's current rating is the special case: no day, no moment.
  The queryset side is `StatusUpdate.objects.as_at()` and `Action.objects.with_status()`.
- **Complete**: rated at the scheme's complete level by a sign-off (or so rated by the plan
  document itself). **Completion proposed**: rated at the complete level by a progress update
  or a correction that nobody has signed off yet. A proposal is *not* complete: it counts
  as "Completion proposed", never as the complete level, in every summary.
- **Overdue** on day D: due (as the due date stood on D) before D, and neither complete nor
  proposed for completion.
- **Stale** ("no update since the board last met") as at D: the board that oversees the
  action met before D, and no status update on the action has been *recorded* since that
  meeting began, whatever date the update applies from (a back-dated correction entered
  after the meeting counts as an update). Complete and proposed actions are never stale.
  Which meeting is "the board's last meeting before D" is governance's to say
  (`governance.meetings.last_meetings_before`); this module only compares.
- **Derived rating** ("from milestones"): an action with no rating of its own (no status
  update with a level, as at the day) is shown the rating its milestones give it,
  `derived_from_milestones`. Never stored; every surface says "(from milestones)".
- **Movement** between two ratings: first rated (unrated before), improved or worsened by
  the levels' rank (rank 1 is the worst), unchanged. Reaching the complete level is not
  "improved": it is a completion (proposed or signed off), listed as such.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", "Progress update"
    IMPORTED = "imported", "From the plan document"
    CORRECTION = "correction", "Correction"
    COMPLETION_SIGNED_OFF = "signed_off", "Completion signed off"
    COMPLETION_SENT_BACK = "sent_back", "Completion sent back"


# An update at the complete level of one of these kinds proposes completion; only a
# COMPLETION_SIGNED_OFF update (by a programme lead who did not propose it), or the plan
# document itself, completes.
PROPOSING_KINDS = frozenset({UpdateKind.PROGRESS, UpdateKind.CORRECTION})
# The "kind" of a rating derived from milestones: not an update kind (nothing is stored), but
# it stands where one would so every rule below reads a derived rating the same way. Every
# milestone complete completes the action (see `derived_from_milestones`).
FROM_MILESTONES = "from_milestones"
COMPLETING_KINDS = frozenset(
    {UpdateKind.COMPLETION_SIGNED_OFF, UpdateKind.IMPORTED, FROM_MILESTONES}
)

# "The latest update": by effective date, then by when it was recorded.
LATEST_FIRST = ("-effective_on", "-recorded_at", "-pk")
# "The last update recorded": by when it was entered, whatever date it applies from. The
# lost-update check and "stale" follow this order.
NEWEST_RECORDED_FIRST = ("-recorded_at", "-pk")

# What a summary shows for a proposal: its own column, between the levels and "Not yet rated".
PROPOSED = "proposed"
PROPOSED_LABEL = "Completion proposed"
UNRATED_LABEL = "Not yet rated"
# How a derived rating is marked, in words: on screen, and in downloads.
DERIVED_MARK = "(from milestones)"
DERIVED_EXPORT_MARK = "(derived from milestones)"


class _ProposedColumn:
    """Stands in a summary where a rating level would, so `rating_tag` draws it in words."""

    pk = PROPOSED
    code = "PROPOSED"
    label = PROPOSED_LABEL
    meaning = "Rated complete by its lead; not complete until a programme lead signs it off."
    colour, text_colour = "#fff7bf", "#594d00"  # GOV.UK's yellow tag
    css_class = "wsoa-rating--proposed"
    rank = 0
    is_complete = needs_attention = False

    def __str__(self) -> str:
        return self.label


PROPOSED_COLUMN = _ProposedColumn()


def is_complete(level, kind) -> bool:
    return bool(level is not None and level.is_complete and kind in COMPLETING_KINDS)


def is_completion_proposed(level, kind) -> bool:
    return bool(level is not None and level.is_complete and kind in PROPOSING_KINDS)


def is_closed(level, kind) -> bool:
    """Complete, or waiting for sign-off: nothing more its lead needs to deliver."""
    return is_complete(level, kind) or is_completion_proposed(level, kind)


def summary_column(level, kind):
    """The column of a RAG summary an action counts in: its level's pk, PROPOSED, or None
    (not yet rated)."""
    if level is None:
        return None
    if is_completion_proposed(level, kind):
        return PROPOSED
    return level.pk


def is_overdue(*, due_on: datetime.date | None, on: datetime.date, level, kind) -> bool:
    return bool(due_on and due_on < on and not is_closed(level, kind))


def is_stale(
    *,
    last_recorded_at: datetime.datetime | None,
    board_met_at: datetime.datetime | None,
    level,
    kind,
) -> bool:
    """No update recorded since the board's last meeting began (`board_met_at`; None when the
    board has not met, and then nothing is stale)."""
    if board_met_at is None or is_closed(level, kind):
        return False
    return last_recorded_at is None or last_recorded_at < board_met_at


# --- The rating derived from milestones ------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRating:
    """A milestone as the derived rating reads it: its rating as at the day (a level or None),
    and whether it was completed by then (its completion date on or before the day)."""

    level: object | None
    is_completed: bool = False

    @property
    def is_done(self) -> bool:
        """Completed, or rated at the complete level."""
        return self.is_completed or bool(self.level is not None and self.level.is_complete)


def derived_from_milestones(milestones, *, complete_level):
    """The rating an action with no rating of its own takes from its milestones (a level, or
    None for not yet rated). `milestones` are MilestoneRatings; `complete_level` is the
    scheme's complete level (or None).

    1. No milestones: not yet rated.
    2. Some milestone still open (not completed, not rated complete) has a rating: the worst
       of those ratings (lowest rank). Finished milestones do not lift the rating of the work
       still to do, and one red milestone is what the board must see.
    3. Every milestone done: the complete level (the action counts as complete: every part
       of it has been delivered; the mark "(from milestones)" says no one signed it off).
    4. Otherwise (open milestones, none rated): not yet rated: nobody has rated the work left.

    `actions.selectors.with_rating_shown` is the same rule as SQL, so the register can filter
    and sort by it; tests/actions/test_derived_rating.py holds the two to the same cases.
    """
    milestones = list(milestones)
    if not milestones:
        return None
    open_rated = [m.level for m in milestones if not m.is_done and m.level is not None]
    if open_rated:
        return min(open_rated, key=lambda level: level.rank)
    if all(m.is_done for m in milestones):
        return complete_level
    return None


def rating_shown(own_level, own_kind, *, has_own_rating: bool, derived_level):
    """(level, kind, is_derived): the rating every surface shows. An action's own rating
    (any update with a level, as at the day) always wins, even when its latest update has
    none; only an action never rated takes the derived rating."""
    if has_own_rating or derived_level is None:
        return own_level, own_kind, False
    return derived_level, FROM_MILESTONES, True


def rating_shown_from(levels: dict, *, level_id, kind, derived_level_id):
    """`rating_shown` for rows read as values: `levels` maps level pks to levels; the ids come
    from `with_status` and `actions.selectors.with_rating_shown` (as at the same day)."""
    own = levels.get(level_id)
    return rating_shown(
        own, kind, has_own_rating=own is not None, derived_level=levels.get(derived_level_id)
    )


def rating_text(level, *, is_derived: bool = False, export: bool = False) -> str:
    """A rating in words: "Amber", "Amber (from milestones)", "Not yet rated"; in a download
    "Amber (derived from milestones)"."""
    if level is None:
        return UNRATED_LABEL
    if not is_derived:
        return level.label
    return f"{level.label} {DERIVED_EXPORT_MARK if export else DERIVED_MARK}"


class Movement(models.TextChoices):
    FIRST_RATED = "first_rated", "Rated for the first time"
    IMPROVED = "improved", "Rating improved"
    WORSENED = "worsened", "Rating worsened"
    COMPLETION = "completion", "Completion proposed or signed off"
    UNCHANGED = "unchanged", "No change"


def rating_movement(before, now, *, now_kind=None, before_kind=None) -> Movement:
    """How a rating moved from `before` to `now` (levels, None = not yet rated; the kinds of
    the updates that gave them)."""
    if now is None:
        return Movement.UNCHANGED
    if is_closed(now, now_kind) and not is_closed(before, before_kind):
        return Movement.COMPLETION
    if before is None:
        return Movement.FIRST_RATED
    if now.rank > before.rank:
        return Movement.IMPROVED
    if now.rank < before.rank:
        return Movement.WORSENED
    return Movement.UNCHANGED


# --- "As at" moments ------------------------------------------------------------------------


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, local time, timezone-aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def known_as_at(day: datetime.date, known_by: datetime.datetime | None) -> datetime.datetime:
    """Things recorded before this moment are known as at `day` (and by `known_by`)."""
    cutoff = start_of_day(day + datetime.timedelta(days=1))
    return min(cutoff, known_by) if known_by else cutoff
