"""Governance pages: boards, meetings, the meeting dashboard, board packs, the whole-area view.

Views parse the request, check permissions (governance/permissions.py) and call one selector
or one service. Another area's board or meeting does not exist for the user (404); a user who
may read but not record gets 403 on any write.
"""

from governance.views.boards import (
    BoardDetailView,
    BoardListView,
    BoardMemberFormView,
    ForwardPlanItemFormView,
)
from governance.views.common import SAFE_METHODS, BoardMixin, GovernanceFormView
from governance.views.dashboard import DASHBOARD_LIST_LIMIT, MeetingDashboardView, parse_as_at
from governance.views.meetings import (
    AgendaItemFormView,
    AttendanceFormView,
    MeetingActionFormView,
    MeetingActionUpdateView,
    MeetingDetailView,
    MeetingFormView,
    MinuteFormView,
)
from governance.views.packs import IssuePackView, PackMixin, PackPdfView, PackView, PackXlsxView

__all__ = [
    "DASHBOARD_LIST_LIMIT",
    "SAFE_METHODS",
    "AgendaItemFormView",
    "AttendanceFormView",
    "BoardDetailView",
    "BoardListView",
    "BoardMemberFormView",
    "BoardMixin",
    "ForwardPlanItemFormView",
    "GovernanceFormView",
    "IssuePackView",
    "MeetingActionFormView",
    "MeetingActionUpdateView",
    "MeetingDashboardView",
    "MeetingDetailView",
    "MeetingFormView",
    "MinuteFormView",
    "PackMixin",
    "PackPdfView",
    "PackView",
    "PackXlsxView",
    "parse_as_at",
]
