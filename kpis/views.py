"""KPI pages: the dataset of a plan or a board, a KPI's page, entering values, and overriding
a rating. Views parse, authorise, call one service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView, View

from kpis import permissions, selectors, services
from kpis.filters import KpiDatasetFilter
from kpis.formatting import value_text
from kpis.forms import KpiValueForm, RagOverrideForm
from kpis.models import Kpi, KpiRag, KpiValue, ValueStatus
from kpis.tables import export_response
from wsoa import permissions as area_rules
from wsoa.models import Board, Plan
from wsoa.views import PlanMixin

# --- Index -------------------------------------------------------------------------------


@require_safe
def dataset_index(request: HttpRequest) -> HttpResponse:
    """The datasets the user may read: one per plan, and one per board."""
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("area")
        .annotate(kpi_count=Count("kpis", filter=Q(kpis__is_active=True), distinct=True))
        .order_by("area__name", "title")
    )
    boards = (
        Board.objects.filter(area__in=[plan.area_id for plan in plans], is_active=True)
        .select_related("area")
        .annotate(
            kpi_count=Count(
                "concerns__evidenced_by",
                filter=Q(concerns__evidenced_by__is_active=True),
                distinct=True,
            )
        )
        .filter(kpi_count__gt=0)
        .order_by("area__name", "name")
    )
    return render(request, "kpis/index.html", {"plans": plans, "boards": boards})


# --- Datasets ----------------------------------------------------------------------------


class DatasetMixin:
    """Shared by the plan and board dataset pages: filters, rows, summary counts."""

    template_name = "kpis/dataset.html"

    def dataset_context(self, kpis, plans) -> dict:
        filterset = KpiDatasetFilter(self.request.GET or None, queryset=kpis, plans=plans)
        rows = selectors.plan_dataset(filterset.qs)
        return {
            "filterset": filterset,
            "sections": selectors.group_by_section(rows),
            "row_count": len(rows),
            "rag_summary": selectors.rag_counts(rows),
            "attention_rows": [row for row in rows if row.needs_attention],
        }


class KpiDatasetView(PlanMixin, DatasetMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.dataset_context(Kpi.objects.for_plan(self.plan), [self.plan]))
        context.update(
            board=None,
            can_import=permissions.can_import_values(self.request.user, self.plan),
        )
        return context


class BoardKpiDatasetView(DatasetMixin, TemplateView):
    @cached_property
    def board(self) -> Board:
        board = get_object_or_404(Board.objects.select_related("area"), pk=self.kwargs["board_pk"])
        if not area_rules.can_view_area(self.request.user, board.area_id):
            raise Http404("No board here.")
        return board

    def dispatch(self, request, *args, **kwargs):
        self.board  # noqa: B018 - resolve (or 404) before anything else
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = list(Plan.objects.filter(area_id=self.board.area_id))
        context.update(self.dataset_context(Kpi.objects.for_board(self.board), plans))
        context.update(board=self.board, plan=None, can_import=False)
        return context


class DatasetExportView(PlanMixin, View):
    """The plan's values in the import format, as CSV or XLSX."""

    def get(self, request, plan_pk: int, export_format: str):
        values = KpiValue.objects.current().for_plan(self.plan).in_dataset_order()
        filename = f"kpi-values-plan-{self.plan.pk}.{export_format}"
        return export_response(values, export_format, filename)


# --- A KPI -------------------------------------------------------------------------------


class KpiMixin(PlanMixin):
    @cached_property
    def kpi(self) -> Kpi:
        queryset = Kpi.objects.for_plan(self.plan).select_related("section", "data_owner__holder")
        kpi = get_object_or_404(queryset, pk=self.kwargs["kpi_pk"])
        kpi.plan = self.plan
        return kpi

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            kpi=self.kpi,
            can_enter_values=permissions.can_enter_values(user, self.kpi),
            can_override_rag=permissions.can_override_rag(user, self.plan),
        )
        return context


class KpiDetailView(KpiMixin, TemplateView):
    template_name = "kpis/kpi_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.kpi_page_data(self.kpi, self.plan))
        return context


class KpiValueRecordView(KpiMixin, FormView):
    """Enter a value for a period (a period already recorded is corrected), or, with
    `value_pk`, correct a recorded value: either way a correction is a new row and the
    corrected one is kept."""

    template_name = "kpis/value_form.html"
    form_class = KpiValueForm

    def dispatch(self, request, *args, **kwargs):
        permissions.require(permissions.can_enter_values(request.user, self.kpi))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def instance(self) -> KpiValue | None:
        if "value_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            KpiValue.objects.current(), pk=self.kwargs["value_pk"], kpi=self.kpi
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kpi"] = self.kpi
        return kwargs

    def get_initial(self):
        value = self.instance
        if value is None:
            return {"status": ValueStatus.RECORDED}
        has_fraction = value.numerator is not None
        return {
            "period_label": value.period_label,
            "period_start": f"{value.period_start:%d/%m/%Y}",
            "period_end": f"{value.period_end:%d/%m/%Y}",
            "status": value.status,
            "value": "" if value.value is None or has_fraction else str(value.value.normalize()),
            "numerator": value.numerator if has_fraction else "",
            "denominator": value.denominator if has_fraction else "",
            "note": value.note,
            "source": value.source,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            saved = services.kpi_value_record(
                user=self.request.user,
                kpi=self.kpi,
                period=data["period"],
                status=data["status"],
                value=data["figure"],
                numerator=data["numerator_number"],
                denominator=data["denominator_number"],
                note=data["note"],
                source=data["source"],
                instance=self.instance,
            )
        except ValidationError as exc:
            form.add_model_errors(exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Saved {self.kpi.code} for {saved.period_label}: {value_text(saved, self.kpi)}, "
            f"rated {KpiRag(saved.rag).label}.",
        )
        return redirect("kpi-detail", self.plan.pk, self.kpi.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = self.instance
        return context


class KpiValueOverrideView(KpiMixin, FormView):
    template_name = "kpis/override_form.html"
    form_class = RagOverrideForm

    def dispatch(self, request, *args, **kwargs):
        permissions.require(permissions.can_override_rag(request.user, self.plan))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def value(self) -> KpiValue:
        value = get_object_or_404(
            KpiValue.objects.current(), pk=self.kwargs["value_pk"], kpi=self.kpi
        )
        value.kpi = self.kpi
        return value

    def get_initial(self):
        return {"rag": self.value.rag_override, "reason": self.value.override_reason}

    def form_valid(self, form):
        try:
            services.kpi_value_override(
                user=self.request.user,
                value=self.value,
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error("reason" if name == "override_reason" else "rag", error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Saved the rating of {self.kpi.code} for {self.value.period_label}."
        )
        return redirect("kpi-detail", self.plan.pk, self.kpi.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["value"] = self.value
        return context
