"""KPI values by period, with their RAG: the `KpiValue` model and its queryset.

Part of `kpis.models` (which imports everything here, so `from kpis.models import KpiValue`
is the usual way in); see its docstring for how values are history and how they are rated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kpis.choices import OVERRIDE_RAGS, KpiRag, KpiUnit, ValueStatus
from kpis.periods import KpiPeriod
from wsoa.history import AppendOnlyModel
from wsoa.models import TimeStampedModel

if TYPE_CHECKING:
    from kpis.models import Kpi


class KpiValueQuerySet(models.QuerySet):
    def for_kpi(self, kpi: Kpi) -> KpiValueQuerySet:
        return self.filter(kpi=kpi)

    def in_series_order(self) -> KpiValueQuerySet:
        return self.order_by("period_end", "period_start")

    def for_plan(self, plan) -> KpiValueQuerySet:
        return self.filter(kpi__plan=plan)

    def in_dataset_order(self) -> KpiValueQuerySet:
        """As the dataset lists its KPIs (section, position, code), each KPI's values oldest
        first: the order of a download."""
        return self.order_by(
            "kpi__section__position",
            "kpi__position",
            "kpi__code",
            "period_end",
            "period_start",
            "pk",
        )

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


def rounding_tolerance(value: Decimal) -> Decimal:
    """How far a percentage may be from its numerator/denominator and still agree: half a
    unit of the last decimal written ("67" with 2/3 = 66.67 agrees: it is rounded to a whole
    number), and never less than PERCENT_TOLERANCE (0.05 points)."""
    exponent = value.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return max(PERCENT_TOLERANCE, Decimal("0.5").scaleb(-decimals))


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

    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="values")
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
            exact = Decimal(self.numerator) * 100 / Decimal(self.denominator)
            if self.value is None or abs(Decimal(self.value) - exact) <= rounding_tolerance(
                Decimal(self.value)
            ):
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
