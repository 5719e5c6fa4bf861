"""One history mechanism: the append-only base of every row a board may have seen.

Status updates, due-date changes, meeting-action changes, KPI value corrections and issued
board packs are written once and never changed or deleted; a correction is a new row that
says what it corrects. `save()` refuses to update a stored row and `delete()` refuses
outright (a queryset's bulk `update()`/`delete()` is not used on these tables; the Django
admin shows them read-only).
"""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete a history row."""


class AppendOnlyModel(models.Model):
    # Said in the error; each model may put it in its own words.
    append_only_message = "This record is part of the history: record a correction instead."
    delete_message = "This record is part of the history and cannot be deleted."
    # Fields derived from the row (never what someone recorded) that may be refreshed in place
    # with `save(update_fields=[...])`, e.g. a KPI value's rating when its targets change.
    derived_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.derived_fields:
                raise AppendOnlyError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.delete_message)


class HistoryAdminMixin:
    """A history table in the Django admin: listed and shown, never added, changed or deleted
    there (its rows are written by the services that own them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
