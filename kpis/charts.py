"""KPI charts as inline SVG drawn by matplotlib on the server: they work without JavaScript
and in the PDF board pack (WeasyPrint draws inline SVG).

Each chart carries a text alternative (an SVG <title> and <desc>, named by aria-labelledby)
and is always shown beside the data table it is drawn from. The SVG is matplotlib's own
output, cleaned for embedding: no XML prologue, no metadata, no <style> element (it would
style the whole page), presentation attributes instead of style attributes (a strict CSP
allows them; WeasyPrint reads them), and every id prefixed so charts can share a page.
Missing and unreliable values are never drawn as zero: a missing period is a gap in the
line, an unreliable one a hollow marker.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from django.utils.safestring import SafeString, mark_safe  # noqa: E402
from matplotlib import dates as mdates  # noqa: E402
from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from kpis.comparison import PeriodKind, period_shape  # noqa: E402
from kpis.formatting import NO_DATA, UNRELIABLE, figure, missing_text, value_text  # noqa: E402
from kpis.models import KpiUnit, ValueStatus  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
FONT = ["Arial", "Liberation Sans", "Helvetica", "DejaVu Sans", "sans-serif"]
RC = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, readable by tools
    "svg.hashsalt": "wsoa-kpi",  # stable clip-path ids, so the same data gives the same SVG
    "font.family": "sans-serif",
    "font.sans-serif": FONT,
    "font.size": 10,
}
# rcParams are global: one chart at a time, so threads never see each other's settings.
_LOCK = threading.Lock()
_COUNTER = itertools.count(1)


# --- Lines: one per kind of period -------------------------------------------------------

KIND_ORDER = {
    kind: position
    for position, kind in enumerate(
        (
            PeriodKind.DAY,
            PeriodKind.MONTH,
            PeriodKind.QUARTER,
            PeriodKind.MONTHS,
            PeriodKind.YEAR,
            PeriodKind.DAYS,
        )
    )
}


def period_lines(series) -> list[tuple[str, list]]:
    """[(label, values)]: the series split into lines of like-for-like periods
    (`kpis.comparison.period_shape`), each in period order. Values of different kinds or
    lengths of period (quarters and full years, overlapping years to date) are never on one
    line: joined, they would zigzag back and forth in time."""
    lines: dict[tuple, tuple[str, list]] = {}
    for value in series:
        shape = period_shape(value.period_start, value.period_end)
        lines.setdefault(shape.key, (shape.label, []))[1].append(value)
    ordered = sorted(lines.items(), key=lambda item: (KIND_ORDER[item[0][0]], str(item[0])))
    return [
        (label, sorted(values, key=lambda v: (v.period_start, v.period_end)))
        for _, (label, values) in ordered
    ]


def _line_of(value, series) -> tuple[str, list]:
    """(label, values): the line `value` is on, its values like for like with it."""
    key = period_shape(value.period_start, value.period_end).key
    same = [v for v in series if period_shape(v.period_start, v.period_end).key == key]
    return period_lines(same)[0]


# --- Text alternatives -------------------------------------------------------------------


def _points_text(kpi, values) -> list[str]:
    return [f"{value_text(v, kpi)} ({v.period_label})" for v in values]


def _values_text(kpi, values) -> str:
    """The values of one line: each of them, or (more than six) first, latest and range."""
    if len(values) <= 6:
        return "; ".join(_points_text(kpi, values)) + "."
    first, last = values[0], values[-1]
    text = (
        f"from {first.period_label} to {last.period_label}: first "
        f"{value_text(first, kpi)}, latest {value_text(last, kpi)}"
    )
    numeric = [v for v in values if v.has_figure]
    if numeric:
        low = min(numeric, key=lambda v: v.value)
        high = max(numeric, key=lambda v: v.value)
        text += (
            f"; lowest {figure(low.value, kpi)} ({low.period_label}), highest "
            f"{figure(high.value, kpi)} ({high.period_label})"
        )
    return text + "."


def _periods(count: int) -> str:
    return f"{count} period{'s' if count != 1 else ''}"


def series_summary(row) -> str:
    """A sentence saying what the chart shows, for readers who cannot see it: the same words
    for missing and unreliable values as the table (`kpis.formatting.value_text`)."""
    kpi, series = row.kpi, row.series
    if not series:
        return f"{kpi.code} has no values yet."
    lines = period_lines(series)
    if len(lines) == 1:
        values = lines[0][1]
        joiner = ": " if len(values) <= 6 else " "
        parts = [f"{_periods(len(values))}{joiner}{_values_text(kpi, values)}"]
    else:
        parts = [
            f"{_periods(len(series))} of {len(lines)} kinds, each kind a line of its own "
            "(periods of different kinds or lengths are not joined)."
        ]
        for label, values in lines:
            joiner = ": " if len(values) <= 6 else " "
            parts.append(f" {label}, {_periods(len(values))}{joiner}{_values_text(kpi, values)}")
    missing = sum(1 for v in series if missing_text(v) == NO_DATA)
    unreliable = sum(1 for v in series if v.status == ValueStatus.UNRELIABLE)
    if missing:
        parts.append(f" {missing} period{'s have' if missing != 1 else ' has'} no data.")
    if unreliable:
        parts.append(f" {unreliable} value{'s are' if unreliable != 1 else ' is'} unreliable.")
    targets = sorted(kpi.targets.all(), key=lambda t: t.due_on)
    if targets:
        steps = ", ".join(f"{figure(t.value, kpi)} by {t.due_on:%B %Y}" for t in targets)
        kind = "Trajectory" if len(targets) > 1 else "Target"
        parts.append(f" {kind}: {steps}.")
    return "".join(parts)


# --- Cleaning matplotlib's SVG for inline use --------------------------------------------

_URL_REF = re.compile(r"url\(#([^)]+)\)")
PRESENTATION_ATTRIBUTES = {
    "clip-path",
    "fill",
    "fill-opacity",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
}


def clean_svg(raw: str, *, prefix: str, title: str, desc: str, css_class: str) -> SafeString:
    root = ET.fromstring(raw.encode("utf-8"))
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in {f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"}:
                parent.remove(child)
    # What the removed <style> element said, as inherited presentation attributes.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    ids = {}
    for element in root.iter():
        if "id" in element.attrib:
            ids[element.attrib["id"]] = f"{prefix}-{element.attrib['id']}"
            element.set("id", ids[element.attrib["id"]])
    xlink_href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        # Presentation attributes rather than style attributes: a strict Content Security
        # Policy allows them, and WeasyPrint reads them without warnings.
        for declaration in element.attrib.pop("style", "").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() in PRESENTATION_ATTRIBUTES and value.strip():
                element.set(name.strip(), value.strip())
        for name, attr in list(element.attrib.items()):
            if "url(#" in attr:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{ids.get(m[1], m[1])})", attr))
        # SVG 2 and every current browser and WeasyPrint read a plain href: no xlink prefix.
        if xlink_href in element.attrib:
            target = element.attrib.pop(xlink_href)
            if target.startswith("#"):
                target = "#" + ids.get(target[1:], target[1:])
            element.set("href", target)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", css_class)
    root.set("role", "img")
    root.set("focusable", "false")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    title_element = ET.Element(f"{{{SVG_NS}}}title", id=f"{prefix}-title")
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", id=f"{prefix}-desc")
    desc_element.text = desc
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # Plain tag names and an explicit xmlns, rather than ElementTree's global prefix map,
    # which other libraries (WeasyPrint's parser among them) change: "ns0:svg" is not SVG.
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(f"{{{SVG_NS}}}"):
            element.tag = element.tag[len(SVG_NS) + 2 :]
    root.set("xmlns", SVG_NS)
    svg = ET.tostring(root, encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - our own output, escaped by ElementTree


def _svg_of(draw) -> str:
    """Draw a figure and save it as SVG with our settings, one chart at a time."""
    buffer = io.StringIO()
    with _LOCK, rc_context(RC):
        draw().savefig(buffer, format="svg", transparent=True)
    return buffer.getvalue()


def _escape_math(text: str) -> str:
    return text.replace("$", r"\$")


# --- Sparkline ---------------------------------------------------------------------------


def sparkline_svg(row, *, width_px: int = 120, height_px: int = 32) -> SafeString:
    """A small trend line of the latest value's kind of period (months, quarters, full
    years…: like for like, as the change beside it): no axes, the latest point marked, the
    target in force as a dashed line. Fewer than two figures: a sentence instead."""
    label, line = _line_of(row.latest, row.series) if row.series else ("", [])
    is_part = len(line) != len(row.series)
    points = [(index, float(v.value) if v.has_figure else None) for index, v in enumerate(line)]
    if sum(1 for _, y in points if y is not None) < 2:
        return mark_safe(
            '<span class="kpi-sparkline-none">—<span class="govuk-visually-hidden"> too few '
            "values for a trend</span></span>"
        )

    values = [y for _, y in points if y is not None]
    target = float(row.target.value) if row.target is not None else None
    low = min(values + ([target] if target is not None else []))
    high = max(values + ([target] if target is not None else []))
    span = (high - low) or 1.0

    def at(index: int, y: float) -> tuple[float, float]:
        """Figure coordinates (0 to 1) of a point: no Axes, which would cost most of the
        time of drawing a sparkline."""
        return 0.04 + 0.92 * index / (len(points) - 1), 0.12 + 0.76 * (y - low) / span

    def draw() -> Figure:
        fig = Figure(figsize=(width_px / 72, height_px / 72), dpi=72)
        if target is not None:
            _, target_y = at(0, target)
            fig.add_artist(
                Line2D(
                    [0.02, 0.98],
                    [target_y, target_y],
                    color=GREY,
                    linewidth=0.8,
                    linestyle=(0, (2, 2)),
                    transform=fig.transFigure,
                )
            )
        xy = [at(x, y) if y is not None else (at(x, low)[0], float("nan")) for x, y in points]
        fig.add_artist(
            Line2D(
                [x for x, _ in xy],
                [y for _, y in xy],
                color=BLUE,
                linewidth=1.5,
                transform=fig.transFigure,
            )
        )
        last = next(at(x, y) for x, y in reversed(points) if y is not None)
        fig.add_artist(
            Line2D(
                [last[0]],
                [last[1]],
                marker="o",
                markersize=3.5,
                color=BLUE,
                transform=fig.transFigure,
            )
        )
        return fig

    raw = _svg_of(draw)
    numbered = next(_COUNTER)
    title = f"Trend of {row.kpi.code}" + (f" ({label})" if is_part else "")
    desc = _values_text(row.kpi, line)
    if len(line) > 6:
        desc = f"{_periods(len(line))} {desc}"
    return clean_svg(
        raw,
        prefix=f"kpi-spark-{row.kpi.pk}-{numbered}",
        title=title,
        desc=desc,
        css_class="kpi-sparkline",
    )


# --- The KPI chart -----------------------------------------------------------------------


def _x(value) -> date:
    """Where a value is drawn: the middle of its period (a year and a quarter ending on the
    same day are not drawn on top of each other)."""
    return value.period_start + (value.period_end - value.period_start) / 2


# A colour and a marker shape for each line: told apart without colour, each colour at least
# 3:1 against white.
LINE_STYLES = [
    (BLUE, "o"),
    ("#912b88", "s"),
    ("#85660b", "^"),
    ("#28a197", "D"),
    (GREY, "v"),
]
TICK_FONT_SIZE = 10
MAX_TICKS = 12


def _tick_labels(series) -> list[tuple[float, str]]:
    """[(x, label)] for the x axis, in order: each period's label as written, with the
    words the table uses for a value that has no figure."""
    ticks = {}
    for value in series:
        missing = missing_text(value)
        text = _escape_math(value.period_label) + (f"\n{missing}" if missing else "")
        ticks.setdefault(mdates.date2num(_x(value)), text)
    return sorted(ticks.items())


def _fit_ticks(ticks, *, span_days: float, width_pt: float) -> tuple[list, int]:
    """The ticks to label, and their rotation, so that no two labels overlap: all of them
    level if they fit, otherwise at 45 degrees, dropping ticks (always keeping the latest)
    until the rest fit, and never more than MAX_TICKS."""
    if not ticks:
        return [], 0
    per_day = width_pt / span_days
    char = 0.6 * TICK_FONT_SIZE  # a generous average width of a character
    widest = max(char * max(len(part) for part in text.split("\n")) for _, text in ticks)
    gaps = [(b[0] - a[0]) * per_day for a, b in itertools.pairwise(ticks)]
    if len(ticks) <= MAX_TICKS and all(gap >= widest + 6 for gap in gaps):
        return ticks, 0
    lines = max(text.count("\n") + 1 for _, text in ticks)
    needed = lines * 1.3 * TICK_FONT_SIZE * 1.42  # the height of a label, across at 45°
    kept = [ticks[-1]]
    for tick in reversed(ticks[:-1]):
        if (kept[-1][0] - tick[0]) * per_day >= needed:
            kept.append(tick)
    kept.reverse()
    if len(kept) > MAX_TICKS:
        step = -(-len(kept) // MAX_TICKS)
        kept = kept[::-1][::step][::-1]
    return kept, 45


def kpi_chart_svg(row, *, width_in: float = 8.0, height_in: float = 3.6) -> SafeString:
    """The KPI page's chart: a line for each kind of period (months, quarters, full years…:
    periods of different kinds or lengths are never joined), each in period order, with its
    own legend entry and marker; gaps where there is no data, hollow markers where it is
    unreliable; the target or trajectory as a dashed step line."""
    kpi, series = row.kpi, row.series
    targets = sorted(kpi.targets.all(), key=lambda t: t.due_on)
    if not series and not targets:
        return mark_safe("")
    lines = period_lines(series)

    def draw() -> Figure:
        # Constrained layout sizes the axes so that the tick labels and the legend fit
        # inside the figure: nothing is clipped by the SVG's viewBox.
        fig = Figure(figsize=(width_in, height_in), dpi=72, layout="constrained")
        ax = fig.add_subplot()
        unreliable_label = UNRELIABLE
        for number, (label, values) in enumerate(lines):
            colour, marker = LINE_STYLES[number % len(LINE_STYLES)]
            ax.plot(
                [mdates.date2num(_x(v)) for v in values],
                [float(v.value) if v.is_comparable else float("nan") for v in values],
                color=colour,
                linewidth=2,
                marker=marker,
                markersize=6,
                label=_escape_math(label),
                gid=f"series-{number + 1}",
            )
            unreliable = [v for v in values if v.status == ValueStatus.UNRELIABLE and v.has_figure]
            if unreliable:
                ax.plot(
                    [mdates.date2num(_x(v)) for v in unreliable],
                    [float(v.value) for v in unreliable],
                    linestyle="none",
                    marker=marker,
                    markersize=7,
                    markerfacecolor="white",
                    markeredgecolor=colour,
                    markeredgewidth=1.5,
                    label=unreliable_label,
                )
                unreliable_label = "_nolegend_"  # one legend entry for them all
        dates_shown = [_x(v) for v in series] + [t.due_on for t in targets]
        left = min(dates_shown) - timedelta(days=20)
        right = max(dates_shown) + timedelta(days=20)
        if targets:
            xs = [left] + [t.due_on for t in targets] + [right]
            ys = [targets[0].value] + [t.value for t in targets] + [targets[-1].value]
            ax.step(
                [mdates.date2num(x) for x in xs],
                [float(y) for y in ys],
                where="post",
                color=BLACK,
                linewidth=1.5,
                linestyle=(0, (5, 3)),
                label="Trajectory" if len(targets) > 1 else "Target",
            )
        ax.set_xlim(mdates.date2num(left), mdates.date2num(right))
        if series:
            ticks, rotation = _fit_ticks(
                _tick_labels(series),
                span_days=(right - left).days or 1,
                width_pt=width_in * 72 * 0.85,
            )
            ax.set_xticks([x for x, _ in ticks], [text for _, text in ticks])
            if rotation:
                for label in ax.get_xticklabels():
                    label.set_rotation(rotation)
                    label.set_horizontalalignment("right")
                    label.set_rotation_mode("anchor")
        else:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=MAX_TICKS))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        if kpi.unit == KpiUnit.PERCENTAGE:
            ax.set_ylim(0, 100)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0f}%"))
        else:
            values = [float(v.value) for v in series if v.value is not None] + [
                float(t.value) for t in targets
            ]
            top = max(values) if values else 1
            bottom = min(0.0, min(values)) if values else 0
            ax.set_ylim(bottom, top * 1.1 if top > 0 else 1)
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda y, _: _escape_math(figure(_decimal(y), kpi)))
            )
        ax.grid(axis="y", color=LIGHT_GREY, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(colors=BLACK, labelsize=TICK_FONT_SIZE)
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            longest = max(len(label) for label in labels)
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0, 1.02),
                ncols=3 if longest <= 20 else 2,
                frameon=False,
                fontsize=10,
            )
        return fig

    raw = _svg_of(draw)
    numbered = next(_COUNTER)
    return clean_svg(
        raw,
        prefix=f"kpi-chart-{kpi.pk}-{numbered}",
        title=f"Chart of {kpi.code} {kpi.title} by period",
        desc=series_summary(row),
        css_class="kpi-chart__svg",
    )


def _decimal(number: float) -> Decimal:
    return Decimal(str(round(number, 2)))
