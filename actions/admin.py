from django.contrib import admin

from actions.models import Action, DueDateChange, Milestone, StatusUpdate
from wsoa.history import HistoryAdminMixin

# Due dates and completions have a history (DueDateChange, StatusUpdate) written only by
# actions.services: on a stored action or milestone the admin shows them read-only, so
# nothing moves a date without the change on the record. A new one may be given its dates.
HISTORY_FIELDS = ["due_date", "original_due_date", "completed_on"]


class HistoryFieldsReadOnly:
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            fields += [f for f in HISTORY_FIELDS if hasattr(obj, f)]
        return fields


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["position", "description", "deadline", "due_date", "completed_on"]

    def get_readonly_fields(self, request, obj=None):
        # `obj` is the action: its stored milestones' dates are history, a new row's are not.
        return ["due_date", "completed_on"] if obj is not None and obj.pk else []

    def has_add_permission(self, request, obj=None):
        # Milestones added later go through the plan file (--update), which records them.
        return obj is None and super().has_add_permission(request, obj)


@admin.register(Action)
class ActionAdmin(HistoryFieldsReadOnly, admin.ModelAdmin):
    list_display = ["ref", "short_description", "concern", "timescale", "due_date", "plan"]
    list_filter = ["plan", "concern", "resource"]
    search_fields = ["ref", "description"]
    filter_horizontal = ["leads", "boards"]
    inlines = [MilestoneInline]

    @admin.display(description="Description")
    def short_description(self, obj):
        return obj.description[:100]


@admin.register(Milestone)
class MilestoneAdmin(HistoryFieldsReadOnly, admin.ModelAdmin):
    list_display = ["description", "action", "deadline", "due_date", "completed_on"]
    list_filter = ["action__plan"]
    search_fields = ["description", "action__ref"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Read-only: updates are written by actions.services (which checks the scheme, the
    narrative rules and the sign-off), never by a bare admin form."""

    list_display = ["effective_on", "action", "milestone", "level", "kind", "author_display"]
    list_filter = ["kind", "action__plan"]
    search_fields = ["narrative", "action__ref"]
    raw_id_fields = ["action", "milestone", "corrects"]


@admin.register(DueDateChange)
class DueDateChangeAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Read-only: due dates move through actions.services.due_date_change."""

    list_display = ["changed_at", "action", "milestone", "from_date", "to_date", "changed_by"]
    list_filter = ["action__plan"]
    raw_id_fields = ["action", "milestone"]
