"""The run command's demo data: real plans loaded and one account per role, printed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.models import Action
from governance.models import Meeting
from wsoa.models import Membership, Plan, Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_plans_and_prints_one_account_per_role(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    kingston = Plan.objects.get(area__name="Kingston upon Thames")
    assert Action.objects.filter(plan=kingston).count() == 55
    roles = dict(
        Membership.objects.filter(area=kingston.area).values_list("user__username", "role")
    )
    assert roles == {
        "admin": Role.ADMINISTRATOR,
        "programme.lead": Role.PROGRAMME_LEAD,
        "action.lead": Role.ACTION_LEAD,
        "board.member": Role.BOARD_MEMBER,
    }
    assert User.objects.get(username="national.viewer").is_national_viewer
    for username in [*roles, "national.viewer"]:
        assert username in text
        assert User.objects.get(username=username).check_password("demo-password-2026")
    upcoming = Meeting.objects.filter(starts_at__gte=timezone.now())
    assert upcoming.count() == 1  # a demo "next meeting" for the board dashboard
    assert "Loaded kingston-2022-03-board-meeting.yaml" in text
    # Running it again (a second `scripts/run`) changes nothing and still works.
    call_command("seed_demo", stdout=StringIO())
    assert Plan.objects.count() == 2
    assert upcoming.count() == 1


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG must be on"):
        call_command("seed_demo", stdout=StringIO())
