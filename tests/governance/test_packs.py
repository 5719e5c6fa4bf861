"""Board packs: frozen when issued, never changed, versioned; PDF, XLSX and HTML."""

import copy
import datetime
import io

import pytest
from django.urls import reverse

from governance.models import AppendOnlyError, BoardPack, MeetingActionStatus
from governance.packs import render_pack_html
from governance.services import board_pack_issue, meeting_action_update
from governance.snapshot import to_json
from tests.governance.factories import at, move_due_date, rate
from tests.governance.helpers import matrix, refs, row_counts
from tests.wsoa.factories import UserFactory
from wsoa.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(scenario, no_kpis):
    """Version 1, issued on the morning of the meeting."""
    return board_pack_issue(
        user=UserFactory(first_name="Priya", last_name="Lead"),
        meeting=scenario.meeting,
        now=at("2022-03-22", 9),
    )


def _later_changes(scenario):
    """What happens after the pack was issued: recorded later, some backdated."""
    levels = scenario.levels
    # Backdated: recorded on 23 March, effective 21 March (before the meeting).
    rate(
        scenario.a4,
        levels.red,
        "2022-03-21",
        recorded_at=at("2022-03-23"),
        narrative="Slipped again after the pack",
    )
    rate(scenario.a5, levels.dark, "2022-03-20", recorded_at=at("2022-03-24"))
    move_due_date(
        scenario.a3, to=scenario.a3.due_date.replace(year=2023), changed_at=at("2022-03-24")
    )
    meeting_action_update(
        user=None,
        item=scenario.ma1,
        status=MeetingActionStatus.DONE,
        due_date=scenario.ma1.due_date,
        on=datetime.date(2022, 3, 21),
        note="Done before the meeting, logged after the pack",
    )


def test_issuing_freezes_the_dashboard_as_at_the_moment_of_issue(scenario, issued):
    snapshot = issued.snapshot
    assert issued.version == 1
    assert snapshot["pack"]["version"] == 1
    assert snapshot["as_at"] == "2022-03-22"
    assert matrix(snapshot)[1] == row_counts(red=1, amber=2, proposed=1, unrated=1)


def test_an_issued_pack_does_not_change_after_later_updates(client, scenario, issued, member_of):
    frozen = copy.deepcopy(issued.snapshot)
    html_before = render_pack_html(issued)

    _later_changes(scenario)

    stored = BoardPack.objects.get(pk=issued.pk)
    assert stored.snapshot == frozen
    assert render_pack_html(stored) == html_before
    # The live dashboard for the same date does see the backdated updates.
    client.force_login(member_of(scenario.plan))
    live = client.get(reverse("meeting-dashboard", args=[scenario.meeting.pk])).context["dash"]
    assert matrix(live)[1] == row_counts(red=2, amber=1, dark_green=1, proposed=1)
    assert matrix(stored.snapshot)[1] == row_counts(red=1, amber=2, proposed=1, unrated=1)
    page = client.get(reverse("board-pack", args=[scenario.meeting.pk, 1]))
    assert to_json(page.context["snapshot"]) == frozen
    assert "Slipped again after the pack" not in page.text


def test_reissuing_makes_version_2_and_keeps_version_1(scenario, issued):
    frozen = copy.deepcopy(issued.snapshot)
    _later_changes(scenario)

    second = board_pack_issue(
        user=None, meeting=scenario.meeting, note="Updated ratings", now=at("2022-03-25", 9)
    )

    assert second.version == 2
    assert list(scenario.meeting.packs.values_list("version", flat=True)) == [2, 1]
    assert BoardPack.objects.get(meeting=scenario.meeting, version=1).snapshot == frozen
    assert matrix(second.snapshot)[1] == row_counts(red=2, amber=1, dark_green=1, proposed=1)
    assert refs(second.snapshot["attention"]["red_amber"])[:2] == ["1.1b", "1.2b"]
    assert [r["ref"] for r in second.snapshot["action_log"]["open"]] == ["A4"]
    assert second.snapshot["pack"]["note"] == "Updated ratings"


def test_an_issued_pack_cannot_be_saved_again_or_deleted(issued):
    issued.note = "Edited"
    with pytest.raises(AppendOnlyError):
        issued.save()
    with pytest.raises(AppendOnlyError):
        issued.delete()


def test_pack_html_has_a_charset_and_rating_words_with_colours(issued, scenario):
    html = render_pack_html(issued)
    assert '<meta charset="utf-8">' in html
    assert "size: A4" in html
    assert 'counter(page) " of " counter(pages)' in html
    red = scenario.levels.red
    assert f".wsoa-rating--{red.pk} {{ background-color: {red.colour};" in html
    assert f'class="wsoa-rating wsoa-rating--{red.pk}"' in html and ">Red</strong>" in html


