from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from wsoa.models import (
    Concern,
    LocalArea,
    Membership,
    Organisation,
    Outcome,
    Plan,
    Post,
    RatingLevel,
    RatingScheme,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Access to plans", {"fields": ("is_national_viewer",)}),
    )
    list_display = ["username", "email", "first_name", "last_name", "is_national_viewer"]
    inlines = [MembershipInline]


@admin.register(LocalArea)
class LocalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "health_body_label"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "area", "role"]
    list_filter = ["area", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "area"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "area", "is_active"]
    list_filter = ["area", "kind", "is_active"]
    search_fields = ["name", "short_name"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "holder_name", "holder", "area", "is_active"]
    list_filter = ["area", "organisation", "is_active"]
    search_fields = ["title", "holder_name", "holder__username"]
    autocomplete_fields = ["holder", "organisation"]


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    inlines = [RatingLevelInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "kind", "status", "published_on"]
    list_filter = ["area", "kind", "status"]
    search_fields = ["title"]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    fields = ["position", "ref", "statement", "impact_statements"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "sponsor"]
    list_filter = ["plan"]
    search_fields = ["title", "finding"]
    filter_horizontal = ["delivery_partners"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "concern"]
    list_filter = ["concern__plan"]
    search_fields = ["ref", "statement"]
