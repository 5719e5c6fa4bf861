"""The home page (plans of my areas) and `PlanMixin`, which every plan page builds on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
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


PLANS_PER_PAGE = 25


def page_of(request: HttpRequest, queryset, *, per_page: int) -> tuple:
    """(the page asked for, the other query parameters encoded for the page links)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The plans the user may read, a page at a time (a national viewer reads every area's),
    searchable by title or area."""
    plans = (
        Plan.objects.visible_to(request.user)
        .with_list_related_data()
        .order_by("area__name", "-published_on", "title", "pk")
    )
    search = request.GET.get("q", "").strip()[:100]
    if search:
        plans = plans.filter(Q(title__icontains=search) | Q(area__name__icontains=search))
    page, page_query = page_of(request, plans, per_page=PLANS_PER_PAGE)
    return render(
        request,
        "wsoa/home.html",
        {
            "plans": page.object_list,
            "page": page,
            "page_query": page_query,
            "search": search,
            "can_load_plans": permissions.can_load_plans(request.user),
        },
    )


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: linked from every page's footer, readable signed out."""
    return render(request, "wsoa/accessibility.html")
