"""Writes for actions: progress updates, completion sign-off, due-date changes.

Every function is one transaction, takes the acting user, checks what the database cannot,
and appends history; nothing a board has seen is overwritten.
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from actions.models import Action, DueDateChange, Evidence, Milestone, StatusUpdate
from actions.status import PROPOSING_KINDS, UpdateKind
from wsoa import permissions
from wsoa.models import RatingLevel

# Evidence: what officers attach (documents, spreadsheets, images, PDFs), and how big.
EVIDENCE_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".ppt", ".pptx", ".odt", ".ods",
    ".txt", ".png", ".jpg", ".jpeg", ".gif",
}  # fmt: skip
EVIDENCE_MAX_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


class StaleUpdateError(Exception):
    """Someone else recorded an update since the form was opened."""

    def __init__(self, newer: list[StatusUpdate]):
        self.newer = newer
        super().__init__("This action was updated by someone else in the meantime.")


@dataclass(frozen=True)
class EvidenceInput:
    file: object | None = None  # an UploadedFile
    link: str = ""
    description: str = ""


def _lock(action: Action) -> None:
    """Lock the action's row until the transaction ends, so two saves are serialised
    (PostgreSQL; SQLite locks the whole database on write). No ordering: the default one joins
    tables, and FOR UPDATE cannot apply to the nullable side of an outer join."""
    list(Action.objects.select_for_update().filter(pk=action.pk).order_by().values_list("pk"))


def latest_update(action: Action) -> StatusUpdate | None:
    """The update that gives the action its current rating (latest by effective date)."""
    return action.status_updates.latest_first().first()


def last_recorded_update(action: Action) -> StatusUpdate | None:
    """The update entered last, whatever date it applies from: what a form must have seen.

    By primary key, the database's own order of insertion: a loader may give an update a
    historical `recorded_at`, but it was still entered after the form was opened."""
    return action.status_updates.order_by("-pk").first()


def _check_evidence(items: list[EvidenceInput]) -> None:
    errors = []
    for item in items:
        if item.file is None:
            continue
        name = item.file.name or ""
        extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if extension not in EVIDENCE_EXTENSIONS:
            allowed = ", ".join(sorted(e.lstrip(".").upper() for e in EVIDENCE_EXTENSIONS))
            errors.append(f"{name} is not a type of file we accept. Use {allowed}.")
        if item.file.size > EVIDENCE_MAX_BYTES:
            errors.append(f"{name} is larger than {filesizeformat(EVIDENCE_MAX_BYTES)}.")
        if item.file.size == 0:
            errors.append(f"{name} is empty.")
    if errors:
        raise ValidationError({"evidence": errors})


def _save_evidence(update: StatusUpdate, items: list[EvidenceInput], user) -> None:
    for item in items:
        if item.file is None and not item.link:
            continue
        evidence = Evidence(
            update=update, link=item.link, description=item.description, added_by=user
        )
        if item.file is not None:
            evidence.original_name = item.file.name[:255]
            evidence.size = item.file.size
            evidence.content_type = (
                getattr(item.file, "content_type", "")
                or mimetypes.guess_type(item.file.name)[0]
                or "application/octet-stream"
            )
            evidence.file.save(item.file.name, item.file, save=False)
        evidence.full_clean(exclude=["file"])
        evidence.save()


def _refuse_if_stale(action: Action, seen_update_id: int | None) -> None:
    """Compare what the user saw with every update recorded since (the action row is locked)."""
    last = last_recorded_update(action)
    if last is None or last.pk == seen_update_id:
        return
    newer = action.status_updates.filter(pk__gt=seen_update_id or 0)
    # A seen id from elsewhere (another action, a forged form) finds nothing newer: show the last.
    raise StaleUpdateError(list(newer.select_related("level", "author").order_by("pk")) or [last])


@transaction.atomic
def action_record_progress(
    *,
    user,
    action: Action,
    level: RatingLevel | None,
    narrative: str,
    effective_on: datetime.date,
    evidence: list[EvidenceInput] = (),
    milestones_completed: list[Milestone] = (),
    seen_update_id: int | None = None,
    corrects: StatusUpdate | None = None,
) -> StatusUpdate:
    """Append a progress update to an action.

    `seen_update_id` is the last update *recorded* when the user opened the form
    (`last_recorded_update`): if any update was recorded since, whatever date it applies
    from, StaleUpdateError carries the newer ones and nothing is saved.
    """
    if not permissions.can_record_progress(user, action):
        raise PermissionDenied
    _lock(action)
    _refuse_if_stale(action, seen_update_id)
    current = latest_update(action)

    errors: dict[str, list[str]] = {}
    if level is not None and level.scheme_id != action.plan.rating_scheme_id:
        errors.setdefault("level", []).append("Choose a rating from this plan's scheme.")
    if effective_on > timezone.localdate():
        errors.setdefault("effective_on", []).append("The date cannot be in the future.")
    worse = bool(level and current and current.level and level.rank < current.level.rank)
    if not narrative.strip() and level and (level.needs_attention or worse):
        why = "is worse than before" if worse else f"is {level.label}"
        errors.setdefault("narrative", []).append(
            f"Explain the progress: a narrative is required when the rating {why}."
        )
    if level and level.is_complete and not any(e.file or e.link for e in evidence):
        errors.setdefault("evidence", []).append(
            "Add at least one piece of evidence to propose that the action is complete."
        )
    if corrects is not None and corrects.action_id != action.pk:
        errors.setdefault("corrects", []).append("You can only correct this action's updates.")
    for milestone in milestones_completed:
        if milestone.action_id != action.pk:
            errors.setdefault("milestones", []).append("Choose milestones of this action.")
    if errors:
        raise ValidationError(errors)
    _check_evidence(list(evidence))

    update = StatusUpdate(
        action=action,
        kind=UpdateKind.CORRECTION if corrects else UpdateKind.PROGRESS,
        level=level,
        narrative=narrative.strip(),
        author=user,
        effective_on=effective_on,
        corrects=corrects,
    )
    update.full_clean()
    update.save()
    _save_evidence(update, list(evidence), user)
    complete_level = action.plan.rating_scheme.levels.filter(is_complete=True).first()
    for milestone in milestones_completed:
        milestone_complete(
            user=user, milestone=milestone, completed_on=effective_on, complete_level=complete_level
        )
    return update


def milestone_complete(
    *,
    user,
    milestone: Milestone,
    completed_on: datetime.date,
    complete_level: RatingLevel | None = None,
) -> Milestone:
    """Mark a milestone done: set its completion date and append a status update."""
    if milestone.completed_on:
        return milestone
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on", "modified_at"])
    StatusUpdate.objects.create(
        milestone=milestone,
        kind=UpdateKind.PROGRESS,
        level=complete_level,
        narrative="Milestone completed.",
        author=user,
        effective_on=completed_on,
    )
    return milestone


@transaction.atomic
def action_decide_completion(
    *, user, action: Action, approve: bool, reason: str = ""
) -> StatusUpdate:
    """A programme lead signs off a proposed completion, or sends it back with a reason."""
    if not permissions.can_manage_plan(user, action.plan):
        raise PermissionDenied
    _lock(action)
    proposal = latest_update(action)
    if not (
        proposal
        and proposal.level
        and proposal.level.is_complete
        and proposal.kind in PROPOSING_KINDS
    ):
        raise ValidationError("There is no proposed completion to decide on.")
    if proposal.author_id == user.pk:
        raise ValidationError(
            "You proposed this completion, so another programme lead must sign it off."
        )
    if approve:
        update = StatusUpdate(
            action=action,
            kind=UpdateKind.COMPLETION_SIGNED_OFF,
            level=proposal.level,
            narrative=reason.strip() or "Completion signed off.",
            author=user,
            effective_on=timezone.localdate(),
        )
    else:
        if not reason.strip():
            raise ValidationError({"reason": ["Say why the completion is sent back."]})
        previous = action.status_updates.exclude(pk=proposal.pk).latest_first().first()
        update = StatusUpdate(
            action=action,
            kind=UpdateKind.COMPLETION_SENT_BACK,
            level=previous.level if previous else None,
            narrative=reason.strip(),
            author=user,
            effective_on=timezone.localdate(),
        )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def due_date_change(
    *,
    user,
    action: Action | None = None,
    milestone: Milestone | None = None,
    new_date: datetime.date,
    reason: str,
) -> DueDateChange:
    """Move an action's or a milestone's due date, keeping the original and the reason."""
    subject = action or milestone
    owning_action = action or milestone.action
    if not permissions.can_record_progress(user, owning_action):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the due date is changing."]})
    if new_date == subject.due_date:
        raise ValidationError({"new_date": ["That is already the due date."]})
    change = DueDateChange(
        action=action,
        milestone=milestone,
        from_date=subject.due_date,
        to_date=new_date,
        reason=reason.strip(),
        changed_by=user,
    )
    change.full_clean()
    change.save()
    if subject.original_due_date is None:
        subject.original_due_date = subject.due_date or new_date
    subject.due_date = new_date
    subject.save(update_fields=["due_date", "original_due_date", "modified_at"])
    return change
