"""The action lists: a plan's action register, and My actions."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from actions import selectors
from actions.filters import ActionRegisterFilter
from actions.tables import ActionRegisterTable
from wsoa.models import RatingLevel
from wsoa.selectors import levels_by_id
from wsoa.spreadsheets import SafeTableExport
from wsoa.views import PlanMixin

REGISTER_PAGE_SIZE = 25


class ActionRegisterView(PlanMixin, ExportMixin, SingleTableMixin, FilterView):
    """Every action of a plan: filter, sort, page, and download exactly the filtered rows."""

    export_class = SafeTableExport  # formulas in a cell are written as text

    template_name = "actions/register.html"
    table_class = ActionRegisterTable
    filterset_class = ActionRegisterFilter
    table_pagination = {"per_page": REGISTER_PAGE_SIZE}
    export_formats = ("csv", "xlsx")

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def levels(self) -> dict[int, RatingLevel]:
        return levels_by_id(self.plan)

    @property
    def is_export(self) -> bool:
        return self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param))

    def get_queryset(self):
        return selectors.register_actions(self.plan)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(plan=self.plan, levels=list(self.levels.values()), today=self.today)
        return kwargs

    def get_table_kwargs(self):
        return {"plan": self.plan, "levels": self.levels, "today": self.today}

    def get_table_pagination(self, table):
        # A download holds every filtered row; skip counting and slicing a page nobody sees.
        if self.is_export:
            return False
        return super().get_table_pagination(table)

    def get_export_filename(self, export_format: str) -> str:
        return f"{slugify(self.plan.title)}-actions-{self.today:%Y-%m-%d}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": "Actions"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["levels"] = list(self.levels.values())
        context["export_formats"] = self.export_formats
        return context
