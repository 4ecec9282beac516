"""What happened to an operation's run, beside its steps: a worker lost, another resuming.

The step log says what each step did; it cannot say that for two minutes nobody was doing
anything. When a run takes over from one that stopped without handing over (the worker was
killed, or its task was lost with Redis), the takeover is written down here — on the row, so
the operation's page shows it where the steps are, and in the audit trail, so the record of
who changed what also says when the panel lost track of it and picked it up again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import time_format

from panel.operations.models import Operation

WORKER_LOST = "worker_lost"
NOT_QUEUED = "not_queued"


def _clock(moment: dt.datetime) -> str:
    return time_format(timezone.localtime(moment), "H:i:s")


def worker(owner: str) -> str:
    """ "pid 4242 on web-2" from a lease owner id ``host:pid:random``."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return f"pid {pid} on {host}" if pid.isdigit() else owner


def resumed(
    op: Operation, *, by: str, last_heard: dt.datetime | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Append "worker lost at …, resumed by … at …" to ``op.events`` and return it."""
    now = now or timezone.now()
    lost = f"Worker lost at {_clock(last_heard)}" if last_heard else "Worker lost"
    quiet = (
        f" (nothing heard for {int((now - last_heard).total_seconds())} s)" if last_heard else ""
    )
    event = {
        "at": now.isoformat(),
        "kind": WORKER_LOST,
        "lost_at": last_heard.isoformat() if last_heard else None,
        "by": by,
        "step_index": op.step_index,
        "text": f"{lost}{quiet}; resumed by {worker(by)} at {_clock(now)}.",
    }
    op.events = [*(op.events or []), event]
    return event


def not_queued(operation_id: Any) -> None:
    """Write down that the run could not be handed to the workers (their broker, Redis, is
    unreachable): the operation waits, and starts when the reconciler can send it. Best
    effort — the database may be the thing that is down."""
    from django.db import DatabaseError, transaction

    from panel.operations import signals

    now = timezone.now()
    event = {
        "at": now.isoformat(),
        "kind": NOT_QUEUED,
        "step_index": 0,
        "text": (
            f"The workers could not be reached at {_clock(now)} (their queue, Redis, is down);"
            " this starts when they can be reached again."
        ),
    }
    try:
        with transaction.atomic():
            op = Operation.objects.select_for_update().filter(pk=operation_id).first()
            if op is None or op.finished_at is not None:
                return
            last = (op.events or [None])[-1]
            if isinstance(last, dict) and last.get("kind") == NOT_QUEUED:
                return  # said once per outage is enough (the reconciler retries each minute)
            op.events = [*(op.events or []), event]
            op.save(update_fields=["events"])
    except DatabaseError:
        return
    signals.changed(op)
