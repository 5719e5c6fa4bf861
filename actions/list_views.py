"""Placeholder until the action register and My actions pages are written (issue 4)."""

from django.http import HttpResponse
from django.views import View


def my_actions(request):
    return HttpResponse("My actions: being written", status=501)


class ActionRegisterView(View):
    def get(self, request, plan_pk):
        return HttpResponse("Action register: being written", status=501)
