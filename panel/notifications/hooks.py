"""Where notifications hook into the engine: its signals, after the change has committed.

The receivers only decide whether an ending is news and write the deliveries (a few quick
queries); sending happens on a worker. A failure here is logged by the engine's
``send_robust`` and never reaches the operation, which has ended already.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from panel.notifications import events, services
from panel.operations import signals
from panel.operations.models import Batch, Operation


@receiver(signals.operation_finished, dispatch_uid="notifications.operation_finished")
def _operation_finished(sender: Any, operation: Operation, **kwargs: Any) -> None:
    committed = Operation.objects.filter(pk=operation.pk).first()  # not the sender's copy
    if committed is not None and events.operation_is_news(committed):
        services.notify(events.for_operation(committed))


@receiver(signals.batch_changed, dispatch_uid="notifications.batch_changed")
def _batch_changed(sender: Any, batch: Batch, **kwargs: Any) -> None:
    committed = Batch.objects.filter(pk=batch.pk).first()
    if committed is not None and events.batch_is_news(committed):
        services.notify(events.for_batch(committed))
