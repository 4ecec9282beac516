"""The VM page and its direct actions, under the VM's path as BigV names it:
``/accounts/<account>/groups/<group>/vms/<vm>/``. Actions are POSTs; a GET of a
destructive one shows its confirmation (for browsers without JavaScript)."""

from django.urls import path

from panel.vms import views
from panel.vms.views import backups, network

app_name = "vms"

VM = "accounts/<bigvname:account>/groups/<bigvname:group>/vms/<bigvname:vm>/"

urlpatterns = [
    path(VM, views.detail, name="detail"),
    # By id: links that outlive renames and moves (operation pages, the audit trail).
    path("vms/<int:vm_id>/", views.by_id, name="by_id"),
    path(f"{VM}panel/", views.panel, name="panel"),
    path(f"{VM}lower/", views.lower, name="lower"),
    # Power
    path(f"{VM}start/", views.power, {"action": "start"}, name="start"),
    path(f"{VM}stop/", views.power, {"action": "stop"}, name="stop"),
    path(f"{VM}reboot/", views.power, {"action": "reboot"}, name="reboot"),
    path(f"{VM}powerdown/", views.power, {"action": "powerdown"}, name="powerdown"),
    path(f"{VM}reset/", views.power, {"action": "reset"}, name="reset"),
    path(f"{VM}rescue/", views.power, {"action": "rescue"}, name="rescue"),
    path(f"{VM}rescue/leave/", views.power, {"action": "rescue_leave"}, name="rescue_leave"),
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
    # Backups of a disc (restoring one is an operation: panel.vm_changes)
    path(f"{VM}discs/<int:disc>/backups/", backups.backups, name="backups"),
    path(f"{VM}discs/<int:disc>/backups/new/", backups.backup_create, name="backup_create"),
    path(
        f"{VM}discs/<int:disc>/backups/<int:backup>/delete/",
        backups.backup_delete,
        name="backup_delete",
    ),
    path(
        f"{VM}discs/<int:disc>/backup-schedules/new/",
        backups.backup_schedule_create,
        name="backup_schedule_create",
    ),
    path(
        f"{VM}discs/<int:disc>/backup-schedules/<int:schedule>/delete/",
        backups.backup_schedule_delete,
        name="backup_schedule_delete",
    ),
    # Network
    path(f"{VM}ips/<str:address>/rdns/", views.ip_rdns, name="ip_rdns"),
    path(f"{VM}ips/add/", network.ip_add, name="ip_add"),
    path(f"{VM}ips/<str:address>/delete/", network.ip_delete, name="ip_delete"),
    # Lifecycle
    path(f"{VM}delete/", views.delete, name="delete"),
    path(f"{VM}undelete/", views.undelete, name="undelete"),
    path(f"{VM}purge/", views.purge, name="purge"),
]
