"""KPI datasets: definitions, targets and trajectories, values by period, and their RAG.

A KPI belongs to a plan's dataset and evidences one or more of its concerns. Its values are
reported by period (label as written plus start and end dates), and each value is rated
Red/Amber/Green against the target in force for its period (see `kpis.rag`). The rating is
stored with the value, together with the target it was rated against, and recomputed by the
services whenever the value, the targets or the KPI's rating rules change.

Values are history: a correction is a new row that says which row it `corrects`, recorded by
whom and when, so "as at a meeting" shows the figures known then (`KpiValue.objects
.known_at(moment).current(moment)`). Only the derived rating fields change in place (when the
targets change, or a rating is overridden), and django-simple-history keeps those changes.

The vocabularies are in `kpis.choices` and the values in `kpis.models_values`; everything is
imported here, so `from kpis.models import …` works for all of them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from simple_history.models import HistoricalRecords

from kpis.choices import (  # noqa: F401
    OVERRIDE_RAGS,
    KpiDirection,
    KpiRag,
    KpiUnit,
    ValueStatus,
    YearConvention,
)
from kpis.models_values import (  # noqa: F401 - all of a KPI's models are importable from here
    PERCENT_TOLERANCE,
    RATING_FIELDS,
    HistoricalKpiValue,
    KpiValue,
    KpiValueQuerySet,
    format_number,
    percentage,
)
from wsoa.history import AppendOnlyError, AppendOnlyModel  # noqa: F401 - AppendOnlyError for callers
from wsoa.models import Concern, Plan, Post, TimeStampedModel

# --- Sections ----------------------------------------------------------------------------


class KpiSection(TimeStampedModel):
    """A heading of a dataset: EHC plans, annual reviews, finance, feedback from families…"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpi_sections")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="kpi_section_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name


# --- KPIs --------------------------------------------------------------------------------


def _latest_values(**outer_filter) -> models.QuerySet:
    return (
        KpiValue.objects.current().filter(**outer_filter).order_by("-period_end", "-period_start")
    )


class KpiQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> KpiQuerySet:
        return self.filter(plan=plan)

    def for_board(self, board) -> KpiQuerySet:
        """KPIs evidencing a concern the board oversees."""
        overseen = Concern.objects.filter(boards=board).values("pk")
        return self.filter(plan__area_id=board.area_id, concerns__in=overseen).distinct()

    def active(self) -> KpiQuerySet:
        return self.filter(is_active=True)

    def in_dataset_order(self) -> KpiQuerySet:
        return self.order_by(
            "plan__title", "section__position", "section__name", "position", "code"
        )

    def with_latest_rag(self) -> KpiQuerySet:
        """Annotate `latest_rag`: the rating of the latest period's value (override first),
        or "no_data" for a KPI with no values at all; used to filter a dataset by RAG."""
        latest = _latest_values(kpi=OuterRef("pk"))
        return self.annotate(
            latest_override=Subquery(latest.values("rag_override")[:1]),
            latest_computed=Subquery(latest.values("computed_rag")[:1]),
        ).annotate(
            latest_rag=Case(
                When(
                    latest_override__in=[str(r) for r in OVERRIDE_RAGS],
                    then="latest_override",
                ),
                When(latest_computed__isnull=False, then="latest_computed"),
                default=Value(KpiRag.NO_DATA.value),
                output_field=models.CharField(),
            )
        )

    def with_dataset_data(self, *, as_at=None, known_at=None) -> KpiQuerySet:
        """Everything a dataset row needs, in a fixed number of queries: section, data owner,
        concerns, targets and the current values up to `as_at` (oldest first, as `series`);
        with `known_at` (a moment), the values as they were known then."""
        values = KpiValue.objects.known_at(known_at).current(known_at).in_series_order()
        if as_at is not None:
            values = values.filter(period_end__lte=as_at)
        return self.select_related("section", "data_owner", "plan").prefetch_related(
            "concerns",
            models.Prefetch("targets", queryset=KpiTarget.objects.order_by("due_on")),
            models.Prefetch("values", queryset=values, to_attr="series"),
        )


class Kpi(TimeStampedModel):
    """One measure in a plan's dataset ("KPI 1: Total EHC plans")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    section = models.ForeignKey(
        KpiSection, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(
        max_length=20, help_text='As the dataset numbers it: "KPI 1", "EHC2". Unique in the plan.'
    )
    title = models.CharField(max_length=300)
    concerns = models.ManyToManyField(
        Concern, blank=True, related_name="evidenced_by", help_text="The concerns it evidences."
    )
    actions = models.ManyToManyField(
        "actions.Action",
        blank=True,
        related_name="kpis",
        help_text="The actions expected to move it.",
    )
    data_owner = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
        help_text="The post responsible for its figures: whoever holds it may enter values.",
    )
    unit = models.CharField(max_length=12, choices=KpiUnit.choices, default=KpiUnit.PERCENTAGE)
    direction = models.CharField(
        max_length=8, choices=KpiDirection.choices, default=KpiDirection.HIGHER_IS_BETTER
    )
    amber_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        help_text="How far short of the target (in the KPI's unit: percentage points for a "
        "percentage) a value may be and still be amber rather than red. 0: no amber band.",
    )
    measurement = models.TextField(
        "how it is measured", blank=True, help_text="Definition, source system, frequency."
    )
    year_convention = models.CharField(
        max_length=10,
        choices=YearConvention.choices,
        blank=True,
        help_text="How a year like 2021/22 in its period labels is read. Blank: as the import "
        "file says, else a financial year (April to March).",
    )
    baseline = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(
        max_length=100, blank=True, help_text='The baseline\'s period as written: "2018/19".'
    )
    baseline_note = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    objects = KpiQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI"
        ordering = ["plan_id", "section__position", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="kpi_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(amber_threshold__gte=0),
                name="kpi_amber_threshold_not_negative",
                violation_error_message="The amber threshold cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def higher_is_better(self) -> bool | None:
        """True, False, or None for a context measure with no better direction."""
        if self.direction == KpiDirection.NEITHER:
            return None
        return self.direction == KpiDirection.HIGHER_IS_BETTER

    @property
    def is_percentage(self) -> bool:
        return self.unit == KpiUnit.PERCENTAGE

    def clean(self) -> None:
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": "This section belongs to another plan."})
        if self.data_owner_id and self.plan_id and self.data_owner.area_id != self.plan.area_id:
            raise ValidationError({"data_owner": "This post belongs to another local area."})


class KpiTarget(TimeStampedModel):
    """A target, or one point of a trajectory: the value to reach by a date.

    A single target is one row ("95% by August 2019"); a trajectory is several ("50% by July
    2019, 75% by December 2019, 95% by March 2020"). See `kpis.rag.target_in_force`.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(max_digits=16, decimal_places=2)
    due_on = models.DateField(help_text="The date by which the value should be reached.")
    label = models.CharField(
        max_length=200, blank=True, help_text='As the plan writes it: "By December 2019 - 75%".'
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi_id", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "due_on"], name="kpi_target_one_per_date"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.value} by {self.due_on:%B %Y}"
