"""One board, four meetings, twelve actions: every surface a user sees gives the same answers.

The rules are written once (actions.status, governance.meetings); this scenario checks that
My actions, the live dashboard, the dashboard as at a past date, the issued board pack (page,
PDF, XLSX) and the reminder emails all apply them alike. Each surface has a small reader that
turns what it shows into {question: set of action refs}; every test compares a reader's answer
with the one expected answer below.

Today is T (the real date: the services record "now"). The board's meetings:

    M1  T-100  held
    M2  T-60   held
    M3  T-20   held        <- the board's last meeting before today
    --  T-12   CANCELLED   (never "the last meeting")
    M4  T+7    scheduled   <- the upcoming meeting: its live dashboard, its pack, the reminders

The actions (all in the board's remit; the lead post P1 leads all of them, P2 co-leads four):

    1.1a  first rated Red since M3 (recorded today)
    1.1b  first rated Amber since M3 (recorded T-10)
    1.2a  Light green -> Red today (worsened); due T-10: overdue            [P2 too]
    1.2b  Amber -> Dark green at T-15 (improved); not stale (T-15 is after M3; the T-12
          meeting was cancelled)
    1.3a  Amber at T-50, corrected today to Red *back-dated* to T-50: recorded after M3, so
          NOT stale
    1.4a  Light green at T-70, nothing since: stale                          [P2 too]
    1.4b  Amber at T-45, nothing since, due T-35: stale and overdue
    1.5a  completion proposed today (due T-5): awaiting sign-off, not complete, not overdue
                                                                             [P2 too]
    1.5b  completion proposed, then signed off today (due T-5)
    1.6a  completion proposed, then sent back today (back to Light green)
    1.6b  Amber at T-70, due date moved today from T-10 to T+60: a due-date change is not a
          status update, so still stale; no longer overdue                   [P2 too]
    1.7a  never rated: stale
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, timezone

from actions.services import (
    EvidenceInput,
    action_decide_completion,
    action_record_progress,
    due_date_change,
    last_recorded_update,
)
from governance.dashboard import SINCE_ACTION_SECTIONS
from governance.models import MeetingStatus
from governance.services import board_pack_issue, update_reminders_send
from tests.actions.factories import ActionFactory
from tests.governance.factories import BoardFactory, MeetingFactory, at, rate
from tests.wsoa.factories import (
    ConcernFactory,
    MembershipFactory,
    PlanFactory,
    PostFactory,
    UserFactory,
    level,
)
from wsoa.models import Role

pytestmark = pytest.mark.django_db

PAST_AS_AT_OFFSET = -30  # the past date the dashboard is viewed as at: between M2 and M3

QUESTIONS = (
    "first_rated",
    "worsened",
    "improved",
    "proposed",
    "signed_off",
    "sent_back",
    "due_dates_moved",
    "overdue",
    "stale",
    "red_amber",
    "awaiting_sign_off",
)
SINCE_QUESTIONS = QUESTIONS[:7]


def answers(**sets) -> dict[str, set[str]]:
    """A full answer: every question, unnamed ones empty."""
    unknown = set(sets) - set(QUESTIONS)
    assert not unknown, unknown
    return {q: set(sets.get(q, ())) for q in QUESTIONS}


# What every surface must say today (compared with M3, the board's last meeting before today).
EXPECTED_TODAY = answers(
    first_rated={"1.1a", "1.1b"},
    worsened={"1.2a"},
    # Reaching the complete level is a completion (proposed, signed off), listed as such,
    # not "improved".
    improved={"1.2b"},
    proposed={"1.5a"},
    signed_off={"1.5b"},
    sent_back={"1.6a"},
    due_dates_moved={"1.6b"},
    overdue={"1.2a", "1.4b"},
    stale={"1.4a", "1.4b", "1.6b", "1.7a"},
    red_amber={"1.1a", "1.1b", "1.2a", "1.3a", "1.4b", "1.6b"},
    awaiting_sign_off={"1.5a"},
)

# As at T-30, compared with M2 (T-60): the last meeting before T-30, not M3 (T-20, later)
# and not M1. Ratings from the history as known now (so 1.3a's correction counts), "stale"
# from what had been recorded by the end of T-30.
EXPECTED_PAST = answers(
    first_rated={"1.3a", "1.4b"},  # with M1 as the baseline, 1.2a, 1.2b, ... would be too
    overdue={"1.4b"},  # 1.2a (due T-10) and 1.6b (due T-10 as it stood then) not yet
    stale={"1.1a", "1.1b", "1.2a", "1.2b", "1.4a", "1.5a", "1.5b", "1.6a", "1.6b", "1.7a"},
    red_amber={"1.2b", "1.3a", "1.4b", "1.6b"},
)

# Lead post P2 co-leads only these.
P2_REFS = {"1.2a", "1.4a", "1.5a", "1.6b"}


def restricted(expected: dict[str, set[str]], refs: set[str]) -> dict[str, set[str]]:
    return {q: s & refs for q, s in expected.items()}


# --- The scenario ----------------------------------------------------------------------------


@pytest.fixture
def world(db):
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA")
    red, amber, light, dark, done = (
        level(plan, code) for code in ("RED", "AMBER", "LIGHT GREEN", "DARK GREEN", "COMPLETED")
    )
    concern = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[concern])
    m1 = MeetingFactory(board=board, starts_at=at(day(-100), 14), held=True)
    m2 = MeetingFactory(board=board, starts_at=at(day(-60), 14), held=True)
    m3 = MeetingFactory(board=board, starts_at=at(day(-20), 14), held=True)
    MeetingFactory(board=board, starts_at=at(day(-12), 14), status=MeetingStatus.CANCELLED)
    m4 = MeetingFactory(board=board, starts_at=at(day(7), 14))

    lead = UserFactory(username="lead1", first_name="Sam", last_name="Lead")
    co_lead = UserFactory(username="lead2", first_name="Alison", last_name="Stewart")
    programme_lead = UserFactory(username="pl", first_name="Pat", last_name="Programme")
    for user, role in ((lead, Role.ACTION_LEAD), (co_lead, Role.ACTION_LEAD)):
        MembershipFactory(user=user, area=plan.area, role=role)
    MembershipFactory(user=programme_lead, area=plan.area, role=Role.PROGRAMME_LEAD)
    p1 = PostFactory(area=plan.area, title="Head of SEN Service", holder=lead)
    p2 = PostFactory(area=plan.area, title="Designated Clinical Officer", holder=co_lead)

    def action(ref, due=None):
        leads = [p1, p2] if ref in P2_REFS else [p1]
        return ActionFactory(
            plan=plan,
            concern=concern,
            outcome=None,
            ref=ref,
            due_date=None if due is None else day(due),
            leads=leads,
        )

    def history(act, lvl, offset, **kw):
        """An update effective and recorded `offset` days from today (noon)."""
        return rate(act, lvl, day(offset), recorded_at=at(day(offset), 12), **kw)

    def progress(act, lvl, offset, narrative="Progress noted", **kw):
        """Through the service, by the lead, recorded now, effective `offset` days ago."""
        last = last_recorded_update(act)
        return action_record_progress(
            user=lead,
            action=act,
            level=lvl,
            narrative=narrative,
            effective_on=day(offset),
            seen_update_id=last.pk if last else None,
            **kw,
        )

    evidence = [EvidenceInput(link="https://example.org/evidence")]
    a = {}
    a["1.1a"] = action("1.1a", 90)
    progress(a["1.1a"], red, -5, "Not started: no officer")
    a["1.1b"] = action("1.1b", 90)
    history(a["1.1b"], amber, -10, narrative="Started late")
    a["1.2a"] = action("1.2a", -10)
    history(a["1.2a"], light, -70)
    progress(a["1.2a"], red, -3, "Recruitment stalled")
    a["1.2b"] = action("1.2b", 90)
    history(a["1.2b"], amber, -70, narrative="Waiting for partners")
    history(a["1.2b"], dark, -15)
    a["1.3a"] = action("1.3a", 90)
    original = history(a["1.3a"], amber, -50, narrative="On the way")
    progress(a["1.3a"], red, -50, "Correction: it was red", corrects=original)
    a["1.4a"] = action("1.4a", 90)
    history(a["1.4a"], light, -70)
    a["1.4b"] = action("1.4b", -35)
    history(a["1.4b"], amber, -45, narrative="Behind")
    a["1.5a"] = action("1.5a", -5)
    history(a["1.5a"], dark, -70)
    progress(a["1.5a"], done, -2, "All done", evidence=evidence)
    a["1.5b"] = action("1.5b", -5)
    history(a["1.5b"], dark, -70)
    progress(a["1.5b"], done, -8, "All done", evidence=evidence)
    action_decide_completion(user=programme_lead, action=a["1.5b"], approve=True)
    a["1.6a"] = action("1.6a", 30)
    history(a["1.6a"], light, -70)
    progress(a["1.6a"], done, -4, "Done, we think", evidence=evidence)
    action_decide_completion(
        user=programme_lead, action=a["1.6a"], approve=False, reason="No evidence of impact"
    )
    a["1.6b"] = action("1.6b", -10)
    history(a["1.6b"], amber, -70, narrative="Slipping")
    due_date_change(user=lead, action=a["1.6b"], new_date=day(60), reason="Recruitment")
    a["1.7a"] = action("1.7a")

    return SimpleNamespace(
        today=today,
        day=day,
        plan=plan,
        board=board,
        m1=m1,
        m2=m2,
        m3=m3,
        m4=m4,
        lead=lead,
        co_lead=co_lead,
        programme_lead=programme_lead,
        actions=a,
    )


def long_date(value: datetime.date) -> str:
    return dateformat.format(value, "j F Y")


# --- Readers: what each surface says, as {question: refs} -------------------------------------


class _Tables(HTMLParser):
    """Every <table>: its class, caption text and rows of cell texts; and every paragraph."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._in_caption = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.paragraphs: list[str] = []
        self._para: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"class": dict(attrs).get("class", ""), "caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "p" and not self._stack:
            self._para = []

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "p" and self._para is not None:
            self.paragraphs.append(" ".join("".join(self._para).split()))
            self._para = None

    def handle_data(self, data):
        if self._in_caption and self._stack:
            self._stack[-1]["caption"] += data
        if self._cell is not None:
            self._cell.append(data)
        if self._para is not None:
            self._para.append(data)


