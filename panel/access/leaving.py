"""Connecting reads a person's BigV access; people who leave stop their work.

Deactivating a panel user (or their disconnecting BigV) cancels what they started.

Pending operations end before any step; running ones go straight to putting the VM back (the
engine checks for a cancel before every step and on every poll of a wait, so no further
forward step is taken); their batches stop. Putting a VM back still uses the person's own
credential — the change was theirs — which is why a disconnection keeps it until their
running work has been put back (``panel.credentials``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from panel.access.services import scope_refresh
from panel.core.actor import Actor
from panel.credentials.models import BigVCredential
from panel.operations import batches
from panel.operations.models import Batch, Operation
from panel.operations.services import operation_cancel
from panel.operations.status import BatchStatus, OperationStatus


def stop_work_of(user: Any, *, why: str) -> int:
    """Cancel every active operation ``user`` started and stop their batches; returns how
    many operations were asked to stop."""
    actor = Actor.system()
    for batch in Batch.objects.filter(actor_id=user.pk, status=BatchStatus.RUNNING):
        batches.batch_cancel(actor=actor, batch=batch, reason=why)
    active = Operation.objects.filter(actor_id=user.pk, status__in=OperationStatus.ACTIVE)
    stopped = 0
    for operation in active:
        operation_cancel(actor=actor, operation=operation, reason=why)
        stopped += 1
    return stopped


@receiver(post_save, sender=get_user_model())
def _deactivated(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active and not kwargs.get("raw"):
        stop_work_of(instance, why=f"Stopped: {instance.get_username()} was deactivated")


@receiver(post_delete, sender=BigVCredential)
def _disconnected(sender: Any, instance: BigVCredential, **kwargs: Any) -> None:
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is not None:
        stop_work_of(user, why=f"Stopped: {user.get_username()} disconnected BigV")


@receiver(post_save, sender=BigVCredential)
def _connected(sender: Any, instance: BigVCredential, **kwargs: Any) -> None:
    """Read the person's BigV access as soon as they connect (so that checking a form
    later costs no call to BigV); a credential kept after a disconnection stops their work."""
    if kwargs.get("raw"):
        return
    if instance.status == BigVCredential.Status.RETIRING:
        user = get_user_model().objects.filter(pk=instance.user_id).first()
        if user is not None:
            stop_work_of(user, why=f"Stopped: {user.get_username()} disconnected BigV")
        return
    if instance.is_active:
        user = get_user_model().objects.filter(pk=instance.user_id).first()
        if user is not None:
            scope_refresh(user)
