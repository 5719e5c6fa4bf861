"""Every URL of the project, for every role and for a user of another area.

The walk is driven by the URL resolver: a URL pattern added without a rule in `RULES` fails
`test_every_url_pattern_has_a_rule`, so nobody can add a page and forget who may see it.
For each pattern and each role it asserts what the role must get:

- anonymous → the sign-in page (a redirect), for every URL but sign-in itself;
- a user of another area → 404 for anything that belongs to this area (no leak by id);
- read-only roles (board member, national viewer) → 403 on a write (POST);
- nobody, ever, a 500.

The Django admin is walked too, model by model: anonymous and non-staff users are sent to
the admin's sign-in, never shown a page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import Evidence
from governance.services import board_pack_issue
from tests.actions.factories import ActionFactory, MilestoneFactory, StatusUpdateFactory
from tests.governance.factories import (
    AgendaItemFactory,
    BoardFactory,
    BoardMemberFactory,
    ForwardPlanItemFactory,
    MeetingActionFactory,
    MeetingFactory,
    MinuteFactory,
    at,
)
from tests.kpis.factories import KpiFactory, KpiValueFactory
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    OutcomeFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db


def named_patterns(patterns=None, prefix=""):
    """(name, route) of every named URL pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from named_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name, prefix + str(pattern.pattern)


@dataclass(frozen=True)
class Rule:
    """How to build the URL, and what it is."""

    kwargs: tuple[str, ...] = ()  # names of world attributes giving the URL's kwargs
    in_area: bool = True  # belongs to one area: another area's user gets 404
    public: bool = False  # reachable without signing in
    reads_only: bool = False  # takes no POST: refused with 403 or 405, never served
    own_account: bool = False  # a write on one's own account, which every signed-in user may make


RULES = {
    "home": Rule(in_area=False, reads_only=True),
    "login": Rule(in_area=False, public=True),
    "accessibility": Rule(in_area=False, public=True, reads_only=True),
    "health": Rule(in_area=False, public=True, reads_only=True),
    "password_reset": Rule(in_area=False, public=True),
    "password_reset_done": Rule(in_area=False, public=True, reads_only=True),
    "password_reset_confirm": Rule(("reset_uid", "reset_token"), in_area=False, public=True),
    "password_reset_complete": Rule(in_area=False, public=True, reads_only=True),
    "logout": Rule(in_area=False),
    "password_change": Rule(in_area=False, own_account=True),
    "password_change_done": Rule(in_area=False, reads_only=True),
    "plan-upload": Rule(in_area=False),
    # The format guide and its downloads: for those who may load plans, like the upload page.
    "plan-guide": Rule(in_area=False, reads_only=True),
    "plan-guide-example": Rule(in_area=False, reads_only=True),
    "plan-guide-template": Rule(in_area=False, reads_only=True),
    "kpi-import": Rule(("plan_pk",)),
    "plan-detail": Rule(("plan_pk",), reads_only=True),
    "action-register": Rule(("plan_pk",), reads_only=True),
    "action-detail": Rule(("plan_pk", "action_pk"), reads_only=True),
    "action-record-progress": Rule(("plan_pk", "action_pk")),
    "action-sign-off": Rule(("plan_pk", "action_pk")),
    "action-change-due-date": Rule(("plan_pk", "action_pk")),
    "evidence-download": Rule(("evidence_pk",), reads_only=True),
    "my-actions": Rule(in_area=False, reads_only=True),
    "board-list": Rule(in_area=False, reads_only=True),
    "area-boards": Rule(("area_pk",), reads_only=True),
    "board-detail": Rule(("board_pk",), reads_only=True),
    "board-member-add": Rule(("board_pk",)),
    "board-member-change": Rule(("board_pk", "member_pk")),
    "meeting-add": Rule(("board_pk",)),
    "forward-plan-add": Rule(("board_pk",)),
    "forward-plan-change": Rule(("board_pk", "forward_item_pk")),
    "meeting-action-update": Rule(("board_pk", "meeting_action_pk")),
    "meeting-detail": Rule(("meeting_pk",), reads_only=True),
    "meeting-change": Rule(("meeting_pk",)),
    "meeting-dashboard": Rule(("meeting_pk",), reads_only=True),
    "meeting-attendance": Rule(("meeting_pk",)),
    "agenda-item-add": Rule(("meeting_pk",)),
    "agenda-item-change": Rule(("meeting_pk", "agenda_item_pk")),
    "minute-add": Rule(("meeting_pk", "agenda_item_pk")),
    "minute-change": Rule(("meeting_pk", "agenda_item_pk", "minute_pk")),
    "meeting-action-add": Rule(("meeting_pk",)),
    "pack-issue": Rule(("meeting_pk",)),
    "board-pack": Rule(("meeting_pk", "version"), reads_only=True),
    "board-pack-pdf": Rule(("meeting_pk", "version"), reads_only=True),
    "board-pack-xlsx": Rule(("meeting_pk", "version"), reads_only=True),
    "kpi-index": Rule(in_area=False, reads_only=True),
    "kpi-dataset": Rule(("plan_pk",), reads_only=True),
    "kpi-dataset-export": Rule(("plan_pk", "export_format"), reads_only=True),
    "kpi-detail": Rule(("plan_pk", "kpi_pk"), reads_only=True),
    "kpi-value-record": Rule(("plan_pk", "kpi_pk")),
    "kpi-value-edit": Rule(("plan_pk", "kpi_pk", "value_pk")),
    "kpi-value-override": Rule(("plan_pk", "kpi_pk", "value_pk")),
    "board-kpi-dataset": Rule(("board_pk",), reads_only=True),
}

