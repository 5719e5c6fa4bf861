"""KPI template tags; the formatting itself is in `kpis.formatting`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from kpis import formatting

register = template.Library()
register.filter("figure", formatting.figure)
register.simple_tag(formatting.kpi_value, name="kpi_value")
register.simple_tag(formatting.kpi_rag_tag, name="kpi_rag_tag")
register.simple_tag(formatting.kpi_value_rag, name="kpi_value_rag")
register.simple_tag(formatting.kpi_change, name="kpi_change")
register.simple_tag(formatting.kpi_target, name="kpi_target")
register.filter("rag_label", formatting.rag_label)


@register.simple_tag
def kpi_sparkline(row) -> SafeString:
    from kpis.charts import sparkline_svg

    return sparkline_svg(row)


@register.simple_tag
def kpi_chart(row) -> SafeString:
    from kpis.charts import kpi_chart_svg

    return kpi_chart_svg(row)
