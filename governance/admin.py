from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    BoardPack,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionUpdate,
    Minute,
    UpdateReminder,
)


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 0
    fields = ["name", "initials", "post", "organisation", "user", "is_chair", "is_active"]
    autocomplete_fields = ["user"]


class ForwardPlanInline(admin.TabularInline):
    model = ForwardPlanItem
    fk_name = "board"
    extra = 0
    fields = ["title", "concern", "planned_for", "status", "position"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "organisation", "frequency", "area", "is_active"]
    list_filter = ["area", "is_active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["concerns"]
    inlines = [BoardMemberInline, ForwardPlanInline]


@admin.register(BoardMember)
class BoardMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "initials", "post", "organisation", "board", "is_chair", "is_active"]
    list_filter = ["board__area", "board", "is_chair", "is_active"]
    search_fields = ["name", "initials", "post"]
    autocomplete_fields = ["user"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["member", "name", "initials", "organisation_name", "status"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title", "presenter"]
    show_change_link = True


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    fk_name = "raised_at"
    extra = 0
    fields = ["number", "description", "owner", "due_date", "status", "closed_on"]
    readonly_fields = ["number"]

    def has_add_permission(self, request, obj=None):
        # Numbered per board by the service: add meeting actions in the tracker.
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["board", "starts_at", "location", "status"]
    list_filter = ["board__area", "board", "status"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, AgendaItemInline, MeetingActionInline]


class MinuteInline(admin.StackedInline):
    model = Minute
    extra = 0
    fields = ["position", "concern", "text"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "number", "meeting"]
    list_filter = ["meeting__board"]
    inlines = [MinuteInline]


class MeetingActionUpdateInline(admin.TabularInline):
    model = MeetingActionUpdate
    extra = 0
    can_delete = False
    readonly_fields = [
        "meeting",
        "from_status",
        "to_status",
        "from_due_date",
        "to_due_date",
        "note",
        "changed_by",
        "changed_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MeetingAction)
class MeetingActionAdmin(admin.ModelAdmin):
    list_display = ["ref", "description", "owner", "due_date", "status", "board"]
    list_filter = ["board", "status"]
    search_fields = ["description", "owner"]
    readonly_fields = ["board", "number", "raised_at"]
    inlines = [MeetingActionUpdateInline]

    def has_add_permission(self, request):
        return False


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "planned_for", "status"]
    list_filter = ["board", "status"]


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    """Read-only: an issued pack never changes."""

    list_display = ["meeting", "version", "issued_at", "issued_by", "as_at"]
    list_filter = ["meeting__board"]
    readonly_fields = ["meeting", "version", "issued_at", "issued_by", "as_at", "note", "snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UpdateReminder)
class UpdateReminderAdmin(admin.ModelAdmin):
    list_display = ["recipient_email", "action", "meeting", "sent_at"]
    list_filter = ["meeting__board"]
    search_fields = ["recipient_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
