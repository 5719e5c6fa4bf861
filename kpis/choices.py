"""The KPI dataset's vocabularies: units, directions, RAG ratings and value statuses.

Kept apart from the models so that `kpis.models` and `kpis.models_values` can both use them;
`from kpis.models import KpiRag` (and the others) still works.
"""

from __future__ import annotations

from django.db import models

from wsoa import dates


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


class YearConvention(models.TextChoices):
    """How a year pair ("2021/22") in a KPI's period labels is read; see kpis.periods."""

    FINANCIAL = dates.FINANCIAL, "Financial year (April to March)"
    ACADEMIC = dates.ACADEMIC, "Academic year (September to August)"
    CALENDAR = dates.CALENDAR, "Calendar year (January to December)"
