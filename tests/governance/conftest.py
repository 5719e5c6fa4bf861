"""A hand-counted scenario: the SEND Partnership Board's meeting of 22 March 2022, with the
previous meeting on 10 January 2022. Expected figures are written out in the tests."""

import datetime
from types import SimpleNamespace

import pytest

from actions.status import UpdateKind
from governance.models import MeetingActionStatus, MeetingStatus
from tests.actions.factories import ActionFactory, MilestoneFactory
from tests.governance.factories import (
    BoardFactory,
    MeetingActionFactory,
    MeetingFactory,
    at,
    move_due_date,
    rate,
)
from tests.wsoa.factories import ConcernFactory, PlanFactory, level

D = datetime.date.fromisoformat


@pytest.fixture
def no_kpis(monkeypatch):
    """The dashboard without the KPI feature, so query counts pin governance's own queries."""
    monkeypatch.setattr(
        "governance.dashboard.kpi_section",
        lambda board, *, as_at, known_by=None: {"available": False, "rows": []},
    )


@pytest.fixture
def scenario(db):
    plan = PlanFactory(area__name="Kingston upon Thames", title="SEND WSOA 2019")
    red, amber, light, dark, done = (
        level(plan, code) for code in ("RED", "AMBER", "LIGHT GREEN", "DARK GREEN", "COMPLETED")
    )
    c1 = ConcernFactory(plan=plan, number=1, title="Quality of EHC plans")
    c2 = ConcernFactory(plan=plan, number=2, title="Timeliness of annual reviews")
    board = BoardFactory(area=plan.area, name="SEND Partnership Board", concerns=[c1])
    previous = MeetingFactory(board=board, starts_at=at("2022-01-10", 14), held=True)
    MeetingFactory(board=board, starts_at=at("2022-02-15", 14), status=MeetingStatus.CANCELLED)
    meeting = MeetingFactory(board=board, starts_at=at("2022-03-22", 14), held=True, virtual=True)
    next_meeting = MeetingFactory(board=board, starts_at=at("2022-05-26", 10))

    def action(ref, concern, due=None):
        return ActionFactory(
            plan=plan, concern=concern, outcome=None, ref=ref, due_date=due and D(due)
        )

    a1 = action("1.1a", c1, "2022-06-30")
    rate(a1, red, "2021-12-01")
    rate(a1, amber, "2022-02-01", narrative="Training under way")
    rate(a1, dark, "2022-04-01", narrative="Embedded")  # after the meeting

    a2 = action("1.1b", c1, "2022-01-31")
    move_due_date(a2, to=D("2022-03-31"), changed_at=at("2021-12-15"), reason="Phasing")
    move_due_date(a2, to=D("2022-06-30"), changed_at=at("2022-02-20"), reason="Recruitment")
    rate(a2, light, "2021-12-01")
    rate(a2, red, "2022-03-01", narrative="Recruitment stalled")

    a3 = action("1.2a", c1, "2022-03-01")
    rate(a3, dark, "2021-12-01")
    rate(a3, done, "2022-03-10", narrative="All SENCOs trained")

    a4 = action("1.2b", c1, "2022-02-28")
    rate(a4, amber, "2021-11-01", narrative="Waiting for health partners")

    a5 = action("1.3a", c1)

    a6 = action("2.1a", c2, "2022-01-01")
    a6.boards.add(board)
    rate(a6, done, "2022-01-05")
    rate(a6, done, "2022-02-15", kind=UpdateKind.COMPLETION_SIGNED_OFF)

    a7 = action("2.2a", c2, "2022-01-01")  # not overseen by this board
    rate(a7, red, "2022-03-01")

    m1 = MilestoneFactory(action=a1, due_date=D("2022-02-28"), completed_on=D("2022-02-10"))
    m2 = MilestoneFactory(action=a2, description="Posts advertised", due_date=D("2022-03-01"))
    m3 = MilestoneFactory(action=a4, due_date=D("2021-12-31"), completed_on=D("2021-12-20"))

    ma1 = MeetingActionFactory(raised_at=previous, number=1, due_date=D("2022-03-01"))
    ma2 = MeetingActionFactory(
        raised_at=previous,
        number=2,
        status=MeetingActionStatus.DONE,
        closed_on=D("2022-02-01"),
    )
    ma3 = MeetingActionFactory(raised_at=next_meeting, number=3)
    ma4 = MeetingActionFactory(raised_at=meeting, number=4)

    return SimpleNamespace(
        plan=plan,
        levels=SimpleNamespace(red=red, amber=amber, light=light, dark=dark, done=done),
        c1=c1,
        c2=c2,
        board=board,
        previous=previous,
        meeting=meeting,
        next_meeting=next_meeting,
        a1=a1,
        a2=a2,
        a3=a3,
        a4=a4,
        a5=a5,
        a6=a6,
        a7=a7,
        m1=m1,
        m2=m2,
        m3=m3,
        ma1=ma1,
        ma2=ma2,
        ma3=ma3,
        ma4=ma4,
    )
