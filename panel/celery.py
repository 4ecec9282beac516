"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

app = Celery("panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_bigv_urls(**kwargs: Any) -> None:
    # Workers call BigV with users' tokens; they run no Django system checks of their own.
    import django

    django.setup()
    from panel.core.checks import enforce_at_startup

    enforce_at_startup()
