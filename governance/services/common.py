"""Shared helpers for the governance services: validated saves with history, remit checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from wsoa.models import Board, Concern


def save_with_history(instance, *, user, update_fields: list[str] | None = None):
    """full_clean, then save; simple-history records `user` as the author of the change."""
    instance.full_clean()
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    instance.save(update_fields=update_fields)
    return instance


def _check_concern_in_remit(board: Board, concern: Concern | None) -> None:
    if concern is not None and concern.plan.area_id != board.area_id:
        raise ValidationError({"concern": "That concern belongs to another local area's plan."})


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None
