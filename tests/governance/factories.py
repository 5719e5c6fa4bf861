import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from actions.models import DueDateChange, StatusUpdate
from actions.status import UpdateKind
from governance.models import (
    AgendaItem,
    BoardMember,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    MeetingStatus,
    Minute,
)
from tests.wsoa.factories import LocalAreaFactory, UserFactory
from wsoa.models import Board

factory.Faker._DEFAULT_LOCALE = "en_GB"


def at(day: datetime.date | str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware local datetime on `day` (ISO string or date)."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board
        skip_postgeneration_save = True

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"SEND Partnership Board {n}")
    frequency = "Quarterly"

    @factory.post_generation
    def concerns(self, create, extracted, **kwargs):
        if create and extracted:
            self.concerns.set(extracted)


class BoardMemberFactory(DjangoModelFactory):
    class Meta:
        model = BoardMember

    board = factory.SubFactory(BoardFactory)
    name = factory.Faker("name")
    initials = factory.Sequence(lambda n: f"M{n}")
    post = "Director"

    class Params:
        chair = factory.Trait(is_chair=True, user=factory.SubFactory(UserFactory))


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    location = "Guildhall, Kingston"
    status = MeetingStatus.SCHEDULED

    class Params:
        held = factory.Trait(status=MeetingStatus.HELD)
        virtual = factory.Trait(location="Virtual via Google Meets", is_virtual=True)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=5)


class MinuteFactory(DjangoModelFactory):
    class Meta:
        model = Minute

    agenda_item = factory.SubFactory(AgendaItemFactory)
    text = factory.Faker("paragraph")


class MeetingActionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAction

    raised_at = factory.SubFactory(MeetingFactory)
    board = factory.SelfAttribute("raised_at.board")
    number = factory.Sequence(lambda n: n + 1)
    description = factory.Faker("sentence", nb_words=10)
    owner = "AC"


class ForwardPlanItemFactory(DjangoModelFactory):
    class Meta:
        model = ForwardPlanItem

    board = factory.SubFactory(BoardFactory)
    title = factory.Faker("sentence", nb_words=4)


def rate(action, level, on, *, kind=UpdateKind.PROGRESS, recorded_at=None, narrative="", **kw):
    """Record a status update on `action` effective `on` (a date or ISO string)."""
    if isinstance(on, str):
        on = datetime.date.fromisoformat(on)
    return StatusUpdate.objects.create(
        action=action,
        level=level,
        kind=kind,
        effective_on=on,
        recorded_at=recorded_at or at(on, 12),
        narrative=narrative,
        **kw,
    )


def move_due_date(subject, *, to, changed_at, reason="Agreed by the board", user=None):
    """Record a due-date change (as the actions service does) and apply it."""
    field = "milestone" if subject.__class__.__name__ == "Milestone" else "action"
    change = DueDateChange.objects.create(
        **{field: subject},
        from_date=subject.due_date,
        to_date=to,
        reason=reason,
        changed_by=user or UserFactory(),
        changed_at=changed_at,
    )
    type(subject).objects.filter(pk=subject.pk).update(due_date=to)
    subject.due_date = to
    return change
