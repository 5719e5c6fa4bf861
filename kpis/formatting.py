"""Showing KPI figures, ratings and changes: always text, never colour alone, and never a
missing or unreliable figure shown as if it were a number like any other (or as zero).

Plain functions: the KPI templates reach them through `kpis.templatetags.kpi_tags`; views,
exports, charts and board packs call them directly."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kpis.comparison import Change, Trend
from kpis.models import KpiRag, KpiUnit, ValueStatus, format_number

# The words for a value that is not a figure like any other: the tables, the charts (their
# axis labels, legends and text alternatives) and the board pack all say these.
NO_DATA = "No data"
UNRELIABLE = "Unreliable data"
UNRELIABLE_SUFFIX = "(unreliable data)"
NO_VALUES = "No values yet"
NO_EARLIER_PERIOD = "No comparable earlier period"
NO_COMPARISON = "No comparison"


def figure(number: Decimal | None, kpi) -> str:
    """A number in the KPI's unit: "76.6%", "1,312", "12 days", "£7,200,000"."""
    if number is None:
        return ""
    unit = kpi.unit if kpi is not None else KpiUnit.NUMBER
    if unit == KpiUnit.PERCENTAGE:
        return f"{format_number(number)}%"
    if unit == KpiUnit.COUNT:
        return format_number(number, places=0)
    if unit == KpiUnit.DAYS:
        text = format_number(number)
        return f"{text} day" if text == "1" else f"{text} days"
    if unit == KpiUnit.MONEY:
        sign = "-" if number < 0 else ""
        places = 0 if Decimal(number) == Decimal(number).to_integral() else 2
        return f"{sign}£{format_number(abs(number), places=places)}"
    return format_number(number, places=2)


def missing_text(value) -> str:
    """What a value without a figure is called ("No data", "Unreliable data"), or "" when it
    has a figure."""
    if value.status == ValueStatus.NO_DATA or value.value is None:
        return NO_DATA if value.status != ValueStatus.UNRELIABLE else UNRELIABLE
    return ""


def value_text(value, kpi=None) -> str:
    """A value as text: "75% (18/24)", "No data", "83% (unreliable data)"."""
    kpi = kpi if kpi is not None else value.kpi
    if missing := missing_text(value):
        return missing
    text = figure(value.value, kpi)
    if value.numerator is not None and value.denominator is not None:
        text += f" ({value.numerator}/{value.denominator})"
    if value.status == ValueStatus.UNRELIABLE:
        text += f" {UNRELIABLE_SUFFIX}"
    return text


def kpi_value(value, kpi=None) -> SafeString:
    """A value as the dataset shows it, with its fraction in a quieter style."""
    if value is None:
        return format_html('<span class="kpi-missing">{}</span>', NO_VALUES)
    kpi = kpi if kpi is not None else value.kpi
    if missing := missing_text(value):
        return format_html('<span class="kpi-missing">{}</span>', missing)
    html = format_html('<span class="kpi-figure">{}</span>', figure(value.value, kpi))
    if value.numerator is not None and value.denominator is not None:
        html += format_html(
            ' <span class="kpi-fraction">({}/{})</span>', value.numerator, value.denominator
        )
    if value.status == ValueStatus.UNRELIABLE:
        html += format_html(' <span class="kpi-missing">{}</span>', UNRELIABLE_SUFFIX)
    return html


RAG_CLASSES = {
    KpiRag.RED: "kpi-rag--red",
    KpiRag.AMBER: "kpi-rag--amber",
    KpiRag.GREEN: "kpi-rag--green",
    KpiRag.NO_DATA: "kpi-rag--no-data",
    KpiRag.UNRELIABLE: "kpi-rag--unreliable",
    KpiRag.NO_TARGET: "kpi-rag--no-target",
}


def kpi_rag_tag(rag: str, overridden: bool = False, reason: str = "") -> SafeString:
    """The rating as a tag carrying its name; an override says so in words."""
    label = KpiRag(rag).label
    tag = format_html('<strong class="kpi-rag {}">{}</strong>', RAG_CLASSES[KpiRag(rag)], label)
    if overridden:
        tag += format_html(
            ' <span class="kpi-override">(override{})</span>',
            format_html(": {}", reason) if reason else "",
        )
    return tag


def kpi_value_rag(value) -> SafeString:
    if value is None:
        return kpi_rag_tag(KpiRag.NO_DATA)
    return kpi_rag_tag(value.rag, value.is_overridden)


def kpi_change(change: Change, kpi) -> SafeString:
    """ "▲ 5 points, improved" — the arrow is decoration; the words carry the meaning. Only
    ever against the comparable earlier period (`kpis.comparison`): with none, "No comparable
    earlier period"; when either value is missing or unreliable, "No comparison"."""
    if change.trend == Trend.NO_EARLIER_PERIOD:
        return format_html('<span class="kpi-change kpi-change--none">{}</span>', NO_EARLIER_PERIOD)
    if change.trend == Trend.NOT_COMPARABLE or change.amount is None:
        return format_html('<span class="kpi-change kpi-change--none">{}</span>', NO_COMPARISON)
    if change.trend == Trend.NO_CHANGE:
        return mark_safe('<span class="kpi-change">No change</span>')
    amount = abs(change.amount)
    if kpi.unit == KpiUnit.PERCENTAGE:
        text = format_number(amount)
        amount_text = f"{text} point" if text == "1" else f"{text} points"
    else:
        amount_text = figure(amount, kpi)
    direction = "up" if change.amount > 0 else "down"
    words = {
        Trend.IMPROVED: "improved",
        Trend.WORSENED: "worsened",
        Trend.UP: "",
        Trend.DOWN: "",
    }[Trend(change.trend)]
    return format_html(
        '<span class="kpi-change kpi-change--{}"><span aria-hidden="true">{} </span>{} {}{}</span>',
        change.trend,
        change.arrow,
        direction,
        amount_text,
        format_html(", <strong>{}</strong>", words) if words else "",
    )


def kpi_target(target, kpi) -> str:
    if target is None:
        return "No target"
    return f"{figure(target.value, kpi)} by {target.due_on:%B %Y}"


def rag_label(rag: str) -> str:
    return KpiRag(rag).label
