"""Who may see and record governance: built only from the rules in `wsoa.permissions`.

- Everyone who reads an area's plans reads its boards, meetings, dashboards and board packs
  (board members and national viewers included).
- Administrators and programme leads of the area record meetings, minutes, the action log
  and the forward plan, and issue board packs; so does the chair of a board for that board,
  when their board seat is linked to their user account and they belong to the area.
"""

from __future__ import annotations

from wsoa import permissions


def can_view_board(user, board) -> bool:
    return permissions.can_view_area(user, board.area_id)


def is_chair_of(user, board) -> bool:
    """Uses `chair_user_id` when the board was read with `governance.models.boards_with_chair()`."""
    if not user.is_authenticated:
        return False
    chair_user_id = getattr(board, "chair_user_id", None)
    if chair_user_id is None and not hasattr(board, "chair_user_id"):
        chair_user_id = (
            board.members.filter(is_chair=True).values_list("user_id", flat=True).first()
        )
    return chair_user_id is not None and chair_user_id == user.pk


def can_record_for_board(user, board) -> bool:
    """Record meetings, minutes, the action log and forward plan; issue board packs."""
    role = permissions.role_in_area(user, board.area_id)
    if role in permissions.PLAN_MANAGER_ROLES:
        return True
    return role is not None and is_chair_of(user, board)
