"""Every kind of page works under the Content-Security-Policy in a real Chromium: the browser
refuses nothing (no inline script, style or style attribute without the nonce) and GOV.UK
Frontend's initAll runs (docs/security.md)."""

import datetime

import pytest
from django.utils import timezone

from governance.services import board_pack_issue
from tests.actions.factories import ActionFactory
from tests.governance.factories import BoardFactory, MeetingFactory, rate
from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium says "Refused to …" or "… violates the following Content Security Policy directive".
CSP_WORDS = ("content security policy", "content-security-policy", "refused to", "violates")


@pytest.fixture
def programme():
    """A plan with an action, a board meeting with an issued pack and a charted KPI, and a
    programme lead for its area who is also a site administrator."""
    today = timezone.localdate()
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    lead = UserFactory(username="lead", is_staff=True, is_superuser=True)
    MembershipFactory(user=lead, area=plan.area, role=Role.PROGRAMME_LEAD)
    post = PostFactory(area=plan.area, title="Associate Director for SEND", holder=lead)
    action = ActionFactory(
        plan=plan, concern=concern, outcome=None, ref="1.1a", leads=[post],
        description="Recruit four more EHC coordinators",
        due_date=today + datetime.timedelta(days=30),
    )  # fmt: skip
    rate(action, level(plan, "AMBER"), today - datetime.timedelta(days=5), narrative="Started")
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])
    meeting = MeetingFactory(board=board, starts_at=timezone.now() + datetime.timedelta(days=3))
    kpi = KpiFactory(plan=plan, code="H1", title="Health advice within 6 weeks")
    kpi.concerns.set([concern])
    KpiTargetFactory(kpi=kpi, value=95, due_on=datetime.date(2019, 9, 30))
    for month, value in [("Apr 2019", 60), ("May 2019", 70), ("Jun 2019", 96)]:
        KpiValueFactory(kpi=kpi, period=month, value=value)
    board_pack_issue(user=None, meeting=meeting)
    return {"plan": plan, "action": action, "board": board, "meeting": meeting, "kpi": kpi}


def page_paths(p):
    plan, action, meeting, kpi = p["plan"], p["action"], p["meeting"], p["kpi"]
    return {
        "home": "/",
        "plan page": f"/plans/{plan.pk}/",
        "action page": f"/plans/{plan.pk}/actions/{action.pk}/",
        "record progress form": f"/plans/{plan.pk}/actions/{action.pk}/progress/",
        "register": f"/plans/{plan.pk}/actions/",
        "my actions": "/my-actions/",
        "boards": "/boards/",
        "board": f"/boards/{p['board'].pk}/",
        "meeting dashboard": f"/meetings/{meeting.pk}/dashboard/",
        "board pack": f"/meetings/{meeting.pk}/packs/1/",
        "KPI dataset": f"/plans/{plan.pk}/kpis/",
        "KPI page": f"/plans/{plan.pk}/kpis/{kpi.pk}/",
        "plan upload": "/plans/load/",
        "change password": "/account/password/",
        "admin": "/admin/",
        "admin list": "/admin/wsoa/user/",
        "admin change form": f"/admin/wsoa/plan/{plan.pk}/change/",
        "admin add form": "/admin/wsoa/plan/add/",
    }


def watch_console(page):
    # The admin has no `<link rel="icon">`, so Chromium asks for /favicon.ico alongside the
    # page; both would save the session (SESSION_SAVE_EVERY_REQUEST) and the live server's
    # in-memory SQLite refuses two writers at once ("database table is locked").
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def refusals(messages):
    return [m for m in messages if any(word in m.lower() for word in CSP_WORDS)]


def assert_frontend_initialised(page, name):
    classes = page.evaluate("Array.from(document.body.classList)")
    assert "js-enabled" in classes, f"{name}: the inline js-enabled script did not run"
    assert "govuk-frontend-supported" in classes, f"{name}: {classes}"
    # initAll marks each component it starts; the skip link is on every page of ours.
    page.wait_for_selector("[data-govuk-skip-link-init]", state="attached", timeout=5_000)


def test_sign_in_page_works_under_the_policy(page, live_server, programme):
    messages = watch_console(page)
    response = page.goto(f"{live_server.url}/sign-in/")
    assert "'nonce-" in response.headers["content-security-policy"]
    assert_frontend_initialised(page, "sign-in")
    assert refusals(messages) == []


def test_every_kind_of_page_works_under_the_policy(page, sign_in, live_server, programme):
    messages = watch_console(page)
    sign_in("lead")
    failures = {}
    for name, path in page_paths(programme).items():
        messages.clear()
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert response.status == 200, f"{name} ({path}): HTTP {response.status}"
        assert "content-security-policy" in response.headers, f"{name}: no CSP header"
        if not path.startswith("/admin/"):
            assert_frontend_initialised(page, name)
        if refused := refusals(messages):
            failures[f"{name} ({path})"] = refused
    assert failures == {}


def test_kpi_chart_is_drawn_in_colour_under_the_policy(page, sign_in, live_server, programme):
    sign_in("lead")
    plan, kpi = programme["plan"], programme["kpi"]
    page.goto(f"{live_server.url}/plans/{plan.pk}/kpis/{kpi.pk}/")
    chart = page.locator("figure.kpi-chart svg[role=img]")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    # The data line is drawn in GOV.UK blue from a presentation attribute, not a style.
    strokes = chart.evaluate(
        "svg => Array.from(svg.querySelectorAll('path'), p => getComputedStyle(p).stroke)"
    )
    assert "rgb(29, 112, 184)" in strokes
    assert chart.locator("[style]").count() == 0


def test_rating_colours_apply_under_the_policy(page, sign_in, live_server, programme):
    sign_in("lead")
    page.goto(f"{live_server.url}/plans/{programme['plan'].pk}/actions/")
    tag = page.locator(".wsoa-rating", has_text="Amber").first
    colour = tag.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour


def test_lockout_page_works_under_the_policy(page, live_server, programme, settings):
    settings.AXES_ENABLED = True
    messages = watch_console(page)
    for _ in range(5):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill("lead")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="You cannot sign in at the moment").is_visible()
    assert page.get_by_text("locked for 15 minutes").is_visible()
    assert_frontend_initialised(page, "lockout")
    assert refusals(messages) == []
