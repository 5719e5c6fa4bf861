"""Charts are matplotlib SVG, cleaned for inline use, with text alternatives; they render
in the page and in a PDF (WeasyPrint, as the board pack uses)."""

import re

import pytest

from kpis.charts import kpi_chart_svg, sparkline_svg
from kpis.models import Kpi, ValueStatus
from kpis.selectors import kpi_rows
from tests.kpis.factories import KpiFactory, KpiTargetFactory, KpiValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(plan):
    kpi = KpiFactory(plan=plan, code="H1", title="Health advice $ within 6 weeks")
    KpiTargetFactory(kpi=kpi, value=95)
    for period, value in (("Apr 2019", 60), ("May 2019", 70), ("Jul 2019", 90)):
        KpiValueFactory(kpi=kpi, period=period, value=value)
    KpiValueFactory(kpi=kpi, period="Jun 2019", status=ValueStatus.NO_DATA, value=None)
    KpiValueFactory(kpi=kpi, period="Aug 2019", status=ValueStatus.UNRELIABLE, value=99)
    return kpi_rows(Kpi.objects.filter(pk=kpi.pk))[0]


def ids(svg):
    return re.findall(r' id="([^"]+)"', svg)


def test_chart_is_clean_inline_svg_with_a_text_alternative(row):
    svg = str(kpi_chart_svg(row))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for unwanted in ("<?xml", "<!DOCTYPE", "<metadata", "<style", "<script", "<rdf"):
        assert unwanted not in svg
    root = svg.split(">", 1)[0]
    assert " width=" not in root and 'viewBox="' in root  # it scales to its container
    assert 'role="img"' in svg and 'aria-labelledby="' in svg
    title, desc = re.search(r"<title[^>]*>(.*?)</title><desc[^>]*>(.*?)</desc>", svg).groups()
    assert title == "Chart of H1 Health advice $ within 6 weeks by period"
    assert desc.startswith("5 periods: 60% (Apr 2019); 70% (May 2019); No data (Jun 2019)")
    assert "99% (unreliable data) (Aug 2019)" in desc and "1 period has no data." in desc
    assert "Jun 2019" in svg and "(no data)" in svg  # the gap is labelled, not drawn as 0


def test_two_charts_on_a_page_share_no_ids(row):
    first, second = str(kpi_chart_svg(row)), str(kpi_chart_svg(row))
    assert ids(first) and not set(ids(first)) & set(ids(second))
    for svg in (first, second):
        for reference in re.findall(r"url\(#([^)]+)\)", svg):
            assert reference in ids(svg)


def test_sparkline_is_small_and_named(row):
    svg = str(sparkline_svg(row))
    assert 'class="kpi-sparkline"' in svg and "Trend of H1" in svg


def test_a_single_value_gets_words_not_a_sparkline(plan):
    kpi = KpiFactory(plan=plan)
    KpiValueFactory(kpi=kpi)
    html = str(sparkline_svg(kpi_rows(Kpi.objects.filter(pk=kpi.pk))[0]))
    assert "<svg" not in html and "too few values for a trend" in html


def test_chart_renders_in_a_pdf(row, caplog):
    weasyprint = pytest.importorskip("weasyprint")
    page = '<html><head><meta charset="utf-8"></head><body><h1>H1</h1>{}</body></html>'
    try:
        document = weasyprint.HTML(string=page.format(kpi_chart_svg(row)), base_url=".").render()
        pdf = document.write_pdf()
    except OSError as exc:  # pragma: no cover - the system libraries are missing
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    assert pdf.startswith(b"%PDF")
    # Drawn as a picture: its title and description are not laid out as text on the page,
    # and WeasyPrint understood every attribute.
    texts = []

    def walk(box):
        texts.append(getattr(box, "text", "") or "")
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(document.pages[0]._page_box)
    assert "H1" in texts and not any("Chart of" in text for text in texts)
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


def test_chart_uses_presentation_attributes_not_inline_styles(row):
    # A Content Security Policy without 'unsafe-inline' styles still shows the chart.
    assert "style=" not in str(kpi_chart_svg(row)) and "style=" not in str(sparkline_svg(row))
