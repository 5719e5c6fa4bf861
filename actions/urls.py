from django.urls import path

from actions import list_views, views

urlpatterns = [
    path("plans/<int:plan_pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "plans/<int:plan_pk>/actions/",
        list_views.ActionRegisterView.as_view(),
        name="action-register",
    ),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/",
        views.ActionDetailView.as_view(),
        name="action-detail",
    ),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/progress/",
        views.RecordProgressView.as_view(),
        name="action-record-progress",
    ),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/sign-off/",
        views.SignOffView.as_view(),
        name="action-sign-off",
    ),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/due-date/",
        views.ChangeDueDateView.as_view(),
        name="action-change-due-date",
    ),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence-download"),
]
