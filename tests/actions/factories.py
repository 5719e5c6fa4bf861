import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from actions.models import Action, Milestone, StatusUpdate
from tests.wsoa.factories import ConcernFactory, OutcomeFactory


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    outcome = factory.SubFactory(OutcomeFactory)
    concern = factory.SelfAttribute("outcome.concern")
    plan = factory.SelfAttribute("concern.plan")
    ref = factory.Sequence(lambda n: f"1.{n}a")
    description = factory.Faker("sentence", nb_words=12)
    success_measures = factory.LazyFunction(lambda: ["A measurable improvement"])
    timescale = "April 2019"
    due_date = datetime.date(2019, 4, 30)

    class Params:
        loose = factory.Trait(outcome=None, concern=factory.SubFactory(ConcernFactory))

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.leads.set(extracted)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    description = factory.Faker("sentence", nb_words=6)
    deadline = "June 2019"
    due_date = datetime.date(2019, 6, 30)


class StatusUpdateFactory(DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    action = factory.SubFactory(ActionFactory)
    narrative = factory.Faker("paragraph")
    effective_on = factory.LazyFunction(timezone.localdate)