def parse_tables(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


# The dashboard's (and the pack page's) table captions.
DASHBOARD_CAPTIONS = {
    "Rated for the first time": "first_rated",
    "Rating worsened": "worsened",
    "Rating improved": "improved",
    "Completion proposed": "proposed",
    "Completion signed off": "signed_off",
    "Completion sent back": "sent_back",
    "Due dates moved": "due_dates_moved",
    "Overdue actions": "overdue",
    "No update since the last meeting": "stale",
    "Red and amber actions": "red_amber",
    "Completions awaiting sign-off": "awaiting_sign_off",
}


def dashboard_answers(html: str) -> dict[str, set[str]]:
    """From the dashboard page or the pack page: each captioned table's action refs (a list
    shown as "Caption: none." is empty)."""
    found = answers()
    seen = set()
    parsed = parse_tables(html)
    for table in parsed.tables:
        caption = re.sub(r"\s*\(\d+\)\s*$", "", " ".join(table["caption"].split()))
        question = DASHBOARD_CAPTIONS.get(caption)
        if question is None:
            continue
        assert question not in seen, f"two tables captioned {caption!r}"
        seen.add(question)
        body = table["rows"][1:]  # the header row first
        found[question] = {row[0].split()[0] for row in body}
    for caption, question in DASHBOARD_CAPTIONS.items():
        if question not in seen:
            assert f"{caption}: none." in parsed.paragraphs, (
                f"neither a table nor 'none' for {caption!r}"
            )
    return found


def my_actions_answers(html: str) -> dict[str, set[str]]:
    """From My actions: refs flagged overdue, "no update since the board met", and with the
    "Completion proposed" tag. My actions does not show the board's "since" lists."""
    found = answers()
    for table in parse_tables(html).tables:
        if "wsoa-my-actions" not in table["class"]:
            continue
        for row in table["rows"][1:]:
            ref = row[0].split()[1]  # "Action 1.2a ..."
            rating, reasons = row[1], row[4]
            if "Overdue by" in reasons:
                found["overdue"].add(ref)
            if "No update since the board met" in reasons:
                found["stale"].add(ref)
            if "Completion proposed" in rating:
                found["awaiting_sign_off"].add(ref)
    return found


MY_ACTIONS_QUESTIONS = ("overdue", "stale", "awaiting_sign_off")


def only(expected: dict[str, set[str]], questions) -> dict[str, set[str]]:
    return {q: expected[q] for q in questions}


XLSX_SINCE = {title: key for key, title in SINCE_ACTION_SECTIONS} | {
    "Due date moved": "due_dates_moved"
}
XLSX_ATTENTION = {
    "Overdue": "overdue",
    "Red or amber": "red_amber",
    "Completion awaiting sign-off": "awaiting_sign_off",
    "No update since the last meeting": "stale",
}


def xlsx_answers(content: bytes) -> dict[str, set[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    found = answers()
    for sheet, titles in (
        ("Since last meeting", XLSX_SINCE),
        ("Needs attention", XLSX_ATTENTION),
    ):
        for why, ref, *_ in workbook[sheet].iter_rows(min_row=5, values_only=True):
            if why in titles:
                found[titles[why]].add(ref)
    return found


def pdf_text(content: bytes) -> str | None:
    """The PDF's text, with pypdf or pdftotext if either is installed; else None."""
    try:
        from pypdf import PdfReader
    except ImportError:
        PdfReader = None
    if PdfReader is not None:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return result.stdout.decode()
    return None


def reminder_answers() -> dict[str, set[str]]:
    """From the outbox: {recipient: refs listed in their reminder}."""
    by_person: dict[str, set[str]] = {}
    for message in mail.outbox:
        (recipient,) = message.to
        assert recipient not in by_person, f"two reminders to {recipient}"
        by_person[recipient] = set(re.findall(r"^- (\S+): ", message.body, flags=re.M))
    return by_person


def assert_same(surface: str, found: dict, expected: dict) -> None:
    """Compare question by question, naming every disagreement at once."""
    wrong = {
        q: {"expected": sorted(expected[q]), surface: sorted(found.get(q, set()))}
        for q in expected
        if found.get(q, set()) != expected[q]
    }
    assert not wrong, wrong


# --- The surfaces ------------------------------------------------------------------------------


def test_the_data_itself_matches_the_expected_answers(world):
    """The dashboard data (the one source the pages and the pack render) says the expected."""
    from governance.dashboard import meeting_dashboard
    from governance.snapshot import to_json

    dash = to_json(meeting_dashboard(world.m4))
    assert dash["previous_meeting"]["pk"] == world.m3.pk
    sections, attention = dash["since"]["sections"], dash["attention"]
    found = {key: {row["ref"] for row in sections[key]} for key in SINCE_QUESTIONS[:-1]}
    found["due_dates_moved"] = {row["action_ref"] for row in sections["due_dates_moved"]}
    found["overdue"] = {row["ref"] for row in attention["overdue_actions"]}
    found["stale"] = {row["ref"] for row in attention["no_update_since_last_meeting"]}
    found["red_amber"] = {row["ref"] for row in attention["red_amber"]}
    found["awaiting_sign_off"] = {row["ref"] for row in attention["awaiting_sign_off"]}
    assert_same("meeting_dashboard()", found, EXPECTED_TODAY)
    # The proposal has its own column in the RAG summary and is not counted as Completed.
    totals = {cell["level"]: cell["count"] for cell in dash["plans"][0]["totals"]}
    done = level(world.plan, "COMPLETED")
    assert totals["proposed"] == 1
    assert totals[done.pk] == 1  # 1.5b, signed off


def test_my_actions_page_for_each_lead(client, world):
    for user, refs in ((world.lead, set(world.actions)), (world.co_lead, P2_REFS)):
        client.force_login(user)
        response = client.get(reverse("my-actions"))
        assert response.status_code == 200
        assert_same(
            f"My actions ({user.username})",
            my_actions_answers(response.text),
            only(restricted(EXPECTED_TODAY, refs), MY_ACTIONS_QUESTIONS),
        )
        # "Since the board met" means M3, not the cancelled meeting after it.
        assert f"No update since the board met on {long_date(world.day(-20))}" in response.text
        assert long_date(world.day(-12)) not in response.text


def test_live_dashboard_page(client, world):
    client.force_login(world.programme_lead)
    response = client.get(reverse("meeting-dashboard", args=[world.m4.pk]), {"show": "all"})
    assert response.status_code == 200
    assert response.context["dash"]["previous_meeting"]["pk"] == world.m3.pk
    assert f"compared with the last meeting on {long_date(world.day(-20))}" in response.text
    assert_same("live dashboard page", dashboard_answers(response.text), EXPECTED_TODAY)


def test_dashboard_page_as_at_a_past_date_compares_with_the_meeting_before_it(client, world):
    client.force_login(world.programme_lead)
    as_at = world.day(PAST_AS_AT_OFFSET)
    response = client.get(
        reverse("meeting-dashboard", args=[world.m4.pk]),
        {"as_at": as_at.isoformat(), "show": "all"},
    )
    assert response.status_code == 200
    # M2 (T-60): the last meeting before T-30, not M3 (T-20), which came later, nor M1.
    assert response.context["dash"]["previous_meeting"]["pk"] == world.m2.pk
    assert f"Ratings as at <strong>{long_date(as_at)}</strong>" in response.text
    assert f"compared with the last meeting on {long_date(world.day(-60))}" in response.text
    assert_same(f"dashboard page as at {as_at}", dashboard_answers(response.text), EXPECTED_PAST)


@pytest.fixture
def pack(world):
    return board_pack_issue(
        user=world.programme_lead, meeting=world.m4, note="For the meeting", now=timezone.now()
    )


def test_issued_pack_snapshot_and_page(client, world, pack):
    assert pack.snapshot["previous_meeting"]["pk"] == world.m3.pk
    client.force_login(world.programme_lead)
    response = client.get(reverse("board-pack", args=[world.m4.pk, pack.version]))
    assert response.status_code == 200
    assert_same("board pack page", dashboard_answers(response.text), EXPECTED_TODAY)


def test_issued_pack_pdf(client, world, pack):
    client.force_login(world.programme_lead)
    response = client.get(reverse("board-pack-pdf", args=[world.m4.pk, pack.version]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    if text is None:
        pytest.skip(
            "The PDF was rendered, but neither pypdf nor pdftotext is installed to read its "
            "text, so its lists cannot be compared"
        )
    flat = " ".join(text.split())
    # The PDF is the pack page's HTML (templates/governance/pack_pdf.html) through WeasyPrint;
    # its text must name the same actions under the same headings.
    for caption, question in DASHBOARD_CAPTIONS.items():
        refs = EXPECTED_TODAY[question]
        if refs:
            assert f"{caption} ({len(refs)})" in flat, caption
        else:
            assert f"{caption}: none." in flat, caption
    for ref in world.actions:
        if any(ref in refs for refs in EXPECTED_TODAY.values()):
            assert ref in flat, ref


def test_issued_pack_xlsx(client, world, pack):
    client.force_login(world.programme_lead)
    response = client.get(reverse("board-pack-xlsx", args=[world.m4.pk, pack.version]))
    assert response.status_code == 200
    assert_same("board pack XLSX", xlsx_answers(response.content), EXPECTED_TODAY)


def test_reminder_emails_list_each_leads_stale_actions(world):
    mail.outbox.clear()
    run = update_reminders_send(
        lead_days=14, base_url="https://wsoa.example.org", now=timezone.now()
    )
    assert [m.pk for m in run.meetings] == [world.m4.pk]
    expected = {
        world.lead.email: EXPECTED_TODAY["stale"],
        world.co_lead.email: EXPECTED_TODAY["stale"] & P2_REFS,
    }
    assert reminder_answers() == expected
    for message in mail.outbox:
        assert f"since the board last met on {long_date(world.day(-20))}" in message.body


# --- KPI corrections: a figure known at the meeting stays what the board saw ----------------


def test_a_kpi_corrected_after_the_meeting_shows_as_known_then(client, world):
    from decimal import Decimal

    from kpis.periods import parse_period
    from kpis.services import kpi_value_record
    from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory

    kpi = KpiFactory(plan=world.plan, code="EHC1", concerns=list(world.board.concerns.all()))
    KpiTargetFactory(kpi=kpi, value=Decimal("95"), due_on=world.day(120))
    KpiValueFactory(kpi=kpi, period="Apr 2026", value=Decimal("50"))  # recorded 30 April: red
    pack_before = board_pack_issue(
        user=world.programme_lead, meeting=world.m4, now=at(world.day(-1), 12)
    )
    kpi_value_record(
        user=world.programme_lead,
        kpi=kpi,
        period=parse_period("Apr 2026"),
        value=Decimal("96"),
        note="Corrected after a data-quality check",
    )

    def kpi_rows(dash):
        return {row["code"]: row["value"] for row in dash["kpis"]["rows"]}

    client.force_login(world.programme_lead)
    dashboard = reverse("meeting-dashboard", args=[world.m4.pk])
    live = client.get(dashboard, {"show": "all"}).context["dash"]
    as_at_m3 = client.get(dashboard, {"as_at": world.day(-20).isoformat()}).context["dash"]
    assert kpi_rows(live) == {}  # 96% against 95%: green, no longer an exception
    assert kpi_rows(as_at_m3) == {"EHC1": "50%"}  # as known on the day of M3
    assert kpi_rows(pack_before.snapshot) == {"EHC1": "50%"}  # the pack issued before it
    page = client.get(reverse("board-pack", args=[world.m4.pk, pack_before.version]))
    assert "50%" in page.text and "96%" not in page.text
