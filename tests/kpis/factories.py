import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from actions.status import start_of_day
from kpis.models import Kpi, KpiDirection, KpiSection, KpiTarget, KpiUnit, KpiValue, ValueStatus
from kpis.periods import parse_period
from kpis.rag import rate_value
from tests.wsoa.factories import LocalAreaFactory, PlanFactory
from wsoa.models import Board


class KpiSectionFactory(DjangoModelFactory):
    class Meta:
        model = KpiSection
        django_get_or_create = ["plan", "name"]

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class KpiFactory(DjangoModelFactory):
    """A percentage KPI where higher is better, with a 5-point amber band by default."""

    class Meta:
        model = Kpi
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    section = factory.SubFactory(KpiSectionFactory, plan=factory.SelfAttribute("..plan"))
    code = factory.Sequence(lambda n: f"KPI {n + 1}")
    title = factory.Faker("sentence", nb_words=6)
    position = factory.Sequence(lambda n: n)
    unit = KpiUnit.PERCENTAGE
    direction = KpiDirection.HIGHER_IS_BETTER
    amber_threshold = Decimal("5")

    class Params:
        lower_is_better = factory.Trait(direction=KpiDirection.LOWER_IS_BETTER)
        count = factory.Trait(unit=KpiUnit.COUNT, direction=KpiDirection.NEITHER)
        days = factory.Trait(
            unit=KpiUnit.DAYS, direction=KpiDirection.LOWER_IS_BETTER, amber_threshold=2
        )

    @factory.post_generation
    def concerns(self, create, extracted, **kwargs):
        if create and extracted:
            self.concerns.set(extracted)

    @factory.post_generation
    def actions(self, create, extracted, **kwargs):
        if create and extracted:
            self.actions.set(extracted)


class KpiTargetFactory(DjangoModelFactory):
    class Meta:
        model = KpiTarget

    kpi = factory.SubFactory(KpiFactory)
    value = Decimal("95")
    due_on = datetime.date(2019, 8, 31)
    label = ""


class KpiValueFactory(DjangoModelFactory):
    """A value for a period written as a label (`period="Q3 2021/22"`), rated against the
    KPI's targets as the services would, and recorded on the last day of its period (so a
    dataset as at any later date knows it)."""

    class Meta:
        model = KpiValue
        exclude = ["period"]

    kpi = factory.SubFactory(KpiFactory)
    period = "2019/20"
    period_label = factory.LazyAttribute(lambda o: o.period)
    period_start = factory.LazyAttribute(lambda o: parse_period(o.period).start)
    period_end = factory.LazyAttribute(lambda o: parse_period(o.period).end)
    status = ValueStatus.RECORDED
    value = Decimal("80")
    recorded_at = factory.LazyAttribute(lambda o: start_of_day(o.period_end))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        value = model_class(*args, **kwargs)
        value.fill_value_from_fraction()
        rate_value(value, kpi=value.kpi, targets=list(value.kpi.targets.all()))
        value.save()
        return value


class BoardFactory(DjangoModelFactory):
    """A board overseeing `concerns` (kept here so these tests depend only on the model)."""

    class Meta:
        model = Board
        skip_postgeneration_save = True

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Board {n}")

    @factory.post_generation
    def concerns(self, create, extracted, **kwargs):
        if create and extracted:
            self.concerns.set(extracted)
