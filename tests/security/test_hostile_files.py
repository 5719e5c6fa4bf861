"""Hostile files are refused quickly, with a clear message saying what limit and where, before
anything is built from them, and nothing is written."""

import time
import tracemalloc

import pytest

from formats.reader import MAX_DEPTH, PlanFileError, parse_yaml_file

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refusal(raw: bytes) -> tuple[str, float, int]:
    """(the message, seconds taken, peak bytes allocated) of refusing `raw`."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(PlanFileError) as refused:
        parse_yaml_file(raw, max_bytes=5 * 1024 * 1024, name="plan.yaml")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return str(refused.value), seconds, peak


def test_a_yaml_alias_bomb_is_refused_at_once_naming_the_alias_and_its_line():
    message, seconds, peak = refusal(BILLION_LAUGHS)
    assert 'line 2: the file uses a YAML alias ("*a")' in message
    assert seconds < 0.5
    assert peak < 5 * 1024 * 1024


def test_deeply_nested_yaml_lists_are_refused_before_the_c_parser_builds_them():
    raw = b"[" * 100_000 + b"]" * 100_000  # 200 KB: used to crash the worker (segfault)
    message, seconds, peak = refusal(raw)
    assert f"more than {MAX_DEPTH} levels deep" in message and "line 1" in message
    assert seconds < 0.5
    assert peak < 20 * 1024 * 1024


def test_a_deep_yaml_mapping_is_refused_with_its_line():
    raw = "".join(" " * depth + f"k{depth}:\n" for depth in range(3000)).encode()  # 4.5 MB
    message, seconds, _ = refusal(raw)
    assert f"line {MAX_DEPTH + 1}" in message and "levels deep" in message
    assert seconds < 0.5


def test_deeply_nested_json_is_refused_not_a_recursion_error():
    raw = b'{"plan": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    message, seconds, _ = refusal(raw)
    assert "levels deep" in message
    assert seconds < 0.5


def test_brackets_inside_json_strings_do_not_count_as_nesting():
    text = '{"note": "' + "[" * 500 + '", "list": [[1]]}'
    parsed = parse_yaml_file(text.encode(), max_bytes=10_000)
    assert parsed.data["list"] == [[1]]


def test_normal_nesting_and_anchors_without_aliases_still_load():
    nested = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(MAX_DEPTH - 1))
    nested += "  " * (MAX_DEPTH - 1) + "leaf: 1\n"
    assert parse_yaml_file(nested.encode(), max_bytes=100_000).data["k0"]["k1"]
    assert parse_yaml_file(b"a: &x 1\n", max_bytes=100).data == {"a": 1}


def test_the_upload_page_parses_a_file_once(client, db, monkeypatch):
    """Checking the area first and loading then used to parse the file twice."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    import formats.views
    from formats import reader
    from tests.wsoa.factories import MembershipFactory, PlanFactory, UserFactory
    from wsoa.models import Role

    plan = PlanFactory(area__name="Kingston upon Thames")
    user = UserFactory()
    MembershipFactory(user=user, area=plan.area, role=Role.ADMINISTRATOR)
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return reader.parse_yaml_file(*args, **kwargs)

    monkeypatch.setattr(formats.views, "parse_plan_file", counting)
    monkeypatch.setattr("formats.plans.services.parse_plan_file", counting)
    client.force_login(user)
    upload = SimpleUploadedFile("plan.yaml", b"area:\n  name: Kingston upon Thames\n")
    response = client.post(reverse("plan-upload"), {"plan_file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert len(calls) == 1


# --- Spreadsheets (KPI values) ----------------------------------------------------------------


def _xlsx_bomb(uncompressed_mb: int) -> bytes:
    """A workbook whose one sheet inflates to `uncompressed_mb` MB of rows but compresses to a
    few hundred KB: a zip bomb."""
    import io
    import zipfile

    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = row * 20_000
            for _ in range(uncompressed_mb * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _import_refusal(raw: bytes, name: str):
    from formats.kpis.values_read import ImportFileError, read_table

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as refused:
        read_table(raw, name=name, max_bytes=5 * 1024 * 1024)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return str(refused.value), seconds, peak


def test_an_xlsx_zip_bomb_is_refused_from_the_zip_directory_before_inflating():
    raw = _xlsx_bomb(uncompressed_mb=150)
    assert len(raw) < 2 * 1024 * 1024
    message, seconds, peak = _import_refusal(raw, "values.xlsx")
    assert "would expand to" in message and "the largest accepted is" in message
    assert seconds < 0.5
    assert peak < 10 * 1024 * 1024


def test_a_spreadsheet_with_a_wrong_header_is_refused_before_its_rows_are_read():
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Name", "Address"])
    for number in range(20_000):
        sheet.append([f"Person {number}", "Somewhere"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    message, seconds, _ = _import_refusal(buffer.getvalue(), "people.xlsx")
    assert '"Name" is not a column of the KPI import format' in message
    assert seconds < 1.0  # most of it openpyxl reading the 20,000 names in the shared strings


def test_too_many_rows_columns_or_characters_are_refused_saying_which_limit(monkeypatch):
    from formats.kpis import values_read

    monkeypatch.setattr(values_read, "MAX_ROWS", 100)
    header = "kpi_code,period,value\n"
    many_rows = (header + "K1,2019/20,5\n" * 150).encode()
    message, _, _ = _import_refusal(many_rows, "values.csv")
    assert "more than 100 rows" in message and "row 101" in message.lower()

    wide = (header + "K1,2019/20,5" + ",x" * 70 + "\n").encode()
    message, _, _ = _import_refusal(wide, "values.csv")
    assert "Row 2 has more than 60 columns" in message

    long_cell = (header + "K1,2019/20," + "9" * 20_000 + "\n").encode()
    message, _, _ = _import_refusal(long_cell, "values.csv")
    assert "Cell C2 holds 20,000 characters" in message


# --- Requests ----------------------------------------------------------------------------------


class _NeverRead:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def test_an_oversized_upload_is_refused_before_its_body_is_read(client, db):
    from django.urls import reverse

    from tests.wsoa.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    started = time.perf_counter()
    response = client.generic(
        "POST",
        reverse("plan-upload"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": _NeverRead()},
    )
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 413
    assert "The file is too large" in response.text
    assert "200.0\xa0MB" in response.text and "11.0\xa0MB" in response.text


def test_an_alias_bomb_uploaded_as_a_plan_is_refused_on_the_page_and_writes_nothing(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.formats.plan_files import row_counts
    from tests.wsoa.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    before = row_counts()
    started = time.perf_counter()
    upload = SimpleUploadedFile("plan.yaml", BILLION_LAUGHS)
    response = client.post(reverse("plan-upload"), {"plan_file": upload})
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200
    assert "uses a YAML alias" in response.text and "nothing was loaded" in response.text
    assert row_counts() == before