# The URL kwarg each world attribute fills (world attribute → kwarg name).
KWARG_NAMES = {
    "reset_uid": "uidb64",
    "reset_token": "token",
    "forward_item_pk": "item_pk",
    "meeting_action_pk": "action_pk",
    "agenda_item_pk": "item_pk",
}

SIGNED_IN_ROLES = (
    "administrator",
    "programme_lead",
    "action_lead",
    "board_member",
    "national_viewer",
    "other_area",
)
READ_ONLY_ROLES = ("board_member", "national_viewer")


@pytest.fixture
def world(db, settings):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # evidence is written to the test media folder
    plan = PlanFactory(area__name="Kingston upon Thames")
    area = plan.area
    concern = ConcernFactory(plan=plan, number=1)
    outcome = OutcomeFactory(concern=concern)
    lead = UserFactory(username="lead")
    post = PostFactory(area=area, holder=lead)
    action = ActionFactory(
        plan=plan,
        concern=concern,
        outcome=outcome,
        leads=[post],
        due_date=datetime.date(2022, 3, 1),
    )
    MilestoneFactory(action=action)
    update = StatusUpdateFactory(action=action, level=plan.rating_scheme.levels.first())
    evidence = Evidence(update=update, original_name="minutes.pdf", size=4)
    evidence.file.save("minutes.pdf", ContentFile(b"%PDF"), save=False)
    evidence.save()

    board = BoardFactory(area=area, concerns=[concern])
    member = BoardMemberFactory(board=board)
    meeting = MeetingFactory(board=board, starts_at=at("2022-03-22", 14))
    agenda_item = AgendaItemFactory(meeting=meeting)
    minute = MinuteFactory(agenda_item=agenda_item)
    meeting_action = MeetingActionFactory(raised_at=meeting, number=1)
    forward_item = ForwardPlanItemFactory(board=board)
    pack = board_pack_issue(user=None, meeting=meeting)
    kpi = KpiFactory(plan=plan, concerns=[concern])
    value = KpiValueFactory(kpi=kpi)

    def member_with(role, *, in_plan=plan, **fields):
        user = UserFactory(**fields)
        MembershipFactory(user=user, area=in_plan.area, role=role)
        return user

    MembershipFactory(user=lead, area=area, role=Role.ACTION_LEAD)
    elsewhere = PlanFactory(area__name="Elsewhere")
    users = {
        "administrator": member_with(Role.ADMINISTRATOR),
        "programme_lead": member_with(Role.PROGRAMME_LEAD),
        "action_lead": lead,
        "board_member": member_with(Role.BOARD_MEMBER),
        "national_viewer": UserFactory(is_national_viewer=True),
        "other_area": member_with(Role.ADMINISTRATOR, in_plan=elsewhere),
    }
    return SimpleNamespace(
        users=users,
        plan_pk=plan.pk,
        area_pk=area.pk,
        action_pk=action.pk,
        evidence_pk=evidence.pk,
        board_pk=board.pk,
        member_pk=member.pk,
        meeting_pk=meeting.pk,
        agenda_item_pk=agenda_item.pk,
        minute_pk=minute.pk,
        meeting_action_pk=meeting_action.pk,
        forward_item_pk=forward_item.pk,
        version=pack.version,
        kpi_pk=kpi.pk,
        value_pk=value.pk,
        export_format="csv",
        reset_uid="MQ",
        reset_token="set-password",
    )


