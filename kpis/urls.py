from django.urls import path, re_path

from kpis import views

urlpatterns = [
    path("kpis/", views.dataset_index, name="kpi-index"),
    path("plans/<int:plan_pk>/kpis/", views.KpiDatasetView.as_view(), name="kpi-dataset"),
    re_path(
        r"^plans/(?P<plan_pk>[0-9]+)/kpis/values\.(?P<export_format>csv|xlsx)$",
        views.DatasetExportView.as_view(),
        name="kpi-dataset-export",
    ),
    path(
        "plans/<int:plan_pk>/kpis/<int:kpi_pk>/", views.KpiDetailView.as_view(), name="kpi-detail"
    ),
    path(
        "plans/<int:plan_pk>/kpis/<int:kpi_pk>/values/new/",
        views.KpiValueRecordView.as_view(),
        name="kpi-value-record",
    ),
    path(
        "plans/<int:plan_pk>/kpis/<int:kpi_pk>/values/<int:value_pk>/edit/",
        views.KpiValueRecordView.as_view(),
        name="kpi-value-edit",
    ),
    path(
        "plans/<int:plan_pk>/kpis/<int:kpi_pk>/values/<int:value_pk>/rating/",
        views.KpiValueOverrideView.as_view(),
        name="kpi-value-override",
    ),
    path(
        "boards/<int:board_pk>/kpis/",
        views.BoardKpiDatasetView.as_view(),
        name="board-kpi-dataset",
    ),
]
