"""The pages that take a file; included by the project URLconf at the site root."""

from django.urls import path

from formats import views

urlpatterns = [
    path("plans/load/", views.plan_upload, name="plan-upload"),
    path("plans/<int:plan_pk>/kpis/import/", views.KpiImportView.as_view(), name="kpi-import"),
]
