from django.urls import path, re_path

from panel.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<int:seq>/", views.audit_detail, name="detail"),
    # /audit/export.csv and /audit/export.jsonl; reverse("audit:export", kwargs={"fmt": "csv"}).
    re_path(r"^export\.(?P<fmt>csv|jsonl)$", views.audit_export, name="export"),
]
