"""A dataset's values as a download in the import format (CSV or XLSX): a data owner can
download, correct or extend it, and import it again; a changed figure is recorded as a
correction and the old one kept."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables

from kpis.models import KpiValue, ValueStatus


class KpiValueExportTable(tables.Table):
    kpi_code = tables.Column(accessor="kpi__code", verbose_name="kpi_code")
    kpi_title = tables.Column(accessor="kpi__title", verbose_name="kpi_title")
    period_label = tables.Column(verbose_name="period_label")
    period_start = tables.Column(verbose_name="period_start")
    period_end = tables.Column(verbose_name="period_end")
    value = tables.Column(verbose_name="value")
    numerator = tables.Column(verbose_name="numerator")
    denominator = tables.Column(verbose_name="denominator")
    note = tables.Column(verbose_name="note")
    status = tables.Column(verbose_name="status")
    source = tables.Column(verbose_name="source")
    # kpi_title and rag are for people reading the download; the import ignores them.
    rag = tables.Column(accessor="rag", verbose_name="rag")

    class Meta:
        model = KpiValue
        fields = ()
        sequence = (
            "kpi_code",
            "kpi_title",
            "period_label",
            "period_start",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "note",
            "status",
            "source",
            "rag",
        )
        orderable = False

    def value_period_start(self, value):
        return value.isoformat()

    def value_period_end(self, value):
        return value.isoformat()

    def value_value(self, record):
        if record.value is None:
            return ""
        # A computed percentage is left to the numerator and denominator.
        if record.numerator is not None:
            return ""
        # A number, so a spreadsheet sees a number (plain digits: no "1E+2").
        return Decimal(format(record.value.normalize(), "f"))

    def value_status(self, record):
        if record.status == ValueStatus.RECORDED:
            return ""
        return ValueStatus(record.status).label.lower()

    def value_rag(self, record):
        label = record.get_computed_rag_display()
        if record.rag_override:
            label = f"{record.get_rag_override_display()} (override; computed {label})"
        return label