def test_pack_pdf_is_a4_with_every_page_numbered(client, scenario, issued, member_of):
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("board-pack-pdf", args=[scenario.meeting.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")

    from weasyprint import HTML

    document = HTML(string=render_pack_html(issued), base_url="http://testserver/").render()
    # A4 is 210 mm × 297 mm: 793.7 × 1122.5 CSS px.
    assert all(round(p.width) == 794 and round(p.height) == 1123 for p in document.pages)


def test_pack_xlsx_has_one_sheet_per_section(client, scenario, issued, member_of):
    from openpyxl import load_workbook

    client.force_login(member_of(scenario.plan, Role.BOARD_MEMBER))
    response = client.get(reverse("board-pack-xlsx", args=[scenario.meeting.pk, 1]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "RAG summary",
        "Since last meeting",
        "Needs attention",
        "KPIs",
        "Meeting action log",
    ]
    rag = [list(row) for row in workbook["RAG summary"].iter_rows(values_only=True)]
    header = next(r for r in rag if r[0] == "Significant concern")
    assert header[1:9] == (
        [
            "Red",
            "Amber",
            "Light green",
            "Dark green",
            "Completed",
            "Completion proposed",
            "Not yet rated",
            "Total",
        ]
    )
    concern_1 = next(r for r in rag if r[0] and str(r[0]).startswith("1. "))
    assert concern_1[1:9] == [1, 2, 0, 0, 0, 1, 1, 5]
    total = next(r for r in rag if r[0] == "Total")
    assert total[1:9] == [1, 2, 0, 0, 1, 1, 1, 6]
    header_row = [r[0] for r in rag].index("Significant concern") + 1
    red_cell = workbook["RAG summary"].cell(row=header_row, column=2)
    assert red_cell.fill.fgColor.rgb.endswith(scenario.levels.red.colour.lstrip("#").upper())
    assert workbook["KPIs"].cell(row=5, column=1).value == "No KPI dataset yet."
    log = list(workbook["Meeting action log"].iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in log] == ["A1", "A4"]


def test_meeting_page_lists_both_versions(client, scenario, issued, member_of):
    board_pack_issue(user=None, meeting=scenario.meeting)
    client.force_login(member_of(scenario.plan))
    response = client.get(reverse("meeting-detail", args=[scenario.meeting.pk]))
    assert reverse("board-pack-pdf", args=[scenario.meeting.pk, 1]) in response.text
    assert reverse("board-pack-pdf", args=[scenario.meeting.pk, 2]) in response.text


def test_issue_pack_through_the_browser_redirects_to_the_new_version(
    client, scenario, member_of, no_kpis
):
    client.force_login(member_of(scenario.plan, Role.PROGRAMME_LEAD))
    response = client.post(reverse("pack-issue", args=[scenario.meeting.pk]))
    assert response.status_code == 302
    assert response.url == reverse("board-pack", args=[scenario.meeting.pk, 1])
    assert scenario.meeting.packs.get().issued_by is not None


def test_pack_xlsx_writes_formula_looking_text_as_text(client, scenario, no_kpis, member_of):
    """A meeting action or narrative starting `=HYPERLINK(…)` is not a live formula in Excel."""
    from openpyxl import load_workbook

    hostile = '=HYPERLINK("http://evil.example/","Minutes")'
    rate(scenario.a1, scenario.levels.red, "2022-03-15", narrative=hostile)
    scenario.ma1.description = hostile
    scenario.ma1.save()
    board_pack_issue(user=None, meeting=scenario.meeting, now=at("2022-03-22", 9))
    client.force_login(member_of(scenario.plan, Role.BOARD_MEMBER))
    response = client.get(reverse("board-pack-xlsx", args=[scenario.meeting.pk, 1]))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [
        cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value
    ]
    assert hostile not in cells
    assert cells.count("'" + hostile) >= 2  # the narrative and the meeting action
    assert not any(
        cell.data_type == "f" for sheet in workbook for row in sheet.iter_rows() for cell in row
    )


def test_issuing_a_pack_draws_its_pdf_once_and_downloads_serve_the_stored_file(
    client, scenario, no_kpis, member_of, django_capture_on_commit_callbacks, monkeypatch
):
    from governance import packs

    drawn = []
    real_render = packs.render_pdf
    monkeypatch.setattr(
        packs, "render_pdf", lambda pack, **kw: drawn.append(pack.pk) or real_render(pack, **kw)
    )
    with django_capture_on_commit_callbacks(execute=True):
        pack = board_pack_issue(user=None, meeting=scenario.meeting, now=at("2022-03-22", 9))
    pack.refresh_from_db()
    assert drawn == [pack.pk] and pack.pdf and pack.pdf_rendered_at  # drawn at issue (the task)
    client.force_login(member_of(scenario.plan))
    for _ in range(2):
        response = client.get(reverse("board-pack-pdf", args=[scenario.meeting.pk, 1]))
        assert response.content.startswith(b"%PDF")
    assert drawn == [pack.pk]  # never drawn again
    assert BoardPack.objects.get(pk=pack.pk).snapshot == pack.snapshot


# Transactional: the worker closes its database connection after each task, which a test
# wrapped in one transaction (PostgreSQL) would not survive.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_draws_the_pdf(
    scenario, no_kpis, settings, django_capture_on_commit_callbacks
):
    """As deployed: issuing queues the task in the database; `db_worker` draws the PDF."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        pack = board_pack_issue(user=None, meeting=scenario.meeting, now=at("2022-03-22", 9))
    assert not BoardPack.objects.get(pk=pack.pk).pdf  # queued, not drawn
    assert DBTaskResult.objects.ready().count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False)
    pack.refresh_from_db()
    assert pack.pdf and pack.pdf.open("rb").read(4) == b"%PDF"
    assert DBTaskResult.objects.successful().count() == 1
