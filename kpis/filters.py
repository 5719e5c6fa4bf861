"""Filters for a dataset page: by section, by the concern a KPI evidences, by current RAG."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from kpis.models import Kpi, KpiRag, KpiSection
from wsoa.models import Concern


class KpiDatasetFilter(django_filters.FilterSet):
    section = django_filters.ModelChoiceFilter(
        label="Section", queryset=KpiSection.objects.none(), empty_label="All sections"
    )
    concern = django_filters.ModelChoiceFilter(
        label="Concern",
        field_name="concerns",
        queryset=Concern.objects.none(),
        empty_label="All concerns",
        distinct=True,
    )
    rag = django_filters.ChoiceFilter(
        label="Current RAG", choices=KpiRag.choices, empty_label="Any rating", method="by_rag"
    )

    class Meta:
        model = Kpi
        fields = ["section", "concern", "rag"]

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["section"].queryset = KpiSection.objects.filter(plan__in=plans).order_by(
            "plan__title", "position", "name"
        )
        concerns = Concern.objects.filter(plan__in=plans).order_by("plan__title", "number")
        self.filters["concern"].queryset = concerns
        self.filters["concern"].field.label_from_instance = lambda c: f"{c.number}. {c.title}"
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def by_rag(self, queryset, name, value):
        queryset = queryset.with_latest_rag()
        if value == KpiRag.NO_DATA:
            return queryset.filter(Q(latest_rag=value) | Q(latest_rag__isnull=True))
        return queryset.filter(latest_rag=value)

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.filters)
