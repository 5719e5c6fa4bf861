"""Who may see and do what: the one place the role and area rules live.

- Users belong to local areas through memberships, each with one role.
- Everyone reads the plans of their areas; a national viewer reads every area; writes nothing.
- Administrators and programme leads may change anything in a plan of their area.
- Action leads record progress on the actions whose lead post they hold.
- Board members read.
Superusers are administrators everywhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from wsoa.models import Membership, Role

WRITER_ROLES = {Role.ADMINISTRATOR, Role.PROGRAMME_LEAD, Role.ACTION_LEAD}
PLAN_MANAGER_ROLES = {Role.ADMINISTRATOR, Role.PROGRAMME_LEAD}


def roles_by_area(user) -> dict[int, str]:
    """{area id: role} for the user, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_wsoa_roles_by_area", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("area_id", "role"))
        user._wsoa_roles_by_area = cached
    return cached


def role_in_area(user, area_id: int) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Role.ADMINISTRATOR
    return roles_by_area(user).get(area_id)


def can_view_area(user, area_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.is_national_viewer or role_in_area(user, area_id) is not None


def can_write_in_area(user, area_id: int) -> bool:
    """May this user make any change at all in this area? (Board members and viewers may not.)"""
    return role_in_area(user, area_id) in WRITER_ROLES


def can_manage_plan(user, plan) -> bool:
    """Administrators and programme leads: every action of the plan, sign-off, meetings."""
    return role_in_area(user, plan.area_id) in PLAN_MANAGER_ROLES


def can_administer_area(user, area_id: int) -> bool:
    return role_in_area(user, area_id) == Role.ADMINISTRATOR


def can_load_plans(user) -> bool:
    """Superusers, and administrators of at least one area (for plans of their own areas)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.ADMINISTRATOR in roles_by_area(user).values()


def holds_a_lead_post(user, action) -> bool:
    lead_holders = {post.holder_id for post in action.leads.all()}
    return user.pk in lead_holders


def can_record_progress(user, action) -> bool:
    role = role_in_area(user, action.plan.area_id)
    if role in PLAN_MANAGER_ROLES:
        return True
    return role == Role.ACTION_LEAD and holds_a_lead_post(user, action)


def require(allowed: bool) -> None:
    """Raise 403 unless allowed: the one way views refuse a request."""
    if not allowed:
        raise PermissionDenied
