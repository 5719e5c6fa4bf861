"""Administration of KPI definitions and targets. Values are entered and imported through
the service's own pages (which rate them and record corrections as new rows), so they are
read-only here: the admin cannot add, change or delete one and bypass their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kpis.models import Kpi, KpiSection, KpiTarget, KpiValue
from kpis.services import kpi_ratings_recalculate
from wsoa.history import HistoryAdminMixin


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 1
    fields = ["due_on", "value", "label"]


@admin.register(KpiSection)
class KpiSectionAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "position"]
    list_filter = ["plan__area", "plan"]
    ordering = ["plan", "position"]


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "section", "plan", "unit", "direction", "data_owner"]
    list_filter = ["plan__area", "plan", "section", "unit", "direction", "is_active"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["concerns", "actions"]
    raw_id_fields = ["data_owner"]
    inlines = [KpiTargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Targets, direction or threshold may have changed: re-rate every value.
        kpi_ratings_recalculate(
            user=request.user, kpi=form.instance, reason="KPI changed in the admin"
        )


@admin.register(KpiValue)
class KpiValueAdmin(HistoryAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "kpi",
        "period_label",
        "period_start",
        "period_end",
        "value",
        "status",
        "recorded_at",
        "recorded_by",
        "corrects",
    ]
    list_filter = ["kpi__plan", "status", "computed_rag"]
    list_select_related = ["kpi", "recorded_by", "corrects__kpi"]
    search_fields = ["kpi__code", "period_label"]
