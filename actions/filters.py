"""Filters for the action register.

Query parameter names are part of the interface: the board dashboard links its RAG summary
cells to `?concern=<concern pk>&rating=<level pk or "unrated">`.
"""

from __future__ import annotations

import datetime
import json

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from actions.selectors import register_boards, register_concerns, register_lead_posts
from wsoa.models import Plan, RatingLevel

UNRATED = "unrated"
ERROR_CLASSES = {"govuk-input": "govuk-input--error", "govuk-select": "govuk-select--error"}


class GovukFilterForm(forms.Form):
    """Marks fields in error the GOV.UK way: an error class, and the message read out with the
    field (its id is `<field id>-error`)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            classes = attrs.get("class", "").split()
            classes += [ERROR_CLASSES[c] for c in classes if c in ERROR_CLASSES]
            attrs["class"] = " ".join(classes)
            described_by = [f"{self[name].auto_id}-error"]
            if self.fields[name].help_text:
                described_by.insert(0, f"{self[name].auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described_by)


class DaysField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 3650)
        super().__init__(**kwargs)


class DaysFilter(django_filters.Filter):
    field_class = DaysField


class TickBox(forms.CheckboxInput):
    """A GOV.UK checkbox that always submits `1` when ticked (`?overdue=1`)."""

    def __init__(self):
        super().__init__(
            attrs={"class": "govuk-checkboxes__input", "value": "1"},
            check_test=lambda value: value is True or str(value).lower() in {"1", "true", "on"},
        )

    def format_value(self, value):
        return None  # the value attribute is fixed above


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "govuk-select govuk-!-width-full"})


class ActionRegisterFilter(django_filters.FilterSet):
    # The register lays the first three out in one row and the selects in the next.
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text="Words in the reference, the action or its success measures",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    stale_days = DaysFilter(
        label="No update for (days)",
        method="filter_stale",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=TickBox()
    )
    concern = django_filters.ModelChoiceFilter(
        field_name="concern",
        queryset=None,  # the plan's, set in __init__
        empty_label="All",
        widget=_select(),
    )
    lead = django_filters.ModelChoiceFilter(
        label="Lead post", field_name="leads", queryset=None, empty_label="All", widget=_select()
    )
    board = django_filters.ModelChoiceFilter(
        label="Board", field_name="boards", queryset=None, empty_label="All", widget=_select()
    )
    rating = django_filters.ChoiceFilter(
        label="Current rating",
        method="filter_rating",
        choices=[],
        empty_label="All",
        widget=_select(),
    )

    class Meta:
        form = GovukFilterForm

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        plan: Plan,
        levels: list[RatingLevel],
        today: datetime.date | None = None,
        **kwargs,
    ):
        super().__init__(data, queryset, **kwargs)
        self.plan = plan
        self.levels = levels
        self.today = today or timezone.localdate()
        self.filters["concern"].label = plan.concern_label
        self.filters["concern"].queryset = register_concerns(plan)
        self.filters["lead"].queryset = register_lead_posts(plan)
        self.filters["board"].queryset = register_boards(plan)
        self.filters["rating"].extra["choices"] = [
            *((str(level.pk), level.label) for level in levels),
            (UNRATED, "Not yet rated"),
        ]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        text = (
            Q(ref__icontains=value)
            | Q(description__icontains=value)
            | Q(success_measures__icontains=value)
        )
        # Success measures are a JSON list, which SQLite stores with non-ASCII characters
        # escaped ("children\u2019s"): look for that spelling too.
        escaped = json.dumps(value)[1:-1]
        if escaped != value:
            text |= Q(success_measures__icontains=escaped)
        return queryset.filter(text)

    def filter_rating(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By the rating shown: the action's own, else derived from its milestones."""
        if value == UNRATED:
            return queryset.filter(current_shown_level_id__isnull=True)
        return queryset.filter(current_shown_level_id=int(value))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Due before today and the rating shown not at the scheme's complete level (as
        `Action.is_overdue`; a derived complete rating completes)."""
        if not value:
            return queryset
        complete = [level.pk for level in self.levels if level.is_complete]
        return queryset.filter(due_date__lt=self.today).filter(
            Q(current_shown_level_id__isnull=True) | ~Q(current_shown_level_id__in=complete)
        )

    def filter_stale(self, queryset: QuerySet, name: str, value: int | None) -> QuerySet:
        """No status update recorded in the last `value` days, or none ever."""
        if not value:
            return queryset
        cutoff = timezone.now() - datetime.timedelta(days=value)
        return queryset.filter(Q(last_update_at__isnull=True) | Q(last_update_at__lt=cutoff))
