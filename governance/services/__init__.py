"""Writes for governance. Each is one transaction, takes the acting user, validates with
full_clean() and keeps history (simple-history rows, the meeting action log's update rows, and
numbered board packs that are never changed)."""

from governance.services.action_log import (
    forward_plan_item_add,
    forward_plan_item_update,
    meeting_action_add,
    meeting_action_update,
)
from governance.services.common import save_with_history
from governance.services.meetings import (
    agenda_item_add,
    agenda_item_update,
    meeting_create,
    meeting_record_attendance,
    meeting_update,
    minute_add,
    minute_update,
)
from governance.services.members import board_member_add, board_member_update
from governance.services.packs import board_pack_issue
from governance.services.reminders import ReminderRun, update_reminders_send

__all__ = [
    "ReminderRun",
    "agenda_item_add",
    "agenda_item_update",
    "board_member_add",
    "board_member_update",
    "board_pack_issue",
    "forward_plan_item_add",
    "forward_plan_item_update",
    "meeting_action_add",
    "meeting_action_update",
    "meeting_create",
    "meeting_record_attendance",
    "meeting_update",
    "minute_add",
    "minute_update",
    "save_with_history",
    "update_reminders_send",
]
