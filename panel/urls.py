from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("panel.team.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("panel.audit.urls")),
    path("bigv/", include("panel.credentials.urls")),
    path("", include("panel.vms.urls")),
    path("", include("panel.accounts.urls")),
]
