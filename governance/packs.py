"""Board pack rendering: the frozen snapshot as a print-friendly page, an A4 PDF (WeasyPrint)
and an XLSX workbook with one sheet per section. Rendering reads only the stored snapshot,
through `governance.snapshot.read_snapshot` (which upgrades packs stored in older schema
versions), so a pack downloaded a year later shows what the board was given."""

from __future__ import annotations

import datetime
import io

from django.template.loader import render_to_string
from django.utils.text import slugify

from actions.status import rating_text
from governance.dashboard import SINCE_ACTION_SECTIONS
from governance.models import BoardPack
from governance.presenters import levels_for_display, present_dashboard
from governance.snapshot import Snapshot, read_snapshot
from wsoa.spreadsheets import safe_row


def pack_snapshot(pack: BoardPack) -> Snapshot:
    """The pack's stored snapshot, read (and upgraded) by the one reader."""
    return read_snapshot(pack.snapshot)


def pack_context(pack: BoardPack) -> dict:
    snapshot = pack_snapshot(pack)
    dash = present_dashboard(snapshot, live=False)
    return {
        "pack": pack,
        "snapshot": snapshot,
        "dash": dash,
        "dash_levels": dash["display_levels"],
        "link_cells": False,
    }


def filename(pack: BoardPack) -> str:
    snapshot = pack_snapshot(pack)
    return slugify(
        f"{snapshot.board.name} {snapshot.meeting.date.isoformat()} board pack v{pack.version}"
    )


def render_pack_html(pack: BoardPack) -> str:
    return render_to_string("governance/pack_pdf.html", pack_context(pack))


