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
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kpis.periods import KpiPeriod
from wsoa.history import AppendOnlyError, AppendOnlyModel  # noqa: F401 - AppendOnlyError for callers
from wsoa.models import Concern, Plan, Post, TimeStampedModel

# --- Vocabularies ------------------------------------------------------------------------


class KpiUnit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    COUNT = "count", "Count"
    DAYS = "days", "Days"
    MONEY = "money", "Money (£)"
    NUMBER = "number", "Number"


class KpiDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    # Context measures (total EHC plans, requests for assessment): shown and charted, with
    # changes described as up or down, but never rated as improving or worsening.
    NEITHER = "neither", "Neither: a context measure"


class KpiRag(models.TextChoices):
    """The KPI dataset's own fixed rating vocabulary (not the plan's action rating scheme)."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NO_DATA = "no_data", "No data"
    UNRELIABLE = "unreliable", "Unreliable data"
    NO_TARGET = "no_target", "No target"


OVERRIDE_RAGS = (KpiRag.RED, KpiRag.AMBER, KpiRag.GREEN)


class ValueStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded"
    NO_DATA = "no_data", "No data"
    UNRELIABLE = "unreliable", "Unreliable data"


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


# --- Values ------------------------------------------------------------------------------


class KpiValueQuerySet(models.QuerySet):
    def for_kpi(self, kpi: Kpi) -> KpiValueQuerySet:
        return self.filter(kpi=kpi)

    def in_series_order(self) -> KpiValueQuerySet:
        return self.order_by("period_end", "period_start")

    def up_to(self, as_at) -> KpiValueQuerySet:
        return self.filter(period_end__lte=as_at)

    def known_at(self, moment) -> KpiValueQuerySet:
        """Only the rows recorded by `moment` (all rows if None)."""
        if moment is None:
            return self
        return self.filter(recorded_at__lte=moment)

    def current(self, moment=None) -> KpiValueQuerySet:
        """The rows not superseded by a correction recorded by `moment` (with no moment: not
        corrected at all). Combine with `known_at(moment)` for the figures known then."""
        corrections = KpiValue.objects.filter(corrects=OuterRef("pk"))
        if moment is not None:
            corrections = corrections.filter(recorded_at__lte=moment)
        return self.filter(~Exists(corrections))


PERCENT_TOLERANCE = Decimal("0.05")

# What may change in place on a saved value: the rating derived from its figure (re-rated when
# the targets change) and a manual override of it. Everything else is corrected by a new row.
RATING_FIELDS = frozenset(
    {
        "computed_rag",
        "target_value",
        "target_label",
        "rag_override",
        "override_reason",
        "overridden_by",
        "overridden_by_id",
        "overridden_at",
        "modified_at",
    }
)


class KpiValue(AppendOnlyModel, TimeStampedModel):
    """A KPI's figure for one period, as recorded at `recorded_at`. A period has one current
    value per KPI; re-entering or re-importing it adds a row that `corrects` the one before,
    which is kept, so a figure a board has seen is never overwritten."""

    append_only_message = "KPI values are history: record a correction instead of editing one."
    delete_message = "KPI values are history and cannot be deleted."
    derived_fields = RATING_FIELDS

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period_label = models.CharField(max_length=100, help_text="As written: Q3 2021/22.")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=10, choices=ValueStatus.choices, default=ValueStatus.RECORDED
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    # The rating, computed by the services (never entered): see kpis.rag.
    computed_rag = models.CharField(
        max_length=10, choices=KpiRag.choices, default=KpiRag.NO_TARGET, editable=False
    )
    target_value = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text="The target in force for this period when it was rated.",
    )
    target_label = models.CharField(max_length=200, blank=True, editable=False)

    rag_override = models.CharField(
        "RAG override", max_length=10, choices=KpiRag.choices, blank=True
    )
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The value this one corrects (it stays, superseded).",
    )

    objects = KpiValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi_id", "period_end", "period_start"]
        constraints = [
            # One current value per period is kept by the services (which lock the KPI); here,
            # a value is corrected at most once, so its corrections form a single line.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="kpi_value_corrected_once",
                violation_error_message="This value has already been corrected.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="kpi_value_period_in_order",
                violation_error_message="A period cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ValueStatus.RECORDED) | Q(value__isnull=False),
                name="kpi_value_recorded_has_a_value",
                violation_error_message="A recorded value needs a figure.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ValueStatus.NO_DATA)
                | Q(value__isnull=True, numerator__isnull=True, denominator__isnull=True),
                name="kpi_value_no_data_has_no_figure",
                violation_error_message="A value marked 'no data' has no figure.",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True)
                | Q(numerator__isnull=False, denominator__gt=0),
                name="kpi_value_fraction_complete",
                violation_error_message="Give both a numerator and a denominator above 0.",
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | Q(rag_override__in=[r.value for r in OVERRIDE_RAGS]),
                name="kpi_value_override_is_rag",
                violation_error_message="An override is Red, Amber or Green.",
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(override_reason=""),
                name="kpi_value_override_has_reason",
                violation_error_message="Say why the rating is overridden.",
            ),
        ]
        indexes = [models.Index(fields=["kpi", "period_end", "period_start"])]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period_label}"

    @property
    def period(self) -> KpiPeriod:
        return KpiPeriod(end=self.period_end, start=self.period_start, label=self.period_label)

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def rag(self) -> str:
        """The rating shown: the override if there is one, otherwise the computed one."""
        return self.rag_override or self.computed_rag

    @property
    def is_overridden(self) -> bool:
        return bool(self.rag_override)

    @property
    def has_figure(self) -> bool:
        return self.value is not None and self.status != ValueStatus.NO_DATA

    @property
    def is_comparable(self) -> bool:
        """May this value be compared with another (a change, a trend)? Only a recorded
        figure: no data and unreliable data are never compared."""
        return self.status == ValueStatus.RECORDED and self.value is not None

    def fill_value_from_fraction(self) -> None:
        """A percentage given as numerator/denominator: compute the value (2 d.p.)."""
        if self.value is None and self.numerator is not None and self.denominator:
            self.value = percentage(self.numerator, self.denominator)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.period_start and self.period_end and self.period_end < self.period_start:
            add("period_end", "The period cannot end before it starts.")
        has_fraction = self.numerator is not None or self.denominator is not None
        if self.status == ValueStatus.NO_DATA:
            if self.value is not None or has_fraction:
                add("status", "A value marked 'no data' cannot also give a figure.")
        else:
            fraction_ok = self._clean_fraction(add) if has_fraction else True
            if fraction_ok:
                self.fill_value_from_fraction()
            if self.status == ValueStatus.RECORDED and self.value is None and not has_fraction:
                add(
                    "value",
                    "Enter the value (or a numerator and denominator), or mark it 'no data'.",
                )
            if self.value is not None and fraction_ok:
                self._clean_value_for_unit(add)
        if self.rag_override and self.rag_override not in OVERRIDE_RAGS:
            add("rag_override", "An override is Red, Amber or Green.")
        if self.rag_override and not self.override_reason.strip():
            add("override_reason", "Say why the rating is overridden.")
        if errors:
            raise ValidationError(errors)

    def _clean_fraction(self, add) -> bool:
        """Check a numerator and denominator; False (with the problem added) if wrong."""
        kpi = self.kpi
        if not kpi.is_percentage:
            add(
                "numerator",
                f"Only a percentage has a numerator and denominator; {kpi.code} is a "
                f"{kpi.get_unit_display().lower()}.",
            )
        elif self.numerator is None:
            add("numerator", "Give the numerator as well as the denominator.")
        elif self.denominator is None:
            add("denominator", "Give the denominator as well as the numerator.")
        elif self.denominator <= 0:
            add("denominator", "The denominator must be more than 0.")
        elif self.numerator > self.denominator:
            add(
                "numerator",
                f"The numerator ({self.numerator}) cannot be more than the denominator "
                f"({self.denominator}).",
            )
        else:
            computed = percentage(self.numerator, self.denominator)
            if self.value is None or abs(self.value - computed) <= PERCENT_TOLERANCE:
                return True
            add(
                "value",
                f"The value {format_number(self.value)} does not match "
                f"{self.numerator}/{self.denominator} = {format_number(computed)}%: give one "
                "or the other, or correct it.",
            )
        return False

    def _clean_value_for_unit(self, add) -> None:
        unit = self.kpi.unit
        if unit == KpiUnit.PERCENTAGE and not (0 <= self.value <= 100):
            add("value", f"A percentage is between 0 and 100, not {format_number(self.value)}.")
        elif unit == KpiUnit.COUNT and (self.value < 0 or self.value != self.value.to_integral()):
            add("value", f"A count is a whole number, 0 or more, not {format_number(self.value)}.")
        elif unit == KpiUnit.DAYS and self.value < 0:
            add("value", f"A number of days cannot be negative ({format_number(self.value)}).")


def percentage(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def format_number(value: Decimal | None, *, places: int = 1) -> str:
    """1312 → "1,312"; 76.60 → "76.6"; 66.67 → "66.7": at most `places` decimals."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
