"""/operations/…: the list, each operation and batch (pages, live streams, polling).

The namespace is "operations": the pages show operations (``operations:detail``), whichever
app draws them.
"""

from django.urls import path

from panel.activity import views
from panel.activity.live import streams

app_name = "operations"

urlpatterns = [
    path("", views.operation_list, name="list"),
    # The same list, re-read in the background when the team stream says something changed
    # (its own name so that it does not count as activity: PANEL_SESSION_BACKGROUND_VIEWS).
    path("table/", views.operation_list, name="list_table"),
    # The team-wide "running now" (the header): its stream and its polling fallback.
    path("events", streams.team_events, name="team_events"),
    path("running/", streams.running, name="running"),
    path("<uuid:operation_id>/", views.operation_detail, name="detail"),
    path("<uuid:operation_id>/events", streams.operation_events, name="events"),
    path("<uuid:operation_id>/progress", streams.operation_progress, name="progress"),
    path("<uuid:operation_id>/cancel/", views.operation_cancel, name="cancel"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/events", streams.batch_events, name="batch_events"),
    path("batches/<uuid:batch_id>/progress", streams.batch_progress, name="batch_progress"),
    path("batches/<uuid:batch_id>/stop/", views.batch_stop, name="batch_stop"),
]