def url_for(name: str, world) -> str:
    rule = RULES[name]
    kwargs = {KWARG_NAMES.get(attr, attr): getattr(world, attr) for attr in rule.kwargs}
    return reverse(name, kwargs=kwargs)


def test_every_url_pattern_has_a_rule():
    names = {name for name, _ in named_patterns()}
    assert None not in names, "every URL pattern is named, so the walk can reach it"
    missing = sorted(names - set(RULES))
    assert not missing, f"URL patterns without a permission rule in {__name__}.RULES: {missing}"
    assert not sorted(set(RULES) - names), "rules for URLs that no longer exist"


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", sorted(RULES))
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    client.raise_request_exception = False
    url = url_for(name, world)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code != 500, (name, method.__name__)
        if not RULES[name].public:
            assert _is_sign_in_redirect(response), (name, method.__name__, response.status_code)


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_each_role_gets_what_its_rule_says_and_never_a_500(client, world, name, role):
    if name == "logout":
        pytest.skip("signing out ends the session the other checks use; covered by anonymous")
    client.raise_request_exception = False
    client.force_login(world.users[role])
    url = url_for(name, world)
    rule = RULES[name]

    got = client.get(url)
    assert got.status_code != 500, (name, role, "GET")
    if role == "other_area" and rule.in_area:
        assert got.status_code == 404, (name, "another area's object must not exist for them")

    posted = client.post(url, {})
    assert posted.status_code != 500, (name, role, "POST")
    if role == "other_area" and rule.in_area:
        assert posted.status_code in (404, 405), (name, posted.status_code)
    elif rule.reads_only:
        # A page that only reads: a write is refused, by the role check (403) or the method (405).
        assert posted.status_code in (403, 405), (name, role, posted.status_code)
    elif role in READ_ONLY_ROLES and not (rule.public or rule.own_account):
        assert posted.status_code == 403, (name, role, posted.status_code)


def admin_urls(world) -> list[str]:
    """Every registered model's list and add pages, and a stored object's change page."""
    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model.objects.first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


@pytest.mark.parametrize("role", ("anonymous", "programme_lead", "board_member"))
def test_the_admin_is_for_staff_only(client, world, role):
    """Area roles are not staff: the admin sends them (and anonymous visitors) to its
    sign-in page for every model, never a page or a 500."""
    client.raise_request_exception = False
    if role != "anonymous":
        client.force_login(world.users[role])
    for url in admin_urls(world):
        response = client.get(url)
        assert response.status_code == 302, (url, role, response.status_code)
        location = response["Location"]
        assert reverse("admin:login") in location or reverse("login") in location, url


def test_the_admin_serves_every_page_to_a_superuser_without_a_500(client, world):
    client.raise_request_exception = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in admin_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
