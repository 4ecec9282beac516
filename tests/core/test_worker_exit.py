"""A worker that logged Celery's "Unrecoverable error" ends after a grace period even when
its warm shutdown is stuck; nothing else arms it."""

from __future__ import annotations

import logging
import threading

from panel.core.worker_exit import EXIT_STATUS, ExitAfterUnrecoverable


def _logger(handler: ExitAfterUnrecoverable) -> logging.Logger:
    logger = logging.getLogger("test.celery.worker")
    logger.propagate = False
    logger.handlers = [handler]
    return logger


def test_an_unrecoverable_error_ends_the_process_after_the_grace() -> None:
    exited = threading.Event()
    statuses: list[int] = []

    def fake_exit(status: int) -> None:
        statuses.append(status)
        exited.set()

    handler = ExitAfterUnrecoverable(grace=0.05, exit=fake_exit)
    logger = _logger(handler)
    logger.critical("Unrecoverable error: %r", AttributeError("'NoneType' ... 'hostname'"))
    logger.critical("Unrecoverable error: %r", AttributeError("again"))  # armed once

    assert exited.wait(5)
    assert statuses == [EXIT_STATUS]


def test_other_messages_do_not_arm_it() -> None:
    statuses: list[int] = []
    handler = ExitAfterUnrecoverable(grace=0.01, exit=statuses.append)
    logger = _logger(handler)
    logger.critical("consumer: Cannot connect to redis://…: Connection refused.")
    logger.error("Unrecoverable error: not at the critical level")

    assert not handler.armed and statuses == []
