"""The SSH keys of one's BigV user, the console key, and a VM's console ticket. (The console's
WebSocket itself is routed in ``routing.py``.)"""

from django.urls import path

from panel.console import views

app_name = "console"

VM = "accounts/<bigvname:account>/groups/<bigvname:group>/vms/<bigvname:vm>/"

urlpatterns = [
    path("bigv/ssh-keys/", views.ssh_keys, name="ssh_keys"),
    path("bigv/ssh-keys/add/", views.ssh_key_add, name="ssh_key_add"),
    path("bigv/ssh-keys/remove/", views.ssh_key_delete, name="ssh_key_delete"),
    path("bigv/console-key/create/", views.key_create, name="key_create"),
    path("bigv/console-key/remove/", views.key_remove, name="key_remove"),
    path(f"{VM}console/ticket/", views.ticket, name="ticket"),
]
