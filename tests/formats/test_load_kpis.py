"""The Kingston demo dataset and the definitions-file loader (manage.py load_kpis)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from formats.plans.services import plan_load
from kpis.models import Kpi, KpiRag, KpiValue
from kpis.selectors import board_kpi_summary
from wsoa.models import Board

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def kingston(db):
    plan_load(user=None, raw=(FIXTURES / "kingston-2019-wsoa.yaml").read_bytes(), name="plan")
    call_command("load_kpis", str(FIXTURES / "kingston-kpis.yaml"), verbosity=0)


def test_kingston_dataset_loads_the_documents_figures_with_targets_and_trajectories(kingston):
    kpis = {kpi.code: kpi for kpi in Kpi.objects.prefetch_related("targets", "concerns", "actions")}
    assert set(kpis) == {
        "EHC1", "EHC2", "EHC3", "EHC4", "AR1", "H1", "H2", "FB1", "FB2", "FB3", "FB4", "FB5", "EI1",
    }  # fmt: skip
    assert [(t.value, t.due_on.isoformat()) for t in kpis["H2"].targets.all()] == [
        (Decimal("50.00"), "2019-07-31"),
        (Decimal("75.00"), "2019-12-31"),
        (Decimal("95.00"), "2020-03-31"),
    ]
    values = {(v.kpi.code, v.period_label): v for v in KpiValue.objects.select_related("kpi")}
    assert values["EHC1", "at 30/12/19"].value == 1312
    assert values["EHC2", "2018/19"].computed_rag == KpiRag.RED
    assert values["EHC2", "2019/20 YTD to December"].computed_rag == KpiRag.GREEN
    assert values["EHC2", "Q3 2021/22"].value == 61
    assert [values[f"FB{n}", "Q3 2019/20"].value for n in range(1, 6)] == [21, 82, 100, 82, 91]
    assert values["EI1", "Autumn term 2019"].numerator == 22
    assert not KpiValue.objects.filter(kpi__code__in=["H1", "H2", "EHC4", "AR1"]).exists()
    assert [a.ref for a in kpis["H2"].actions.all()] == ["3.2k"]
    assert kpis["H2"].data_owner.title == "Designated Clinical Officer"


def test_loading_the_kingston_dataset_again_changes_nothing(kingston, capsys):
    history = KpiValue.history.count()
    call_command("load_kpis", str(FIXTURES / "kingston-kpis.yaml"))
    assert "0 KPIs created, 0 updated, 13 unchanged" in capsys.readouterr().out
    assert KpiValue.history.count() == history


def test_kingston_board_sees_ehc_timeliness_first(kingston):
    board = Board.objects.get(name="SEND Partnership Board")
    first = board_kpi_summary(board)[0]
    # Red first. Q3 2021/22 has no comparable earlier quarter (the one before is a year to
    # date), so it is not called "worsened" (kpis.comparison).
    assert (first.kpi.code, first.rag) == ("EHC2", KpiRag.RED)
    assert first.change.trend == "no_earlier_period"


@pytest.mark.parametrize("name", ["kpi-values-example.csv", "kpi-values-example.xlsx"])
def test_the_example_files_import_into_the_kingston_dataset(kingston, name, capsys):
    call_command("import_kpi_values", str(FIXTURES / name), "--area", "Kingston upon Thames")
    assert "16 values (16 new, 0 updated, 0 unchanged) for 2 KPIs" in capsys.readouterr().out
    h1 = {v.period_label: v for v in KpiValue.objects.filter(kpi__code="H1")}
    assert (h1["Apr 2019"].value, h1["Apr 2019"].computed_rag) == (Decimal("60.00"), KpiRag.RED)
    assert h1["Aug 2019"].computed_rag == KpiRag.NO_DATA
    assert h1["Dec 2019"].computed_rag == KpiRag.UNRELIABLE
    assert all("Illustrative" in v.note for v in h1.values())


def test_the_csv_and_xlsx_examples_hold_the_same_values(kingston):
    call_command(
        "import_kpi_values",
        str(FIXTURES / "kpi-values-example.csv"),
        "--area",
        "Kingston upon Thames",
        verbosity=0,
    )  # noqa: E501
    before = list(KpiValue.objects.order_by("pk").values("period_label", "value", "note"))
    call_command(
        "import_kpi_values",
        str(FIXTURES / "kpi-values-example.xlsx"),
        "--area",
        "Kingston upon Thames",
        verbosity=0,
    )  # noqa: E501
    assert list(KpiValue.objects.order_by("pk").values("period_label", "value", "note")) == before


def test_a_bad_definitions_file_lists_every_problem_with_its_line(kingston, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: wsoa-kpis/1\n"
        "area: Kingston upon Thames\n"
        "plan: SEND Local Area Written Statement of Action\n"
        "kpis:\n"
        "  - code: X1\n"
        "    title: Broken\n"
        "    unit: furlongs\n"
        "    concerns: [9]\n"
        "    actions: [9.9z]\n"
        "    data_owner: Nobody\n"
        "    targets:\n"
        "      - {value: 95, due_on: soon}\n"
        "    values:\n"
        "      - {period_label: Spring-ish, value: 3}\n"
    )
    before = Kpi.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("load_kpis", str(path))
    message = str(caught.value)
    for expected in (
        "line 7, KPI X1, unit: unit is one of",
        "line 8, the 1st concern of KPI X1: the plan has no concern 9",
        'line 9, the 1st action of KPI X1: the plan has no action "9.9z"',
        'line 10, KPI X1, data_owner: Kingston upon Thames has no post "Nobody"',
        "line 12, the 1st target of KPI X1, due_on: due_on is a date",
    ):
        assert expected in message
    assert Kpi.objects.count() == before


def test_values_in_a_definitions_file_are_checked_like_an_import(kingston, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: wsoa-kpis/1\n"
        "area: Kingston upon Thames\n"
        "plan: SEND Local Area Written Statement of Action\n"
        "kpis:\n"
        "  - code: X2\n"
        "    title: Values\n"
        "    values:\n"
        "      - {period_label: Spring-ish, value: 3}\n"
        "      - {period_label: Q1 2020/21, value: 101}\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_kpis", str(path))
    assert "line 8, the 1st value of KPI X2, period_label: Cannot tell the dates" in str(
        caught.value
    )
    assert "line 9, the 2nd value of KPI X2, value: A percentage is between 0 and 100" in str(
        caught.value
    )
