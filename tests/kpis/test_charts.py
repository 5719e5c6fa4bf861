"""Charts are matplotlib SVG, cleaned for inline use, with text alternatives; they render
in the page and in a PDF (WeasyPrint, as the board pack uses)."""

import re

import pytest
from django.urls import reverse

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
    # The gap is labelled in the table's words, not drawn as 0.
    assert "Jun 2019" in svg and svg.count("No data") == 2  # the axis label and the desc


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


# --- One line per kind of period --------------------------------------------------------


def chart_row(plan, periods, **kpi_fields):
    kpi = KpiFactory(plan=plan, code="EHC2", title="Plans in 20 weeks", **kpi_fields)
    for index, period in enumerate(periods):
        if period.startswith("Jun"):
            KpiValueFactory(kpi=kpi, period=period, status=ValueStatus.NO_DATA, value=None)
        else:
            KpiValueFactory(kpi=kpi, period=period, value=50 + index)
    return kpi_rows(Kpi.objects.filter(pk=kpi.pk))[0]


def series_paths(svg):
    """{series number: [(x, y), ...]}: the vertices of each line drawn (named by gid)."""
    lines = {}
    for number, d in re.findall(r'<g id="[^"]*-series-(\d+)">\s*<path d="([^"]+)"', svg):
        points = re.findall(r"([-\d.]+) ([-\d.]+)", d)
        lines[int(number)] = [(float(x), float(y)) for x, y in points]
    return lines


def legend_texts(svg):
    legend = svg[svg.index('-legend_1"') :]
    return re.findall(r"<text[^>]*>([^<]+)</text>", legend)


QUARTERS_AND_YEARS = [
    "Q1 2019/20",
    "Q2 2019/20",
    "Q3 2019/20",
    "Q4 2019/20",
    "2019/20",
    "Q1 2020/21",
    "Q2 2020/21",
    "Q3 2020/21",
    "Q4 2020/21",
    "2020/21",
]


def test_quarters_and_full_years_are_two_lines_each_in_period_order(plan):
    svg = str(kpi_chart_svg(chart_row(plan, QUARTERS_AND_YEARS)))
    lines = series_paths(svg)
    assert sorted(lines) == [1, 2]
    assert [len(points) for points in lines.values()] == [8, 2]  # never joined across kinds
    for points in lines.values():
        xs = [x for x, _ in points]
        assert xs == sorted(xs)  # left to right: no doubling back
    assert legend_texts(svg) == ["Quarterly", "Full year (April to March)"]
    title, desc = re.search(r"<title[^>]*>(.*?)</title><desc[^>]*>(.*?)</desc>", svg).groups()
    assert desc.startswith("10 periods of 2 kinds, each kind a line of its own")
    assert "Full year (April to March), 2 periods: 54% (2019/20); 59% (2020/21)." in desc


def test_overlapping_years_to_date_are_not_joined_to_the_quarters_in_them(plan):
    periods = ["Q1 2020/21", "2020/21 YTD to September", "Q2 2020/21", "2020/21 YTD to December"]
    svg = str(kpi_chart_svg(chart_row(plan, periods)))
    assert [len(points) for points in series_paths(svg).values()] == [2, 1, 1]
    assert legend_texts(svg) == ["Quarterly", "April to September", "April to December"]


def test_many_periods_get_a_bounded_number_of_labels_inside_the_chart(plan):
    months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    periods = [f"{months[i % 12]} {2019 + (i + 3) // 12}" for i in range(48)]
    row = chart_row(plan, periods)
    assert [v.period_label for v in row.series][:2] == ["Apr 2019", "May 2019"]
    svg = str(kpi_chart_svg(row))
    ticks = re.findall(r'<g id="[^"]*-xtick_\d+">', svg)
    assert 1 < len(ticks) <= 12
    assert "Mar 2023" in svg  # the latest period is always labelled
    # Every label is drawn inside the viewBox, both ends of it (a rotated label reaches
    # down and left from its anchor): nothing is clipped.
    _, _, width, height = (float(n) for n in re.search(r'viewBox="([^"]+)"', svg)[1].split())
    texts = re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)"( transform="rotate)?[^>]*>([^<]*)<', svg)
    assert len(texts) > len(ticks)
    for x, y, rotated, text in texts:
        reach = 0.5 * 10 * len(text) * 0.7071 if rotated else 0  # 10px text at 45 degrees
        assert float(x) - reach >= 0 and float(x) <= width
        assert float(y) >= 0 and float(y) + reach <= height


def test_no_data_and_unreliable_are_worded_as_in_the_table(client, plan, member_of):
    kpi = KpiFactory(plan=plan, code="W1")
    KpiValueFactory(kpi=kpi, period="Q1 2019/20", value=60)
    KpiValueFactory(kpi=kpi, period="Q2 2019/20", status=ValueStatus.NO_DATA, value=None)
    KpiValueFactory(kpi=kpi, period="Q3 2019/20", status=ValueStatus.UNRELIABLE, value=70)
    client.force_login(member_of(plan))
    html = client.get(reverse("kpi-detail", args=[plan.pk, kpi.pk])).text
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", html)[1]
    table = html[html.index('id="values"') :]
    assert "No data (Q2 2019/20)" in desc and '<span class="kpi-missing">No data</span>' in table
    assert "70% (unreliable data) (Q3 2019/20)" in desc
    assert '70%</span> <span class="kpi-missing">(unreliable data)</span>' in table
    chart = html[html.index('<figure class="kpi-chart">') : html.index("</figure>")]
    assert ">No data</text>" in chart and ">Unreliable data</text>" in chart  # axis, legend


def test_the_sparkline_draws_the_latest_values_kind_only(plan):
    row = chart_row(plan, QUARTERS_AND_YEARS[:5])  # four quarters, then the full year
    assert row.latest.period_label == "Q4 2019/20"  # ends with the year, starts later
    svg = str(sparkline_svg(row))
    assert "Trend of EHC2 (Quarterly)" in svg
    assert "50% (Q1 2019/20); 51% (Q2 2019/20); 52% (Q3 2019/20); 53% (Q4 2019/20)." in svg
    assert "(2019/20)" not in svg
