"""Beat keeps its schedule in memory and proves it is alive by touching a file."""

from __future__ import annotations

from panel.celery import app
from panel.runtime.beat import HeartbeatScheduler


def test_each_tick_touches_the_heartbeat_and_no_shelve_is_written(tmp_path):
    heartbeat = tmp_path / "celerybeat-schedule"
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(heartbeat), lazy=True)
    scheduler.tick()
    assert heartbeat.exists() and heartbeat.stat().st_size == 0
    assert [p.name for p in tmp_path.iterdir()] == ["celerybeat-schedule"]


def test_the_app_uses_it_and_schedules_the_reconciler():
    assert app.conf.beat_scheduler == "panel.runtime.beat:HeartbeatScheduler"
    assert "reconcile-operations" in app.conf.beat_schedule