def render_pdf(pack: BoardPack, *, base_url: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only when a PDF is asked for

    return HTML(string=render_pack_html(pack), base_url=base_url).write_pdf()


# --- XLSX --------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _append(ws, values) -> None:
    """A row of the workbook: text that a spreadsheet would run as a formula is written as
    text (wsoa.spreadsheets); numbers stay numbers."""
    ws.append(safe_row(values))


def render_xlsx(pack: BoardPack) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    snap = pack_snapshot(pack)
    levels = levels_for_display(snap)
    bold = Font(bold=True)

    def label(level_id, derived: bool = False) -> str:
        level = levels.get(str(level_id)) if level_id is not None else None
        return rating_text(level, is_derived=derived, export=True)

    def paint(cell, level_id) -> None:
        level = levels.get(str(level_id)) if level_id is not None else None
        if level:
            cell.fill = PatternFill("solid", fgColor=level.colour.lstrip("#").upper())
            cell.font = Font(bold=True, color=level.text_colour.lstrip("#").upper())

    def titled(title: str, *, first=False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        _append(ws, [f"{snap.board.name}: meeting of {_date(snap.meeting.date)}"])
        _append(
            ws,
            [
                f"Board pack version {pack.version}, issued {pack.issued_at:%d/%m/%Y %H:%M}"
                f"; ratings as at {_date(snap.as_at)}"
            ],
        )
        ws["A1"].font = Font(bold=True, size=14)
        _append(ws, [])
        return ws

    def sheet(title: str, header: list[str], rows: list[list], *, rating_cols=()):
        ws = titled(title)
        _append(ws, header)
        for cell in ws[4]:
            cell.font = bold
        for row in rows:
            values = [v for v, _ in row] if row and isinstance(row[0], tuple) else row
            _append(ws, values)
            if row and isinstance(row[0], tuple):
                for index, (_, level_id) in enumerate(row, start=1):
                    if level_id != "-":
                        paint(ws.cell(row=ws.max_row, column=index), level_id)
        if not rows:
            _append(ws, ["None"])
        for index, _ in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 18
        for column in rating_cols:
            ws.column_dimensions[get_column_letter(column)].width = 16
        for row in ws.iter_rows(min_row=5):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A5"
        return ws

    wb = Workbook()

    # RAG summary: one block per plan, coloured header cells with the level's words.
    ws = titled("RAG summary", first=True)
    for plan in snap.plans:
        _append(ws, [plan.title])
        ws.cell(row=ws.max_row, column=1).font = bold
        _append(ws, [plan.concern_label, *[label(c) for c in plan.columns], "Total"])
        header_row = ws.max_row
        for index, column in enumerate(plan.columns, start=2):
            paint(ws.cell(row=header_row, column=index), column)
        ws.cell(row=header_row, column=1).font = bold
        for row in plan.rows:
            _append(ws, [f"{row.number}. {row.title}", *[c.count for c in row.cells], row.total])
        _append(ws, ["Total", *[c.count for c in plan.totals], plan.total])
        for cell in ws[ws.max_row]:
            cell.font = bold
        if plan.derived:
            _append(
                ws,
                [
                    "Of which rated from their milestones (no rating of their own)",
                    *[c.derived for c in plan.totals],
                    plan.derived,
                ],
            )
        _append(ws, [])
    ws.column_dimensions["A"].width = 60
    if not snap.plans:
        _append(ws, ["This board oversees no actions."])

    def action_rows(rows, *, narrative=False, previous=False):
        out = []
        for r in rows:
            values = [
                (r.ref, "-"),
                (r.description, "-"),
                (r.leads, "-"),
                (_date(r.due_date), "-"),
            ]
            if previous:
                values.append((label(r.previous_level, r.previous_derived), r.previous_level))
            values.append((label(r.level, r.derived), r.level))
            values.append((_date(r.last_update_on), "-"))
            if narrative:
                values.append((r.narrative, "-"))
            out.append(values)
        return out

    base = ["Action", "Description", "Lead", "Due"]
    sections = snap.since.sections
    rows = []
    if sections is not None:
        for key, title in SINCE_ACTION_SECTIONS:
            for r in getattr(sections, key):
                rows.append(
                    [
                        (title, "-"),
                        (r.ref, "-"),
                        (r.description, "-"),
                        (label(r.previous_level, r.previous_derived), r.previous_level),
                        (label(r.level, r.derived), r.level),
                    ],
                )
        for m in sections.milestones_completed:
            rows.append(
                [
                    ("Milestone completed", "-"),
                    (m.action_ref, "-"),
                    (f"{m.description} (completed {_date(m.completed_on)})", "-"),
                    ("", "-"),
                    ("", "-"),
                ],
            )
        for c in sections.due_dates_moved:
            what = f"Milestone: {c.milestone}. " if c.milestone else ""
            rows.append(
                [
                    ("Due date moved", "-"),
                    (c.action_ref, "-"),
                    (
                        f"{what}{_date(c.from_date)} to {_date(c.to_date)}: {c.reason}"
                        f" ({c.changed_by}, {_date(c.changed_on)})",
                        "-",
                    ),
                    ("", "-"),
                    ("", "-"),
                ],
            )
    sheet(
        "Since last meeting", ["Change", "Action", "Detail", "Was", "Now"], rows, rating_cols=(4, 5)
    )

    attention = snap.attention
    rows = []
    groups = [
        ("Overdue", attention.overdue_actions),
        ("Red or amber", attention.red_amber),
        ("Completion awaiting sign-off", attention.awaiting_sign_off),
        ("No update since the last meeting", attention.no_update_since_last_meeting or ()),
    ]
    for title, group in groups:
        for values in action_rows(group, narrative=True):
            rows.append([(title, "-"), *values])
    for m in attention.overdue_milestones:
        rows.append(
            [
                ("Overdue milestone", "-"),
                (m.action_ref, "-"),
                (m.description, "-"),
                ("", "-"),
                (_date(m.due_date), "-"),
                ("", "-"),
                ("", "-"),
                ("", "-"),
            ],
        )
    sheet(
        "Needs attention",
        ["Why", *base, "Rating", "Last update", "Latest narrative"],
        rows,
        rating_cols=(6,),
    )

    kpis = snap.kpis
    kpi_rows = [
        [k.name, k.period, k.value, k.target, k.previous, k.rating, "Yes" if k.is_worsened else ""]
        for k in kpis.rows
    ]
    ws = sheet(
        "KPIs", ["KPI", "Period", "Value", "Target", "Previous", "RAG", "Worsened"], kpi_rows
    )
    if not kpis.available:
        ws.cell(row=5, column=1, value="No KPI dataset yet.")

    log_rows = [
        [
            r.ref,
            r.description,
            r.owner,
            _date(r.due_date),
            _date(r.raised_on),
            "Overdue" if r.is_overdue else "Open",
            r.latest_note,
        ]
        for r in snap.action_log.open
    ]
    sheet(
        "Meeting action log",
        ["Ref", "Action", "Owner", "Due", "Raised", "Status", "Latest note"],
        log_rows,
    )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
