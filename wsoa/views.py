"""The home page (plans of my areas) and `PlanMixin`, which every plan page builds on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from wsoa import permissions
from wsoa.models import Plan

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class PlanMixin:
    """Resolves `plan_pk` to a plan the user may see (404 otherwise: another area's plan does
    not exist for them) and refuses any write from a user who may not write in its area."""

    plan_url_kwarg = "plan_pk"

    @cached_property
    def plan(self) -> Plan:
        queryset = Plan.objects.visible_to(self.request.user).select_related(
            "area", "rating_scheme"
        )
        return get_object_or_404(queryset, pk=self.kwargs[self.plan_url_kwarg])

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            permissions.require(permissions.can_write_in_area(request.user, self.plan.area_id))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["can_manage_plan"] = permissions.can_manage_plan(self.request.user, self.plan)
        # Transcribers' notes on the plan text are for the area's administrators.
        context["can_administer_area"] = permissions.can_administer_area(
            self.request.user, self.plan.area_id
        )
        return context


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).with_list_related_data()
    return render(
        request,
        "wsoa/home.html",
        {"plans": plans, "can_load_plans": permissions.can_load_plans(request.user)},
    )


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: linked from every page's footer, readable signed out."""
    return render(request, "wsoa/accessibility.html")
