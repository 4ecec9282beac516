"""A long-running process settles its heap (panel.core.heap): what every request uses is
loaded, then frozen out of the cycle collector's scans — in the web processes and in the
Celery pool processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from celery.signals import worker_process_init

REPO = Path(__file__).resolve().parents[2]


def test_the_web_application_settles_its_heap_when_loaded() -> None:
    code = (
        "import gc, panel.asgi; from django.template import engines;"
        "loader = engines['django'].engine.template_loaders[0];"
        "print(gc.get_freeze_count(), len(loader.get_template_cache))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, templates = map(int, done.stdout.split()[-2:])
    assert frozen > 10_000  # Django, the views, the URL patterns, the templates
    assert templates >= len(list((REPO / "templates").rglob("*.html")))


def test_each_celery_pool_process_settles_its_heap() -> None:
    import panel.celery  # noqa: F401  (connects its signal handlers)

    receivers = [ref() for _, ref in worker_process_init.receivers]
    assert any(getattr(r, "__name__", "") == "_settle_heap" for r in receivers)
