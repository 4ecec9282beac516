"""Live status: every committed step or status change of an operation is announced on Redis.

The engine announces each change (``panel.operations.signals.operation_changed``, after
commit); the receiver here publishes it. The message is only a nudge — ``{"id", "status",
"step_index", "updated_at", "batch_id"}`` — and whoever listens (the streams in
``panel.activity.live.streams``) re-reads the row, because the database is the truth. It goes
to three channels so that each page subscribes to exactly what it shows: one operation, the
whole team ("running now"), or one batch. Each message also moves the team's generation on
(``team_generation``), by which a process knows that the "running now" it keeps is stale.

``publish`` never raises: a Redis outage must not fail or slow down a step (the pages fall
back to polling the database), so it logs and returns, with short socket timeouts.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
from django.db import transaction
from django.dispatch import receiver

from panel.core import request_memo
from panel.core.redis_conn import quietly, shared_redis
from panel.operations.signals import batch_changed, operation_changed

logger = logging.getLogger(__name__)

TEAM_CHANNEL = "panel:ops"
TEAM_GENERATION = "panel:ops:generation"  # how many operation changes have been announced


def operation_channel(operation_id: object) -> str:
    return f"panel:op:{operation_id}"


def batch_channel(batch_id: object) -> str:
    return f"panel:batch:{batch_id}"


def message_for(operation: Any) -> dict[str, Any]:
    """The JSON body announced for ``operation`` (ids as strings, time as ISO 8601)."""
    updated_at = getattr(operation, "updated_at", None)
    batch_id = getattr(operation, "batch_id", None)
    return {
        "id": str(operation.pk),
        "status": str(operation.status),
        "step_index": operation.step_index,
        "updated_at": updated_at.isoformat() if updated_at else None,
        "batch_id": str(batch_id) if batch_id else None,
    }


def channels_for(message: dict[str, Any]) -> list[str]:
    channels = [operation_channel(message["id"]), TEAM_CHANNEL]
    if message["batch_id"]:
        channels.append(batch_channel(message["batch_id"]))
    return channels


def publish(operation: Any) -> None:
    """Announce ``operation``'s current state once the surrounding transaction commits.

    Inside ``transaction.atomic`` the message waits for the commit (a listener that re-read
    the row earlier would see the old state); outside one it is sent at once.
    """
    try:
        message = message_for(operation)
    except Exception:  # a malformed row must not break the engine's step
        logger.exception("operation event not published: cannot describe %r", operation)
        return
    transaction.on_commit(lambda: _send(message), robust=True)


@receiver(operation_changed)
def _operation_changed(sender: Any, operation: Any, **kwargs: Any) -> None:
    """The engine committed a change: publish it (the signal already waited for the commit)."""
    try:
        message = message_for(operation)
    except Exception:  # a malformed row must not break the engine's step
        logger.exception("operation event not published: cannot describe %r", operation)
        return
    _send(message)


@receiver(batch_changed)
def _batch_changed(sender: Any, batch: Any, **kwargs: Any) -> None:
    """A batch stopped or finished: nudge its page (which re-reads the batch row)."""
    body = json.dumps({"batch_id": str(batch.pk), "status": str(batch.status)})
    try:
        shared_redis().publish(batch_channel(batch.pk), body)
    except redis.RedisError as error:
        logger.warning("batch %s: live status not published (%s)", batch.pk, error)


def team_generation() -> int | None:
    """How many operation changes have been announced (None: Redis cannot say). Read once
    a page: its header and the VM's operation both ask, and a change this request announces
    forgets it (``_send``)."""
    return request_memo.remembered(TEAM_GENERATION, _read_team_generation)


def _read_team_generation() -> int | None:
    return quietly(lambda r: int(r.get(TEAM_GENERATION) or 0), "kept team state")


def _send(message: dict[str, Any]) -> None:
    request_memo.forget()  # this page now reads the generation it moves on
    body = json.dumps(message, separators=(",", ":"))
    try:
        # Short timeouts: a worker must never wait long on a Redis that is down, the step it
        # just committed is done.
        pipe = shared_redis().pipeline(transaction=False)
        pipe.incr(TEAM_GENERATION)  # before the nudges: a listener that re-reads sees it moved
        for channel in channels_for(message):
            pipe.publish(channel, body)
        pipe.execute()
    except redis.RedisError as error:
        logger.warning("operation %s: live status not published (%s)", message["id"], error)
    except Exception:  # never raise into a worker step: the database already holds the truth
        logger.exception("operation %s: live status not published", message["id"])
