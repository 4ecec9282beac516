"""The VM page and its direct actions, under the VM's path as BigV names it:
``/accounts/<account>/groups/<group>/vms/<vm>/``. Actions are POSTs; a GET of a
destructive one shows its confirmation (for browsers without JavaScript)."""

from django.urls import path

from panel.vms import views

app_name = "vms"

VM = "accounts/<bigvname:account>/groups/<bigvname:group>/vms/<bigvname:vm>/"

urlpatterns = [
    path(VM, views.detail, name="detail"),
    path(f"{VM}panel/", views.panel, name="panel"),
    # Power
    path(f"{VM}start/", views.power, {"action": "start"}, name="start"),
    path(f"{VM}stop/", views.power, {"action": "stop"}, name="stop"),
    path(f"{VM}reboot/", views.power, {"action": "reboot"}, name="reboot"),
    path(f"{VM}powerdown/", views.power, {"action": "powerdown"}, name="powerdown"),
    path(f"{VM}reset/", views.power, {"action": "reset"}, name="reset"),
    path(f"{VM}sendkey/", views.sendkey, name="sendkey"),
    # Settings
    path(f"{VM}rename/", views.rename, name="rename"),
    path(f"{VM}cdrom/", views.cdrom, name="cdrom"),
    path(f"{VM}keymap/", views.keymap, name="keymap"),
    path(
        f"{VM}hardware-profile-lock/",
        views.hardware_profile_lock,
        name="hardware_profile_lock",
    ),
    path(f"{VM}autoreboot/", views.autoreboot, name="autoreboot"),
    # Discs
    path(f"{VM}discs/add/", views.disc_create, name="disc_create"),
    path(f"{VM}discs/<int:disc>/resize/", views.disc_resize, name="disc_resize"),
    path(f"{VM}discs/<int:disc>/delete/", views.disc_delete, name="disc_delete"),
    # Network
    path(f"{VM}ips/<str:address>/rdns/", views.ip_rdns, name="ip_rdns"),
    # Lifecycle
    path(f"{VM}delete/", views.delete, name="delete"),
    path(f"{VM}undelete/", views.undelete, name="undelete"),
    path(f"{VM}purge/", views.purge, name="purge"),
]
