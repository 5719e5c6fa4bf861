"""The formats tests use the scenarios of the apps whose files they read and write."""

from tests.governance.conftest import no_kpis  # noqa: F401
from tests.kpis.conftest import data_owner, owned_kpi  # noqa: F401
