import pytest

from tests.wsoa.factories import MembershipFactory, PlanFactory, UserFactory
from wsoa.models import Role


@pytest.fixture
def plan(db):
    return PlanFactory(area__name="Kingston upon Thames")


@pytest.fixture
def member_of(db):
    """member_of(plan, role) → a user with that role in the plan's area."""

    def make(plan, role=Role.BOARD_MEMBER, **user_fields):
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, area=plan.area, role=role)
        return user

    return make
