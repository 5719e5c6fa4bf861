"""Who may do what with KPI datasets: built only from the area and role rules in
`wsoa.permissions`, so the rules stay in one place.

- Everyone who may read a plan reads its dataset and KPI pages.
- Programme leads and administrators enter and import values for every KPI of the plan,
  and override ratings.
- Data owners (users holding a KPI's data owner post, with a writing role in the area) enter
  and import values for those KPIs.
- Board members and national viewers read only.
"""

from __future__ import annotations

from wsoa import permissions as area_rules
from wsoa.models import Post
from wsoa.permissions import require  # noqa: F401 - the one way views refuse a request


def is_data_owner(user, kpi) -> bool:
    return bool(
        user.is_authenticated
        and kpi.data_owner_id
        and kpi.data_owner.holder_id == user.pk
        and kpi.data_owner.area_id == kpi.plan.area_id
    )


def can_enter_values(user, kpi) -> bool:
    if user is None:
        return True  # the system: management commands
    if area_rules.can_manage_plan(user, kpi.plan):
        return True
    return area_rules.can_write_in_area(user, kpi.plan.area_id) and is_data_owner(user, kpi)


def can_import_values(user, plan) -> bool:
    """May this user use the plan's import page (for at least one KPI)?"""
    if area_rules.can_manage_plan(user, plan):
        return True
    if not area_rules.can_write_in_area(user, plan.area_id):
        return False
    return Post.objects.filter(holder=user, owned_kpis__plan=plan).exists()


def can_override_rag(user, plan) -> bool:
    return area_rules.can_manage_plan(user, plan)
