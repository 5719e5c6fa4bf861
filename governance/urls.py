from django.urls import path

from governance import my_actions_views, views

urlpatterns = [
    path("my-actions/", my_actions_views.my_actions, name="my-actions"),
    path("boards/", views.BoardListView.as_view(), name="board-list"),
    path("areas/<int:area_pk>/boards/", views.BoardListView.as_view(), name="area-boards"),
    path("boards/<int:board_pk>/", views.BoardDetailView.as_view(), name="board-detail"),
    path(
        "boards/<int:board_pk>/members/add/",
        views.BoardMemberFormView.as_view(),
        name="board-member-add",
    ),
    path(
        "boards/<int:board_pk>/members/<int:member_pk>/",
        views.BoardMemberFormView.as_view(),
        name="board-member-change",
    ),
    path(
        "boards/<int:board_pk>/meetings/add/", views.MeetingFormView.as_view(), name="meeting-add"
    ),
    path(
        "boards/<int:board_pk>/forward-plan/add/",
        views.ForwardPlanItemFormView.as_view(),
        name="forward-plan-add",
    ),
    path(
        "boards/<int:board_pk>/forward-plan/<int:item_pk>/",
        views.ForwardPlanItemFormView.as_view(),
        name="forward-plan-change",
    ),
    path(
        "boards/<int:board_pk>/action-log/<int:action_pk>/",
        views.MeetingActionUpdateView.as_view(),
        name="meeting-action-update",
    ),
    path("meetings/<int:meeting_pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:meeting_pk>/change/", views.MeetingFormView.as_view(), name="meeting-change"
    ),
    path(
        "meetings/<int:meeting_pk>/dashboard/",
        views.MeetingDashboardView.as_view(),
        name="meeting-dashboard",
    ),
    path(
        "meetings/<int:meeting_pk>/attendance/",
        views.AttendanceFormView.as_view(),
        name="meeting-attendance",
    ),
    path(
        "meetings/<int:meeting_pk>/agenda/add/",
        views.AgendaItemFormView.as_view(),
        name="agenda-item-add",
    ),
    path(
        "meetings/<int:meeting_pk>/agenda/<int:item_pk>/",
        views.AgendaItemFormView.as_view(),
        name="agenda-item-change",
    ),
    path(
        "meetings/<int:meeting_pk>/agenda/<int:item_pk>/minutes/add/",
        views.MinuteFormView.as_view(),
        name="minute-add",
    ),
    path(
        "meetings/<int:meeting_pk>/agenda/<int:item_pk>/minutes/<int:minute_pk>/",
        views.MinuteFormView.as_view(),
        name="minute-change",
    ),
    path(
        "meetings/<int:meeting_pk>/action-log/add/",
        views.MeetingActionFormView.as_view(),
        name="meeting-action-add",
    ),
    path(
        "meetings/<int:meeting_pk>/packs/issue/", views.IssuePackView.as_view(), name="pack-issue"
    ),
    path(
        "meetings/<int:meeting_pk>/packs/<int:version>/",
        views.PackView.as_view(),
        name="board-pack",
    ),
    path(
        "meetings/<int:meeting_pk>/packs/<int:version>/pdf/",
        views.PackPdfView.as_view(),
        name="board-pack-pdf",
    ),
    path(
        "meetings/<int:meeting_pk>/packs/<int:version>/xlsx/",
        views.PackXlsxView.as_view(),
        name="board-pack-xlsx",
    ),
]
