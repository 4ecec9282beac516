"""Celery tasks: thin, ids only (docs/architecture.md, Layers) — never tokens, secrets or objects.

``acks_late`` + ``reject_on_worker_lost``: a task whose worker dies goes back to the queue;
the claim protocol (claims.py) makes a redelivered or duplicated copy harmless.

Bound to the panel's app explicitly (not ``shared_task``): a shared task resolves Celery's
*current* app, which is thread-local — in a web server's worker thread that is Celery's
unconfigured fallback app, and the message would never reach Redis.
"""

from __future__ import annotations

from typing import Any

from panel.celery import app
from panel.operations import dispatch, engine, reconciler


@app.task(
    bind=True,
    name="panel.operations.run_operation",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_operation(self: Any, operation_id: str, holder: str = "") -> None:
    """``holder``: a wait's poll, for the task id its lease was handed to; it may only look
    (looks.py), and otherwise runs under that id. A run this one hands over is no poll."""

    def run(op_id: str, task_id: str) -> None:
        engine.run(op_id, task_id=task_id, poll=bool(holder) and op_id == operation_id)

    dispatch.run_and_continue(run, operation_id, holder or str(self.request.id or ""))


@app.task(name="panel.operations.reconcile_operations", ignore_result=True)
def reconcile_operations() -> int:
    return reconciler.reconcile()
