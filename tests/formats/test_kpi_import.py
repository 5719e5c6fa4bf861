"""Importing values from CSV or XLSX: everything is checked first, every problem is
reported with its row and column, nothing is loaded from a bad file, and re-importing a
changed value records a correction (the old row is kept)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from formats.kpis.values import ImportFileError, kpi_values_import
from kpis.models import KpiRag, KpiValue, ValueStatus
from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory
from tests.kpis.helpers import HEADER, csv_bytes, snapshot, xlsx_bytes
from wsoa.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def dataset(plan):
    h1 = KpiFactory(plan=plan, code="H1", title="Health advice within 6 weeks")
    KpiTargetFactory(kpi=h1, value=95, due_on=D(2019, 9, 30))
    ehc1 = KpiFactory(plan=plan, code="EHC1", count=True)
    return {"H1": h1, "EHC1": ehc1}


def do_import(plan, raw, name="values.csv", user=None):
    return kpi_values_import(user=user, raw=raw, name=name, plan=plan)


def problems_of(plan, raw, name="values.csv", user=None) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportFileError) as caught:
        do_import(plan, raw, name, user)
    assert snapshot() == before, "a refused file must change nothing"
    return [str(problem) for problem in caught.value.problems]


GOOD_HEADER = [*HEADER, "status"]
GOOD_ROWS = [
    ["H1", "Apr 2019", "", "", "", "12", "20", "First month", ""],
    ["H1", "Aug 2019", "", "", "", "", "", "System replaced", "no data"],
    ["H1", "Sep 2019", "", "", "90.5", "", "", "", ""],
    ["H1", "Oct 2019", "", "", "96", "", "", "", ""],
    ["EHC1", "at 30/12/19", "", "", "1,312", "", "", "", ""],
    ["EHC1", "Census", "2020-01-16", "16/01/2020", "1320", "", "", "", ""],
]


def good_csv(rows=GOOD_ROWS) -> bytes:
    return csv_bytes(rows, header=GOOD_HEADER)


def test_csv_import_loads_every_row_with_its_rating(plan, dataset):
    result = do_import(plan, good_csv())
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    values = {(v.kpi.code, v.period_label): v for v in KpiValue.objects.select_related("kpi")}
    april = values["H1", "Apr 2019"]
    assert (april.value, april.numerator, april.denominator) == (Decimal("60.00"), 12, 20)
    assert (april.period_start, april.period_end) == (D(2019, 4, 1), D(2019, 4, 30))
    assert april.computed_rag == KpiRag.RED and april.note == "First month"
    assert values["H1", "Aug 2019"].status == ValueStatus.NO_DATA
    assert values["H1", "Aug 2019"].computed_rag == KpiRag.NO_DATA
    assert values["H1", "Sep 2019"].computed_rag == KpiRag.AMBER
    assert values["H1", "Oct 2019"].computed_rag == KpiRag.GREEN
    assert values["EHC1", "at 30/12/19"].value == Decimal("1312")
    census = values["EHC1", "Census"]
    assert (census.period_start, census.period_end) == (D(2020, 1, 16), D(2020, 1, 16))


def test_xlsx_import_reads_numbers_dates_and_percentage_cells(plan, dataset):
    raw = xlsx_bytes(
        [
            ["H1", "Q1 2019/20", None, None, 0.766, None, None, "Percent-formatted cell"],
            ["H1", "2019/20 YTD", None, datetime.datetime(2019, 12, 31), 91, None, None, None],
            ["H1", "Q3 2019/20", None, None, None, 18, 24, None],
            ["EHC1", "at 30/12/19", None, None, 1312, None, None, None],
        ],
        formats={(0, 4): "0.0%"},
    )
    result = do_import(plan, raw, name="values.xlsx")
    assert result.created == 4
    values = {v.period_label: v for v in KpiValue.objects.all()}
    assert values["Q1 2019/20"].value == Decimal("76.60")
    ytd = values["2019/20 YTD"]
    assert (ytd.period_start, ytd.period_end, ytd.value) == (
        D(2019, 4, 1),
        D(2019, 12, 31),
        Decimal("91"),
    )
    assert values["Q3 2019/20"].value == Decimal("75.00")


def test_reimport_records_a_changed_value_as_a_correction_and_keeps_the_old_row(plan, dataset):
    do_import(plan, good_csv())
    changed = [row[:] for row in GOOD_ROWS]
    changed[2][4] = "93"  # Sep 2019 corrected
    changed.append(["H1", "Nov 2019", "", "", "97", "", "", "", ""])
    result = do_import(plan, good_csv(changed))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 5)
    assert KpiValue.objects.current().count() == 7
    assert KpiValue.objects.count() == 8
    september = KpiValue.objects.current().get(period_label="Sep 2019")
    assert september.value == Decimal("93")
    assert september.corrects.value == Decimal("90.50")
    assert not KpiValue.objects.current().filter(value=Decimal("90.50")).exists()
    assert "Imported from values.csv, row 4" in september.history.first().history_change_reason


def test_reimporting_the_same_file_writes_nothing(plan, dataset):
    do_import(plan, good_csv())
    before = snapshot()
    history = KpiValue.history.count()
    result = do_import(plan, good_csv())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert snapshot() == before
    assert (KpiValue.objects.count(), KpiValue.history.count()) == (6, history)


def test_a_period_written_differently_is_the_same_period(plan, dataset):
    do_import(plan, csv_bytes([["H1", "Q3 2021/22", "", "", "80", "", "", ""]]))
    result = do_import(plan, csv_bytes([["H1", "Oct-Dec 2021", "", "", "82", "", "", ""]]))
    assert (result.created, result.updated) == (0, 1)
    value = KpiValue.objects.current().get()
    assert (value.period_label, value.value) == ("Oct-Dec 2021", Decimal("82"))


def test_the_download_imports_back_unchanged(client, plan, dataset, member_of):
    do_import(plan, good_csv())
    client.force_login(member_of(plan, Role.BOARD_MEMBER))
    for export_format in ("csv", "xlsx"):
        response = client.get(reverse("kpi-dataset-export", args=[plan.pk, export_format]))
        assert response.status_code == 200
        result = do_import(plan, response.content, name=f"download.{export_format}")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 6)


@pytest.mark.parametrize(
    ("raw", "name", "expected"),
    [
        (b"%PDF-1.7 binary \x00\x01", "report.pdf", "report.pdf is not a CSV or XLSX file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "values.csv", "values.csv is not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a workbook", "values.xlsx", "could not be opened"),
        (b"\xd0\xcf\x11\xe0 old excel", "values.xls", "save it as .xlsx"),
        (b"caf\xe9,1\n", "values.csv", "is not UTF-8 text"),
        (b"", "values.csv", "values.csv is empty"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(plan, dataset, raw, name, expected):
    problems = problems_of(plan, raw, name)
    assert len(problems) == 1 and expected in problems[0]


def test_wrong_columns_are_all_named(plan, dataset):
    raw = csv_bytes([["H1", "Q3 2021/22", "80"]], header=["code", "when", "amount"])
    problems = problems_of(plan, raw)
    assert len(problems) == 4
    assert any('Header row, column B (when): "when" is not a column' in p for p in problems)
    assert any('Header row, column C (amount): "amount" is not a column' in p for p in problems)
    assert any('The header has no "period_label" column' in p for p in problems)
    assert any('The header has no "value" column' in p for p in problems)


def test_a_repeated_column_is_refused(plan, dataset):
    raw = csv_bytes(
        [["H1", "Q3 2021/22", "80", "81"]], header=["kpi_code", "period", "value", "Value"]
    )
    assert problems_of(plan, raw) == [
        'Header row, column D (Value): "Value" repeats column C (value).'
    ]


def test_bad_numbers_are_reported_with_row_and_column(plan, dataset):
    rows = [
        ["H1", "Apr 2019", "", "", "abc", "", "", ""],
        ["H1", "May 2019", "", "", "", "12.5", "20", ""],
        ["H1", "Jun 2019", "", "", "", "21", "20", ""],
        ["H1", "Jul 2019", "", "", "80", "18", "24", ""],
        ["H1", "Aug 2019", "", "", "101", "", "", ""],
        ["EHC1", "at 30/12/19", "", "", "1312.5", "", "", ""],
        ["EHC1", "at 30/12/20", "", "", "", "1", "2", ""],
        ["H1", "Sep 2019", "31/09/2019", "", "80", "", "", ""],
    ]
    assert problems_of(plan, csv_bytes(rows)) == [
        'Row 2, column E (value): "abc" is not a number',
        'Row 3, column F (numerator): "12.5" is not a whole number, 0 or more',
        "Row 4, column F (numerator): The numerator (21) cannot be more than the denominator (20).",
        "Row 5, column E (value): The value 80 does not match 18/24 = 75%: give one or the "
        "other, or correct it.",
        "Row 6, column E (value): A percentage is between 0 and 100, not 101.",
        "Row 7, column E (value): A count is a whole number, 0 or more, not 1,312.5.",
        "Row 8, column F (numerator): Only a percentage has a numerator and denominator; EHC1 "
        "is a count.",
        'Row 9, column C (period_start): "31/09/2019" is not a real date',
    ]


def test_unknown_kpi_code_is_refused(plan, dataset):
    other = KpiFactory(code="ELSEWHERE")  # another plan's KPI is unknown here
    rows = [
        ["H1", "Apr 2019", "", "", "80", "", "", ""],
        ["ZZ9", "Apr 2019", "", "", "80", "", "", ""],
    ]
    rows.append([other.code, "Apr 2019", "", "", "80", "", "", ""])
    problems = problems_of(plan, csv_bytes(rows))
    assert problems[0].startswith('Row 3, column A (kpi_code): There is no KPI with the code "ZZ9"')
    assert problems[1].startswith(
        'Row 4, column A (kpi_code): There is no KPI with the code "ELSEWHERE"'
    )


def test_unknown_period_is_refused(plan, dataset):
    rows = [
        ["H1", "Spring-ish", "", "", "80", "", "", ""],
        ["H1", "2021/22 YTD", "", "", "80", "", "", ""],
        ["H1", "", "", "", "80", "", "", ""],
    ]
    problems = problems_of(plan, csv_bytes(rows))
    assert problems[0].startswith(
        'Row 2, column B (period_label): Cannot tell the dates of the period "Spring-ish"'
    )
    assert "give the end date" in problems[1] and problems[1].startswith("Row 3, column B")
    assert problems[2].startswith("Row 4, column B (period_label): Enter the period label")


def test_duplicate_rows_are_refused(plan, dataset):
    rows = [
        ["H1", "Q3 2021/22", "", "", "80", "", "", ""],
        ["H1", "Apr 2021", "", "", "80", "", "", ""],
        ["H1", "Oct-Dec 2021", "", "", "81", "", "", ""],  # the same period, written otherwise
    ]
    assert problems_of(plan, csv_bytes(rows)) == [
        "Row 4, column B (period_label): H1 for Oct-Dec 2021 (01/10/2021 to 31/12/2021) is "
        "already given in row 2"
    ]


def test_missing_and_contradictory_figures_are_refused(plan, dataset):
    header = [*HEADER, "status"]
    rows = [
        ["H1", "Apr 2019", "", "", "", "", "", "", ""],  # no figure and not marked no data
        ["H1", "May 2019", "", "", "0", "", "", "", "no data"],  # no data cannot be 0
        ["H1", "Jun 2019", "", "", "80", "", "", "", "maybe"],
    ]
    assert problems_of(plan, csv_bytes(rows, header=header)) == [
        "Row 2, column E (value): Enter the value (or a numerator and denominator), or mark it "
        "'no data'.",
        "Row 3, column I (status): A value marked 'no data' cannot also give a figure.",
        'Row 4, column I (status): "maybe" is not a status: leave it blank, or write "no data" '
        'or "unreliable"',
    ]


def test_one_bad_row_stops_the_good_ones_too(plan, dataset):
    KpiValueFactory(kpi=dataset["H1"], period="Apr 2019", value=50)
    rows = [
        ["H1", "Apr 2019", "", "", "60", "", "", ""],  # would update
        ["H1", "May 2019", "", "", "70", "", "", ""],  # would be new
        ["H1", "Jun 2019", "", "", "seventy", "", "", ""],
    ]
    assert len(problems_of(plan, csv_bytes(rows))) == 1
    assert KpiValue.objects.get().value == Decimal("50")


def test_every_problem_is_reported_at_once(plan, dataset):
    rows = [
        ["ZZ9", "Spring-ish", "", "", "abc", "", "", ""],
        ["H1", "Apr 2019", "", "", "x", "", "", ""],
    ]
    problems = problems_of(plan, csv_bytes(rows))
    assert [p.split(":")[0] for p in problems] == [
        "Row 2, column A (kpi_code)",
        "Row 2, column B (period_label)",
        "Row 2, column E (value)",
        "Row 3, column E (value)",
    ]


def test_a_header_without_rows_is_refused(plan, dataset):
    assert problems_of(plan, csv_bytes([])) == ["values.csv has a header but no values."]


def test_a_data_owner_imports_only_their_own_kpis(plan, dataset, owned_kpi, data_owner):
    rows = [
        ["H1", "Apr 2019", "", "", "80", "", "", ""],
        ["EHC1", "at 30/12/19", "", "", "1312", "", "", ""],
    ]
    rows[0][0] = owned_kpi.code
    problems = problems_of(plan, csv_bytes(rows), user=data_owner)
    assert problems == [
        "Row 3, column A (kpi_code): You cannot enter values for EHC1: only the holder of its "
        "data owner post (none set) or a programme lead may."
    ]


def test_import_command_loads_a_file_into_an_area(plan, dataset, tmp_path, capsys):
    path = tmp_path / "values.csv"
    path.write_bytes(good_csv())
    call_command("import_kpi_values", str(path), "--area", plan.area.name)
    assert "Imported values.csv: 6 values (6 new, 0 updated, 0 unchanged) for 2 KPIs." in (
        capsys.readouterr().out
    )
    assert KpiValue.objects.count() == 6


def test_import_command_lists_every_problem_and_loads_nothing(plan, dataset, tmp_path):
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes([["H1", "Spring-ish", "", "", "abc", "", "", ""]]))
    with pytest.raises(CommandError) as caught:
        call_command("import_kpi_values", str(path), "--area", plan.area.name)
    message = str(caught.value)
    assert "2 problems found; nothing was imported." in message
    assert "Row 2, column B (period_label)" in message and "Row 2, column E (value)" in message
    assert KpiValue.objects.count() == 0


def test_import_command_dry_run_saves_nothing(plan, dataset, tmp_path, capsys):
    path = tmp_path / "values.csv"
    path.write_bytes(good_csv())
    call_command("import_kpi_values", str(path), "--area", plan.area.name, "--dry-run")
    assert "Would import values.csv: 6 values" in capsys.readouterr().out
    assert KpiValue.objects.count() == 0


# --- The check step, conventions, rounding, files as people save them ----------------------


def test_dry_run_shows_every_rows_period_as_read_with_convention_and_note(
    plan, dataset, tmp_path, capsys
):
    path = tmp_path / "values.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["H1", "Q3 2021/22 (provisional)", "", "", "80", "", "", ""],
                ["H1", "2021/22 YTD", "", "", "81", "", "", ""],
                ["H1", "Apr 2021", "", "", "82", "", "", ""],
            ]
        )
    )
    call_command(
        "import_kpi_values",
        str(path),
        "--area",
        plan.area.name,
        "--dry-run",
        "--as-at",
        "30/11/2021",
    )
    out = capsys.readouterr().out
    assert (
        'Row 2: H1 "Q3 2021/22 (provisional)" \u2192 Oct\u2013Dec 2021 (01/10/2021 to '
        '31/12/2021); financial quarter, year convention financial (default), note "provisional"'
    ) in out
    assert 'Row 3: H1 "2021/22 YTD" \u2192 Apr\u2013Nov 2021' in out
    assert "Would import values.csv: 3 values" in out
    assert KpiValue.objects.count() == 0


def test_the_browser_check_shows_the_read_as_column_and_writes_nothing(
    client, plan, dataset, member_of
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member_of(plan, Role.PROGRAMME_LEAD))
    raw = csv_bytes([["H1", "H1 2021/22 FTE", "", "", "80", "", "", ""]])
    response = client.post(
        reverse("kpi-import", args=[plan.pk]),
        {"file": SimpleUploadedFile("values.csv", raw), "check": "Check the file"},
    )
    assert response.status_code == 200
    assert "Periods as read" in response.text
    assert "Apr\u2013Sep 2021 (01/04/2021 to 30/09/2021)" in response.text
    assert "financial (default)" in response.text and "FTE" in response.text
    assert KpiValue.objects.count() == 0


def test_a_qualifier_is_kept_as_a_note_not_part_of_the_period(plan, dataset):
    do_import(plan, csv_bytes([["H1", "2021/22 (provisional)", "", "", "80", "", "", "Q4 late"]]))
    value = KpiValue.objects.get()
    assert (value.period_label, value.period_start, value.period_end) == (
        "2021/22",
        D(2021, 4, 1),
        D(2022, 3, 31),
    )
    assert value.note == "provisional; Q4 late"


def test_a_part_year_label_is_refused_not_stored_as_the_full_year(plan, dataset):
    problems = problems_of(plan, csv_bytes([["H1", "2021/22 part year", "", "", "80", "", "", ""]]))
    assert problems[0].startswith("Row 2, column B (period_label):")
    assert "is part of a year" in problems[0]


def test_a_percentage_rounded_to_whole_number_agrees_with_its_fraction(plan, dataset):
    do_import(plan, csv_bytes([["H1", "Apr 2021", "", "", "67%", "2", "3", ""]]))
    assert KpiValue.objects.get().value == Decimal("67")
    problems = problems_of(plan, csv_bytes([["H1", "May 2021", "", "", "66.0", "2", "3", ""]]))
    assert "does not match 2/3 = 66.7%" in problems[0]  # one decimal: 66.7 is the rounding


def test_reimport_lists_what_changed_from_what_to_what(plan, dataset, tmp_path, capsys):
    do_import(plan, good_csv())
    changed = [row[:] for row in GOOD_ROWS]
    changed[2][4] = "93"
    result = do_import(plan, good_csv(changed))
    assert result.changes == ["Row 4: H1 Sep 2019: value 90.5 \u2192 93"]
    assert KpiValue.objects.current().get(period_label="Sep 2019").corrects.value == Decimal(
        "90.50"
    )


def test_a_title_block_above_the_header_is_skipped_and_listed_and_its_notes_read(plan, dataset):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Impact report: KPI table"])
    sheet.append(["As at", datetime.datetime(2021, 12, 31)])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["H1", "2021/22 YTD", None, None, 80, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = kpi_values_import(
        user=None, raw=buffer.getvalue(), name="report.xlsx", plan=plan, dry_run=True
    )
    assert result.skipped == [(1, "Impact report: KPI table"), (2, "As at | 2021-12-31 00:00:00")]
    assert result.readings[0].period.end == D(2021, 12, 31)
    assert "Header found in row 4." in result.notes


def test_a_csv_title_row_is_skipped_and_no_header_is_named(plan, dataset):
    raw = b"KPI table 2021/22\n" + csv_bytes([["H1", "Apr 2021", "", "", "80", "", "", ""]])
    result = do_import(plan, raw)
    assert result.created == 1 and result.skipped == [(1, "KPI table 2021/22")]
    problems = problems_of(plan, b"A title\nName,Address\nJo,Here\n")
    assert any("No header row found in the first 20 rows" in p for p in problems)


def test_a_csv_that_is_not_utf8_names_the_row_of_the_bad_byte_and_the_fix(plan, dataset):
    raw = csv_bytes([["H1", "Apr 2021", "", "", "80", "", "", "ok"]]) + (
        b"H1,May 2021,,,81,,,caf\xe9\n"
    )
    problems = problems_of(plan, raw)
    assert len(problems) == 1
    assert problems[0].startswith("Row 3: values.csv is not UTF-8 text: row 3 has the byte 0xe9")
    assert '("\u00e9" in the Windows encoding)' in problems[0] and "CSV UTF-8" in problems[0]


def test_the_files_year_convention_reads_bare_year_pairs(plan, dataset):
    raw = csv_bytes([["H1", "2021/22", "", "", "80", "", "", ""]])
    kpi_values_import(user=None, raw=raw, name="v.csv", plan=plan, year_convention="academic")
    value = KpiValue.objects.get()
    assert (value.period_start, value.period_end) == (D(2021, 9, 1), D(2022, 8, 31))


def test_a_year_convention_column_and_note_row_are_read(plan, dataset):
    header = [*HEADER, "year_convention"]
    rows = [
        ["H1", "Q1 2021", "", "", "80", "", "", "", "calendar"],
        ["H1", "2021/22", "", "", "81", "", "", "", ""],
    ]
    raw = b"Year convention: academic\n" + csv_bytes(rows, header=header)
    result = do_import(plan, raw)
    readings = {r.written: r for r in result.readings}
    assert readings["Q1 2021"].period.end == D(2021, 3, 31)
    assert readings["Q1 2021"].convention == "calendar (this row)"
    assert readings["2021/22"].period.start == D(2021, 9, 1)
    assert readings["2021/22"].convention == "academic (the file)"


def test_a_kpis_own_convention_reads_its_values_and_a_clash_with_the_file_is_refused(plan, dataset):
    attendance = KpiFactory(plan=plan, code="ATT", year_convention="academic")
    raw = csv_bytes([["ATT", "2021/22", "", "", "90", "", "", ""]])
    do_import(plan, raw)
    value = KpiValue.objects.get(kpi=attendance)
    assert (value.period_start, value.period_end) == (D(2021, 9, 1), D(2022, 8, 31))
    raw = csv_bytes([["ATT", "2022/23", "", "", "90", "", "", ""]])
    with pytest.raises(ImportFileError) as caught:
        kpi_values_import(user=None, raw=raw, name="v.csv", plan=plan, year_convention="financial")
    message = str(caught.value)
    assert "the file's financial years" in message and "ATT's academic years" in message


def test_an_ambiguous_label_is_refused_in_an_import_naming_both_readings(plan, dataset):
    problems = problems_of(plan, csv_bytes([["H1", "Q1 2021", "", "", "80", "", "", ""]]))
    assert problems == [
        'Row 2, column B (period_label): "Q1 2021" could be Jan\u2013Mar 2021 (calendar Q1) or '
        "Apr\u2013Jun 2021 (Q1 of financial 2021/22): write 'Q1 2021/22' or 'Jan\u2013Mar 2021'"
    ]


# --- Large files: a fixed number of queries whatever the number of rows -------------------


def monthly_rows(count: int, *, start_year: int = 2000, figure: str = "80") -> list[list]:
    """`count` months of H1 values, with a note and a qualifier now and then."""
    rows = []
    for n in range(count):
        year, month = divmod(n, 12)
        label = f"{datetime.date(start_year + year, month + 1, 1):%b %Y}"
        if n % 7 == 3:
            label += " (provisional)"
        rows.append(["H1", label, "", "", figure, "", "", f"Note {n}" if n % 3 else ""])
    return rows


def insert_batches(count: int) -> int:
    """INSERT statements for `count` values and their history rows: one each on PostgreSQL;
    SQLite takes at most 999 parameters a statement, so Django splits a bulk insert."""
    from django.db import connection

    from kpis.models import HistoricalKpiValue

    def batches(model):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        size = connection.ops.bulk_batch_size(fields, [None] * count) or count
        return -(-count // size)

    return batches(KpiValue) + batches(HistoricalKpiValue)


@pytest.mark.parametrize("count", [10, 200])
def test_checking_a_file_takes_the_same_queries_whatever_its_rows_and_writes_nothing(
    plan, dataset, member_of, django_assert_num_queries, count
):
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    raw = csv_bytes(monthly_rows(count))
    history = KpiValue.history.count()
    # The KPIs, the current values, the importing user's roles.
    with django_assert_num_queries(3):
        result = kpi_values_import(user=lead, raw=raw, name="v.csv", plan=plan, dry_run=True)
    assert result.created == count and len(result.readings) == count
    assert (KpiValue.objects.count(), KpiValue.history.count()) == (0, history)


@pytest.mark.parametrize("count", [10, 200])
def test_importing_a_file_takes_the_same_queries_whatever_its_rows(
    plan, dataset, member_of, django_assert_num_queries, count
):
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    # The KPIs, the current values, the user's roles, the targets; the transaction's
    # savepoint and release; the bulk inserts of the values and of their history rows.
    with django_assert_num_queries(6 + insert_batches(count)):
        result = do_import(plan, csv_bytes(monthly_rows(count)), user=lead)
    assert result.created == count
    # Corrections of every row: the same, less the roles (kept on the user object).
    with django_assert_num_queries(5 + insert_batches(count)):
        result = do_import(plan, csv_bytes(monthly_rows(count, figure="81")), user=lead)
    assert (result.created, result.updated) == (0, count)
    assert KpiValue.objects.current().count() == count
    assert KpiValue.objects.count() == 2 * count


def test_a_bulk_import_writes_each_rows_history_with_its_reason_and_user(plan, dataset, member_of):
    lead = member_of(plan, Role.PROGRAMME_LEAD)
    KpiValueFactory(kpi=dataset["H1"], period="Apr 2019", value=50)
    rows = [
        ["H1", "Apr 2019", "", "", "60", "", "", ""],
        ["H1", "May 2019", "", "", "70", "", "", ""],
    ]
    do_import(plan, csv_bytes(rows), user=lead)
    april, may = KpiValue.objects.current().order_by("period_start")
    assert (april.recorded_by, april.entered_by, april.corrects.value) == (
        lead,
        lead,
        Decimal("50.00"),
    )
    assert (may.recorded_by, may.entered_by, may.corrects) == (lead, lead, None)
    assert (april.computed_rag, may.computed_rag) == (KpiRag.RED, KpiRag.RED)
    for value, row in ((april, 2), (may, 3)):
        record = value.history.get()
        assert record.history_type == "+" and record.history_user == lead
        assert record.history_change_reason == f"Imported from values.csv, row {row}"
        assert (record.value, record.computed_rag) == (value.value, value.computed_rag)
