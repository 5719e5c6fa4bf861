"""The pages that take a file; included by the project URLconf at the site root."""

from django.urls import path

from formats import views

urlpatterns = [
    path("plans/load/", views.plan_upload, name="plan-upload"),
    path("plans/load/guide/", views.plan_guide, name="plan-guide"),
    path("plans/load/guide/example.yaml", views.plan_guide_example, name="plan-guide-example"),
    path("plans/load/guide/template.yaml", views.plan_guide_template, name="plan-guide-template"),
    path("plans/<int:plan_pk>/kpis/import/", views.KpiImportView.as_view(), name="kpi-import"),
]
