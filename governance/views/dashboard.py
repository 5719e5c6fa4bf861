"""The live meeting dashboard, as at the meeting or any date."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.views.generic import TemplateView

from governance import dashboard as dashboards
from governance import selectors
from governance import views as views_package
from governance.presenters import present_dashboard
from governance.views.common import BoardMixin
from wsoa.dates import date_out_of_range

# The live dashboard shows the first rows of each list (a chair reads it in two minutes);
# "Show all" and the board pack show every row. Re-exported by `governance.views` and read
# from there at request time, so `governance.views.DASHBOARD_LIST_LIMIT` is the one to change.
DASHBOARD_LIST_LIMIT = 25


def parse_as_at(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """`?as_at=YYYY-MM-DD` → (date, "") or (None, an error message)."""
    raw = request.GET.get("as_at", "").strip()
    if not raw:
        return None, ""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None, "Enter the date as year-month-day, for example 2022-03-22"
    out_of_range = date_out_of_range(day)
    return (None, out_of_range) if out_of_range else (day, "")


class MeetingDashboardView(BoardMixin, TemplateView):
    """The meeting dashboard, as at the meeting (or today for an upcoming one) or any date.

    A date that cannot be read, or is outside the service's years, is a 400: the page says
    what is wrong and shows the dashboard as at its usual date."""

    template_name = "governance/meeting_dashboard.html"

    def render_to_response(self, context, **response_kwargs):
        if context.get("as_at_error"):
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_at, as_at_error = parse_as_at(self.request)
        show_all = self.request.GET.get("show") == "all"
        dashboard = present_dashboard(
            dashboards.meeting_dashboard(self.meeting, as_at=as_at),
            live=True,
            limit=None if show_all else views_package.DASHBOARD_LIST_LIMIT,
        )
        query = self.request.GET.copy()
        query["show"] = "all"
        context.update(
            show_all_url="" if show_all else f"?{query.urlencode()}",
            dash=dashboard,
            dash_levels=dashboard["display_levels"],
            as_at_error=as_at_error,
            as_at_value=self.request.GET.get("as_at", ""),
            packs=selectors.packs_for(self.meeting),
            link_cells=True,
        )
        return context
