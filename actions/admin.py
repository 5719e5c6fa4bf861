from django.contrib import admin

from actions.models import Action, Milestone, StatusUpdate


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["position", "description", "deadline", "due_date", "completed_on"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["ref", "short_description", "concern", "timescale", "due_date", "plan"]
    list_filter = ["plan", "concern", "resource"]
    search_fields = ["ref", "description"]
    filter_horizontal = ["leads", "boards"]
    inlines = [MilestoneInline]

    @admin.display(description="Description")
    def short_description(self, obj):
        return obj.description[:100]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["description", "action", "deadline", "due_date", "completed_on"]
    list_filter = ["action__plan"]
    search_fields = ["description", "action__ref"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """Append-only: an administrator may add an update but never change or delete one."""

    list_display = ["effective_on", "action", "milestone", "level", "kind", "author_display"]
    list_filter = ["kind", "action__plan"]
    search_fields = ["narrative", "action__ref"]
    raw_id_fields = ["action", "milestone", "corrects"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
