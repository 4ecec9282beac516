"""The forms that start VM changes, under /operations/ like the pages that follow them.

A form for one VM lives under the VM's own path segments (``vm/<account>/<group>/<vm>/…``).
"""

from django.urls import path

from panel.vm_changes.views import backups, batches, changes, create, pair, teardown

app_name = "vm_changes"

VM = "vm/<bigvname:account>/<bigvname:group>/<bigvname:vm>/"

urlpatterns = [
    path("batches/new/", batches.batch_new, name="batch_new"),
    path(f"{VM}spec/", changes.spec_change, name="spec_change"),
    path(f"{VM}move/", changes.move, name="move"),
    path(f"{VM}reimage/", changes.reimage, name="reimage"),
    path(
        f"{VM}discs/<int:disc>/backups/<int:backup>/restore/",
        backups.restore,
        name="restore",
    ),
    path(f"{VM}restart/", changes.graceful, {"restart": True}, name="graceful_restart"),
    path(f"{VM}shutdown/", changes.graceful, {"restart": False}, name="graceful_shutdown"),
    path("accounts/<bigvname:account>/create-vm/", create.create_vm, name="create_vm"),
    # Two VMs at once; a group with everything in it.
    path(f"{VM}swap-addresses/", pair.ip_swap, name="ip_swap"),
    path(f"{VM}discs/<int:disc>/move/", pair.disc_move, name="disc_move"),
    path(
        "accounts/<bigvname:account>/groups/<bigvname:group>/delete-everything/",
        teardown.group_teardown,
        name="group_teardown",
    ),
]
