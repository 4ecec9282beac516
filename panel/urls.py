from django.contrib import admin
from django.urls import include, path

from panel.people.views import admin_login_view
from panel.runtime.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("panel.people.urls")),
    # Before admin.site.urls: one login page for everyone (throttled and audited).
    path("admin/login/", admin_login_view, name="admin_login"),
    path("admin/", admin.site.urls),
    path("audit/", include("panel.audit.urls")),
    path("bigv/", include("panel.credentials.urls")),
    path("operations/", include("panel.activity.urls")),
    path("operations/", include("panel.vm_changes.urls")),
    path("", include("panel.vms.urls")),
    path("", include("panel.inventory.urls")),
]
