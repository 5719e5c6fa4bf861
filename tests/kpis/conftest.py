import pytest

from tests.kpis.factories import KpiFactory
from tests.wsoa.factories import PostFactory
from wsoa.models import Role


@pytest.fixture
def data_owner(plan, member_of):
    """An action lead holding the data owner post of the `owned_kpi`."""
    user = member_of(plan, Role.ACTION_LEAD, username="dco")
    PostFactory(area=plan.area, title="Designated Clinical Officer", holder=user)
    return user


@pytest.fixture
def owned_kpi(plan, data_owner):
    post = data_owner.posts.get()
    return KpiFactory(plan=plan, code="DO1", title="Health advice within 6 weeks", data_owner=post)
