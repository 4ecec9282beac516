"""The forms that start VM changes, under /operations/ like the pages that follow them.

A form for one VM lives under the VM's own path segments (``vm/<account>/<group>/<vm>/…``).
"""

from django.urls import path

from panel.vm_changes.views import batches, changes, create

app_name = "vm_changes"

VM = "vm/<bigvname:account>/<bigvname:group>/<bigvname:vm>/"

urlpatterns = [
    path("batches/new/", batches.batch_new, name="batch_new"),
    path(f"{VM}spec/", changes.spec_change, name="spec_change"),
    path(f"{VM}move/", changes.move, name="move"),
    path(f"{VM}reimage/", changes.reimage, name="reimage"),
    path(f"{VM}restart/", changes.graceful, {"restart": True}, name="graceful_restart"),
    path(f"{VM}shutdown/", changes.graceful, {"restart": False}, name="graceful_shutdown"),
    path("accounts/<bigvname:account>/create-vm/", create.create_vm, name="create_vm"),
]
