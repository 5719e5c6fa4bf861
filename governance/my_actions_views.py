"""My actions: the page. The reads are in governance.my_actions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from governance.my_actions import my_actions as my_actions_overview


@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions whose lead post the signed-in user holds, what needs attention first."""
    overview = my_actions_overview(request.user)
    return render(request, "actions/my_actions.html", {"overview": overview})
