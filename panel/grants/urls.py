"""The access pages under each object's own path, and one's API keys beside the BigV
connection page (``/bigv/``). Accounts have a page only: account_admin is granted by cluster
staff, never through the panel (docs/bigv-api.md §13 C60)."""

from django.urls import path

from panel.grants import views

app_name = "grants"

ACCOUNT = "accounts/<bigvname:account>/access/"
GROUP = "accounts/<bigvname:account>/groups/<bigvname:group>/access/"
VM = "accounts/<bigvname:account>/groups/<bigvname:group>/vms/<bigvname:vm>/access/"

urlpatterns = [
    path(ACCOUNT, views.access, name="account"),
    path(GROUP, views.access, name="group"),
    path(f"{GROUP}grant/", views.grant, name="group_grant"),
    path(f"{GROUP}<int:privilege>/revoke/", views.revoke, name="group_revoke"),
    path(f"{GROUP}<int:privilege>/yubikey/", views.yubikey, name="group_yubikey"),
    path(VM, views.access, name="vm"),
    path(f"{VM}grant/", views.grant, name="vm_grant"),
    path(f"{VM}<int:privilege>/revoke/", views.revoke, name="vm_revoke"),
    path(f"{VM}<int:privilege>/yubikey/", views.yubikey, name="vm_yubikey"),
    path("bigv/api-keys/", views.api_keys, name="api_keys"),
    path("bigv/api-keys/new/", views.api_key_create, name="api_key_create"),
    path("bigv/api-keys/<int:key>/delete/", views.api_key_delete, name="api_key_delete"),
]
