"""/operations/…: the list, each operation and batch (pages, live streams, polling), and the
forms that start operations. VM forms live under the VM's own path segments, as on the VM
page (``vm/<account>/<group>/<vm>/…``)."""

from django.urls import path

from panel.operations import views

app_name = "operations"

VM = "vm/<str:account>/<str:group>/<str:vm>/"

urlpatterns = [
    path("", views.operation_list, name="list"),
    # The same list, re-read in the background when the team stream says something changed
    # (its own name so that it does not count as activity: PANEL_SESSION_BACKGROUND_VIEWS).
    path("table/", views.operation_list, name="list_table"),
    # The team-wide "running now" (the header): its stream and its polling fallback.
    path("events", views.team_events, name="team_events"),
    path("running/", views.running, name="running"),
    path("<uuid:operation_id>/", views.operation_detail, name="detail"),
    path("<uuid:operation_id>/events", views.operation_events, name="events"),
    path("<uuid:operation_id>/progress", views.operation_progress, name="progress"),
    path("<uuid:operation_id>/cancel/", views.operation_cancel, name="cancel"),
    # Batches
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/events", views.batch_events, name="batch_events"),
    path("batches/<uuid:batch_id>/progress", views.batch_progress, name="batch_progress"),
    path("batches/<uuid:batch_id>/stop/", views.batch_stop, name="batch_stop"),
    # Forms that start an operation
    path(f"{VM}spec/", views.spec_change, name="spec_change"),
    path(f"{VM}move/", views.move, name="move"),
    path(f"{VM}reimage/", views.reimage, name="reimage"),
    path(f"{VM}restart/", views.graceful, {"restart": True}, name="graceful_restart"),
    path(f"{VM}shutdown/", views.graceful, {"restart": False}, name="graceful_shutdown"),
    path("accounts/<str:account>/create-vm/", views.create_vm, name="create_vm"),
]
