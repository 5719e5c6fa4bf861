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

from kpis.formatting import figure, value_text  # noqa: E402
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


# --- Text alternatives -------------------------------------------------------------------


def _points_text(row) -> list[str]:
    return [f"{value_text(v, row.kpi)} ({v.period_label})" for v in row.series]


def series_summary(row) -> str:
    """A sentence saying what the chart shows, for readers who cannot see it."""
    kpi, series = row.kpi, row.series
    if not series:
        return f"{kpi.code} has no values yet."
    numeric = [v for v in series if v.value is not None and v.status != ValueStatus.NO_DATA]
    missing = sum(1 for v in series if v.value is None or v.status == ValueStatus.NO_DATA)
    unreliable = sum(1 for v in series if v.status == ValueStatus.UNRELIABLE)
    parts = [f"{len(series)} period{'s' if len(series) != 1 else ''}"]
    if len(series) <= 6:
        parts.append(": " + "; ".join(_points_text(row)) + ".")
    else:
        first, last = series[0], series[-1]
        parts.append(
            f" from {first.period_label} to {last.period_label}: first "
            f"{value_text(first, kpi)}, latest {value_text(last, kpi)}"
        )
        if numeric:
            low = min(numeric, key=lambda v: v.value)
            high = max(numeric, key=lambda v: v.value)
            parts.append(
                f"; lowest {figure(low.value, kpi)} ({low.period_label}), highest "
                f"{figure(high.value, kpi)} ({high.period_label})"
            )
        parts.append(".")
    if missing:
        parts.append(f" {missing} period{'s have' if missing != 1 else ' has'} no data.")
    if unreliable:
        parts.append(f" {unreliable} value{'s are' if unreliable != 1 else ' is'} unreliable.")
    targets = list(kpi.targets.all())
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
    """A small trend line of the row's series: no axes, the latest point marked, the target
    in force as a dashed line. Fewer than two figures: a sentence instead."""
    points = [
        (index, float(v.value) if v.value is not None and v.status != ValueStatus.NO_DATA else None)
        for index, v in enumerate(row.series)
    ]
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
    title = f"Trend of {row.kpi.code}"
    desc = "; ".join(_points_text(row)) if len(row.series) <= 6 else series_summary(row)
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


def kpi_chart_svg(row, *, width_in: float = 8.0, height_in: float = 3.6) -> SafeString:
    """The KPI page's chart: values by period (gaps where there is no data, hollow markers
    where it is unreliable) with the target or trajectory as a dashed step line."""
    kpi, series = row.kpi, row.series
    targets = list(kpi.targets.all())
    if not series and not targets:
        return mark_safe("")

    def draw() -> Figure:
        fig = Figure(figsize=(width_in, height_in), dpi=72)
        ax = fig.add_axes((0.09, 0.22, 0.88, 0.64))
        recorded = [
            (mdates.date2num(_x(v)), float(v.value) if v.is_comparable else float("nan"))
            for v in series
        ]
        if recorded:
            ax.plot(
                [x for x, _ in recorded],
                [y for _, y in recorded],
                color=BLUE,
                linewidth=2,
                marker="o",
                markersize=6,
                label="Value",
            )
        unreliable = [
            v for v in series if v.status == ValueStatus.UNRELIABLE and v.value is not None
        ]
        if unreliable:
            ax.plot(
                [mdates.date2num(_x(v)) for v in unreliable],
                [float(v.value) for v in unreliable],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=BLUE,
                markeredgewidth=1.5,
                label="Unreliable data",
            )
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
            ticks = [mdates.date2num(_x(v)) for v in series]
            labels = [
                _escape_math(v.period_label)
                + ("\n(no data)" if v.value is None or v.status == ValueStatus.NO_DATA else "")
                for v in series
            ]
            step = max(1, len(series) // 12 + (1 if len(series) % 12 else 0))
            ax.set_xticks(ticks[::step], labels[::step])
            if len(series) > 6:
                for label in ax.get_xticklabels():
                    label.set_rotation(30)
                    label.set_horizontalalignment("right")
        else:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator())
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
        ax.tick_params(colors=BLACK, labelsize=10)
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0, 1.02),
                ncols=3,
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
