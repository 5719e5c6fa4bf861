"""kpis.selectors.board_kpi_summary: what the board dashboard and board pack show."""

import datetime

import pytest

from kpis.models import KpiRag, ValueStatus
from kpis.rag import Trend
from kpis.selectors import board_kpi_summary
from tests.kpis.factories import BoardFactory, KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.wsoa.factories import ConcernFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def board_dataset(plan):
    overseen = ConcernFactory(plan=plan, number=1)
    board = BoardFactory(area=plan.area, concerns=[overseen])

    def kpi(code, values, target=95, **fields):
        made = KpiFactory(plan=plan, code=code, concerns=[overseen], **fields)
        if target is not None:
            KpiTargetFactory(kpi=made, value=target, due_on=D(2019, 8, 31))
        for period, value in values:
            if value is None:
                KpiValueFactory(kpi=made, period=period, status=ValueStatus.NO_DATA, value=None)
            else:
                KpiValueFactory(kpi=made, period=period, value=value)
        return made

    kpi("G-STEADY", [("Q1 2021/22", 97), ("Q2 2021/22", 98)])  # green, improved
    kpi("G-WORSE", [("Q1 2021/22", 99), ("Q2 2021/22", 96)])  # green but worsened
    kpi("AMBER", [("Q1 2021/22", 90), ("Q2 2021/22", 92)])  # amber, improved
    kpi("RED", [("Q1 2021/22", 60), ("Q2 2021/22", 70)])  # red, improved
    kpi("NODATA", [("Q1 2021/22", 90), ("Q2 2021/22", None)])
    kpi("CONTEXT", [("Q1 2021/22", 1157), ("Q2 2021/22", 1312)], target=None, count=True)
    KpiFactory(plan=plan, code="NOT-MINE", concerns=[ConcernFactory(plan=plan, number=2)])
    return board


def test_red_or_worsened_come_first_then_worst_rating_first(board_dataset):
    rows = board_kpi_summary(board_dataset)
    assert [row.kpi.code for row in rows] == [
        "RED",
        "G-WORSE",
        "AMBER",
        "NODATA",
        "CONTEXT",
        "G-STEADY",
    ]
    red, worse = rows[0], rows[1]
    assert (red.rag, red.change.trend, red.needs_attention) == (KpiRag.RED, Trend.IMPROVED, True)
    assert (worse.rag, worse.change.trend, str(worse.change.amount)) == (
        KpiRag.GREEN,
        Trend.WORSENED,
        "-3.00",
    )
    assert rows[3].latest.status == ValueStatus.NO_DATA and rows[3].rag == KpiRag.NO_DATA
    assert rows[4].change.trend == Trend.UP
    assert red.target.value == 95 and red.latest.period_label == "Q2 2021/22"
    assert [v.period_label for v in red.series] == ["Q1 2021/22", "Q2 2021/22"]


def test_as_at_shows_the_dataset_as_it_stood_then(board_dataset):
    rows = {row.kpi.code: row for row in board_kpi_summary(board_dataset, as_at=D(2021, 7, 31))}
    assert rows["RED"].latest.period_label == "Q1 2021/22"
    assert rows["RED"].change.trend == Trend.NO_EARLIER_PERIOD  # Q1 is the first quarter
    assert rows["NODATA"].rag == KpiRag.AMBER  # its missing Q2 had not happened yet
    assert board_kpi_summary(board_dataset, as_at=D(2020, 1, 1))[0].rag == KpiRag.NO_DATA


def test_a_fall_against_a_period_of_another_kind_is_not_worsened(plan):
    """The Kingston case: 98% for the year to December, then 61% for Q3 of a later year. Not
    like for like, so not "worsened"; a fall from the quarter before is."""
    concern = ConcernFactory(plan=plan, number=1)
    board = BoardFactory(area=plan.area, concerns=[concern])
    for code, values in (
        ("PART", [("2018/19", 99), ("2019/20 YTD to December", 98), ("Q3 2021/22", 61)]),
        ("LIKE", [("Q2 2021/22", 70), ("2021/22 YTD to December", 99), ("Q3 2021/22", 61)]),
    ):
        kpi = KpiFactory(plan=plan, code=code, concerns=[concern])
        KpiTargetFactory(kpi=kpi, value=50, due_on=D(2019, 8, 31))  # all green: order by change
        for period, value in values:
            KpiValueFactory(kpi=kpi, period=period, value=value)
    rows = {row.kpi.code: row for row in board_kpi_summary(board)}
    part, like = rows["PART"], rows["LIKE"]
    assert (part.is_worsened, part.needs_attention, part.change.trend, part.previous) == (
        False,
        False,
        Trend.NO_EARLIER_PERIOD,
        None,
    )
    assert (like.is_worsened, like.previous.period_label, str(like.change.amount)) == (
        True,
        "Q2 2021/22",
        "-9.00",
    )
    assert [row.kpi.code for row in board_kpi_summary(board)] == ["LIKE", "PART"]


@pytest.mark.parametrize("extra_kpis", [0, 12])
def test_board_summary_runs_a_fixed_number_of_queries(
    plan, board_dataset, extra_kpis, django_assert_num_queries
):
    concern = board_dataset.concerns.get()
    for _ in range(extra_kpis):
        kpi = KpiFactory(plan=plan, concerns=[concern])
        KpiValueFactory(kpi=kpi, period="Q1 2021/22")
        KpiValueFactory(kpi=kpi, period="Q2 2021/22")
    with django_assert_num_queries(4):
        rows = board_kpi_summary(board_dataset)
        [(row.kpi.section.name, row.kpi.data_owner, list(row.kpi.concerns.all())) for row in rows]
    assert len(rows) == 6 + extra_kpis
