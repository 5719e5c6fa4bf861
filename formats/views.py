"""The pages that take a file: administrators load a plan (as `manage.py load_plan` does), and
programme leads and data owners import a spreadsheet of KPI values."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from formats.forms import KpiImportForm, PlanUploadForm
from formats.kpis.values import (
    COLUMNS,
    IGNORED_COLUMNS,
    KPI_UPLOAD_MAX_BYTES,
    ImportFileError,
    kpi_values_import,
)
from formats.plans.services import plan_load
from formats.reader import ParsedFile, PlanFileError, Problem, parse_plan_file
from kpis import permissions as kpi_rules
from kpis.models import Kpi
from wsoa import permissions
from wsoa.models import LocalArea, Plan
from wsoa.views import PlanMixin


def _refuse_other_areas(user, parsed: ParsedFile) -> None:
    """Raise PlanFileError unless the user administers the area the file is for (superusers
    administer every area, and alone may load the first plan of a new one).

    Checked before the file is validated, because validation compares the file with what the
    area already holds ("did you mean …?") and must not show one area's posts to another's
    administrator. A file whose area cannot be read is left to plan_load, which reports it.
    """
    if user.is_superuser:
        return
    data = parsed.data if isinstance(parsed.data, dict) else {}
    area_spec = data.get("area") if isinstance(data.get("area"), dict) else {}
    area_name = area_spec.get("name")
    if not isinstance(area_name, str) or not area_name.strip():
        return
    area_name = area_name.strip()
    area = LocalArea.objects.filter(name=area_name).first()
    if area is None or not permissions.can_administer_area(user, area.pk):
        raise PlanFileError(
            [
                Problem(
                    "area.name",
                    f'this file is for "{area_name}", and you are not an administrator of '
                    "that area: only its administrators may load its plans",
                    parsed.line_of("area.name"),
                )
            ]
        )


@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_load_plans(request.user))
    form = (
        PlanUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else PlanUploadForm()
    )
    problems: list[Problem] = []
    result = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["plan_file"]
        raw = upload.read()
        try:
            parsed = parse_plan_file(
                raw, max_bytes=settings.PLAN_UPLOAD_MAX_BYTES, name=upload.name
            )
            _refuse_other_areas(request.user, parsed)
            result = plan_load(
                user=request.user,
                parsed=parsed,
                name=upload.name,
                update=form.cleaned_data["update"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except PlanFileError as exc:
            problems = exc.problems
            count = len(problems)
            form.add_error(
                "plan_file",
                f"{upload.name} has {count} problem{'s' if count != 1 else ''}, listed below; "
                "nothing was loaded",
            )
        else:
            if not result.dry_run:
                plan = result.report.plan
                messages.success(
                    request,
                    f'Loaded "{result.plan_title}" ({result.area_name}): '
                    f"{result.report.summary()}.",
                )
                for note in result.report.notes:
                    messages.info(request, note)
                return redirect("plan-detail", plan_pk=plan.pk)
    context = {"form": form, "problems": problems, "result": result}
    if result:
        # Counters as lists: a template would read `created.items` as the count of "items".
        context["would_create"] = [(what, n) for what, n in result.report.created.items() if n]
        context["would_change"] = [(what, n) for what, n in result.report.updated.items() if n]
    return render(request, "formats/plan_upload.html", context)


# The files the format guide offers for download: a complete example, and a blank template.
PLAN_EXAMPLE = settings.BASE_DIR / "fixtures" / "exampleshire-2023-app.yaml"
PLAN_TEMPLATE = settings.BASE_DIR / "fixtures" / "plan-template.yaml"


@require_http_methods(["GET"])
def plan_guide(request: HttpRequest) -> HttpResponse:
    """The plan format guide (docs/plan-format.md as its readers need it), for those who may
    load plans: the people who write the files."""
    permissions.require(permissions.can_load_plans(request.user))
    return render(request, "formats/plan_guide.html")


def _plan_file_download(request: HttpRequest, path, filename: str) -> FileResponse:
    permissions.require(permissions.can_load_plans(request.user))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/yaml; charset=utf-8",
    )


@require_http_methods(["GET"])
def plan_guide_example(request: HttpRequest) -> FileResponse:
    return _plan_file_download(request, PLAN_EXAMPLE, "example-plan.yaml")


@require_http_methods(["GET"])
def plan_guide_template(request: HttpRequest) -> FileResponse:
    return _plan_file_download(request, PLAN_TEMPLATE, "plan-template.yaml")


# --- Importing KPI values ----------------------------------------------------------------


class KpiImportView(PlanMixin, FormView):
    template_name = "formats/kpi_import.html"
    form_class = KpiImportForm

    def dispatch(self, request, *args, **kwargs):
        kpi_rules.require(kpi_rules.can_import_values(request.user, self.plan))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > KPI_UPLOAD_MAX_BYTES:
            form.add_error("file", "The file is too big: the largest accepted is 5 MB")
            return self.form_invalid(form)
        is_check = "check" in self.request.POST
        try:
            result = kpi_values_import(
                user=self.request.user,
                raw=upload.read(),
                name=upload.name,
                plan=self.plan,
                dry_run=is_check,
                year_convention=form.cleaned_data.get("year_convention") or "",
                as_at=form.cleaned_data.get("as_at"),
            )
        except ImportFileError as exc:
            form.add_error("file", f"{upload.name} was not imported: fix the problems listed")
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    problems=exc.problems,
                    file_name=upload.name,
                    readings=getattr(exc, "readings", []),
                    skipped=getattr(exc, "skipped", []),
                    file_notes=getattr(exc, "notes", []),
                )
            )
        if is_check:
            # The check step: how every row was read, before anything is written.
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    checked=result,
                    file_name=upload.name,
                    readings=result.readings,
                    skipped=result.skipped,
                    file_notes=result.notes,
                )
            )
        messages.success(self.request, f"Imported {upload.name}: {result.summary()}.")
        for change in result.changes:
            messages.info(self.request, f"Corrected: {change}")
        return redirect(reverse("kpi-dataset", args=[self.plan.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = list(COLUMNS.values())
        context["ignored_columns"] = sorted(IGNORED_COLUMNS)
        user = self.request.user
        kpis = Kpi.objects.for_plan(self.plan).select_related("data_owner", "section")
        context["importable_kpis"] = [
            kpi
            for kpi in kpis.in_dataset_order()
            if kpi_rules.can_enter_values(user, _with_plan(kpi, self.plan))
        ]
        return context


def _with_plan(kpi: Kpi, plan: Plan) -> Kpi:
    kpi.plan = plan
    return kpi
