from django.contrib import admin

from governance.models import Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "organisation", "frequency", "area", "is_active"]
    list_filter = ["area", "is_active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["concerns"]
