import datetime

import factory
from factory.django import DjangoModelFactory

from wsoa.models import (
    Concern,
    LocalArea,
    Membership,
    Organisation,
    Outcome,
    Plan,
    Post,
    RatingLevel,
    RatingScheme,
    Role,
    User,
)

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class LocalAreaFactory(DjangoModelFactory):
    class Meta:
        model = LocalArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Area {n}")
    health_body_label = "ICB"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(LocalAreaFactory)
    role = Role.BOARD_MEMBER


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    area = factory.SubFactory(LocalAreaFactory)
    title = factory.Sequence(lambda n: f"Post {n}")


class RatingSchemeFactory(DjangoModelFactory):
    """A Kingston-style RAG scheme by default; `brag=True` for Blue/Red/Amber/Green."""

    class Meta:
        model = RatingScheme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"RAG {n}")

    class Params:
        brag = False

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if not create:
            return
        if kwargs.get("brag") or self.name.startswith("BRAG"):
            spec = [
                ("R", "Red", "#d4351c", False, True),
                ("A", "Amber", "#f47738", False, True),
                ("G", "Green", "#00703c", False, False),
                ("B", "Blue", "#1d70b8", True, False),
            ]
        else:
            spec = [
                ("RED", "Red", "#d4351c", False, True),
                ("AMBER", "Amber", "#f47738", False, True),
                ("LIGHT GREEN", "Light green", "#85994b", False, False),
                ("DARK GREEN", "Dark green", "#00703c", False, False),
                ("COMPLETED", "Completed", "#1d70b8", True, False),
            ]
        for rank, (code, label, colour, complete, attention) in enumerate(spec, start=1):
            RatingLevel.objects.create(
                scheme=self,
                rank=rank,
                code=code,
                label=label,
                colour=colour,
                meaning=f"{label} meaning",
                is_complete=complete,
                needs_attention=attention,
            )


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    area = factory.SubFactory(LocalAreaFactory)
    title = factory.Sequence(lambda n: f"Written Statement of Action {n}")
    status = "published"
    inspection_start = datetime.date(2018, 9, 17)
    inspection_end = datetime.date(2018, 9, 21)
    published_on = datetime.date(2019, 2, 1)
    rating_scheme = factory.SubFactory(RatingSchemeFactory)


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = Concern

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=8)
    aim = factory.Faker("sentence")


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = Outcome

    concern = factory.SubFactory(ConcernFactory)
    statement = factory.Faker("sentence")


def level(plan: Plan, code: str) -> RatingLevel:
    return plan.rating_scheme.levels.get(code=code)
