"""Board members: adding and changing them, with one chair per board."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from governance.models import BoardMember
from governance.services.common import save_with_history
from wsoa.models import Board, Organisation

# --- Boards and members ------------------------------------------------------------------


@transaction.atomic
def board_member_add(
    *,
    user,
    board: Board,
    name: str,
    initials: str,
    post: str = "",
    organisation: Organisation | None = None,
    member_user=None,
    is_chair: bool = False,
    is_active: bool = True,
    position: int | None = None,
) -> BoardMember:
    if is_chair:
        _step_down_chair(board=board, user=user)
    if position is None:
        position = (board.members.aggregate(p=Max("position"))["p"] or 0) + 1
    member = BoardMember(
        board=board,
        name=name.strip(),
        initials=initials.strip(),
        post=post.strip(),
        organisation=organisation,
        user=member_user,
        is_chair=is_chair,
        is_active=is_active,
        position=position,
    )
    return save_with_history(member, user=user)


@transaction.atomic
def board_member_update(*, user, member: BoardMember, **changes) -> BoardMember:
    """Change a member; `member_user` is their user account (`user` is who acts)."""
    allowed = {"name", "initials", "post", "organisation", "member_user", "is_chair", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "member_user" in changes:
        changes["user"] = changes.pop("member_user")
    if changes.get("is_chair") and not member.is_chair:
        _step_down_chair(board=member.board, user=user)
    for name, value in changes.items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    return save_with_history(member, user=user)


def _step_down_chair(*, board: Board, user) -> None:
    """A board has one chair: appointing a new one moves the old one to an ordinary seat."""
    for chair in board.members.filter(is_chair=True):
        chair.is_chair = False
        save_with_history(chair, user=user, update_fields=["is_chair", "modified_at"])
