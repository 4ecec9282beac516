from django.contrib import admin
from django.urls import include, path, register_converter

from panel.core.names import BigVNameConverter
from panel.people.views import admin_login_view
from panel.runtime.health import healthz

# Account, group and VM segments follow BigV's name grammar: "..", "." and stranger never
# reach a BigV path (a 404 before any API call).
register_converter(BigVNameConverter, "bigvname")

# The panel's refusals say why (panel.access.policy.Denied), in the page's own style.
handler403 = "panel.web.errors.permission_denied"
handler404 = "panel.web.errors.page_not_found"

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
    path("notifications/", include("panel.notifications.urls")),
    path("", include("panel.console.urls")),
    path("", include("panel.vms.urls")),
    path("", include("panel.grants.urls")),
    path("", include("panel.inventory.urls")),
]
