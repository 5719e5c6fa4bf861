from django.contrib import admin
from django.db import transaction
from django.db.models import Max
from simple_history.admin import SimpleHistoryAdmin

from governance.models import (
    AgendaItem,
    Attendance,
    BoardMember,
    BoardPack,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingActionUpdate,
    Minute,
    UpdateReminder,
)
from governance.services import board_pack_issue
from wsoa.models import Board


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
    readonly_fields = ["number", "description", "owner", "due_date", "status", "closed_on"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Meeting actions are numbered in the board's log: add them on their own page.
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
    """Numbered per board automatically; every change leaves a history row."""

    list_display = ["ref", "description", "owner", "due_date", "status", "board"]
    list_filter = ["board", "status"]
    search_fields = ["description", "owner"]
    fields = [
        "board",
        "raised_at",
        "description",
        "owner",
        "owner_member",
        "due_date",
        "plan_action",
        "status",
        "closed_on",
        "closed_at",
        "latest_note",
    ]
    raw_id_fields = ["plan_action"]
    inlines = [MeetingActionUpdateInline]

    def get_readonly_fields(self, request, obj=None):
        return ["board", "raised_at"] if obj else []

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            previous = MeetingAction.objects.filter(pk=obj.pk).first() if change else None
            if not change:
                obj.number = (
                    MeetingAction.objects.filter(board=obj.board).aggregate(n=Max("number"))["n"]
                    or 0
                ) + 1
            super().save_model(request, obj, form, change)
            MeetingActionUpdate.objects.create(
                meeting_action=obj,
                from_status=previous.status if previous else "",
                to_status=obj.status,
                from_due_date=previous.due_date if previous else None,
                to_due_date=obj.due_date,
                note="Changed in the admin" if change else "Raised (added in the admin)",
                changed_by=request.user,
            )


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "planned_for", "status"]
    list_filter = ["board", "status"]


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    """An issued pack never changes: adding one here issues the next version for the meeting
    (as "Issue board pack" does); existing packs are read-only."""

    list_display = ["meeting", "version", "issued_at", "issued_by", "as_at"]
    list_filter = ["meeting__board"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "note"]
        return ["meeting", "version", "issued_at", "issued_by", "as_at", "note", "snapshot"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pack = board_pack_issue(user=request.user, meeting=obj.meeting, note=obj.note)
        obj.pk, obj.version, obj.issued_at = pack.pk, pack.version, pack.issued_at
        obj._state.adding = False


@admin.register(UpdateReminder)
class UpdateReminderAdmin(admin.ModelAdmin):
    """The record of reminders sent. Adding one by hand stops that reminder being sent."""

    list_display = ["recipient_email", "action", "meeting", "sent_at"]
    list_filter = ["meeting__board"]
    search_fields = ["recipient_email"]
    raw_id_fields = ["action"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)
