"""A token sentinel through a full operation with a forced error: it never appears in the
logs (every logger at DEBUG, in the web process and in a real Celery worker), in Redis (keys,
values and the live-status messages), in any page, in the audit trail, or in error reports.

The sentinel is a BigV API key of a simulator user made for the test. It is typed into the
connection form, stored, decrypted by the worker, sent with every call — and echoed back by
BigV itself in the forced error's body, the way a careless server might.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client
from django.utils.module_loading import import_string
from django.views.debug import get_exception_reporter_class

from panel.audit.models import AuditEntry
from panel.core.logging_config import logging_config
from panel.operations.models import Operation
from tests.operations.helpers import wait_terminal
from tests.operations.worker import Worker, worker_env
from tests.vms.helpers import fault, sim_call

# In the operations tests' xdist group: never two Celery workers of the suite at once.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery"),
]

KEY_SECRET = f"SENTINEL{uuid.uuid4().hex}"
TOKEN = f"apikey.{KEY_SECRET}"
PANEL_PASSWORD = "sentinel-panel-pw-41c9"
WEB1 = "/accounts/demo/groups/web/vms/web1/"


class DebugWorker(Worker):
    """The operations tests' worker, logging everything at DEBUG."""

    def command(self) -> list[str]:
        argv = super().command()
        argv[argv.index("-l") + 1] = "DEBUG"
        return argv


@pytest.fixture
def debug_worker(transactional_db, sim, redis_url, tmp_path) -> Iterator[Worker]:
    from panel.celery import app

    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgresql://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    queue = f"panel-sentinel-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        BIGV_API_URL=sim.api_url,
        BIGV_AUTH_URL=sim.auth_url,
        PANEL_CELERY_QUEUE=queue,
        PANEL_LOG_LEVEL="DEBUG",
        PANEL_LOG_FORMAT="json",
        PANEL_LOG_LEVELS="urllib3=DEBUG,django.request=DEBUG,django.server=DEBUG",
    )
    saved = (app.conf.broker_url, app.conf.task_default_queue)
    app.conf.broker_url, app.conf.task_default_queue = redis_url, queue
    worker = DebugWorker(env=env, queue=queue, workdir=tmp_path)
    worker.start()
    yield worker
    worker.stop()
    app.conf.broker_url, app.conf.task_default_queue = saved


@pytest.fixture
def all_logs_at_debug() -> Iterator[io.StringIO]:
    """This process's log output, as the production handler writes it, every logger at DEBUG."""
    config = logging_config(json_lines=True, level="DEBUG")
    handler_config = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(config["formatters"]["json"]["()"])())
    for name in handler_config["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    saved = [(logger, logger.level, logger.propagate, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate, logger.disabled = logger is not root, False
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
    for logger, level, propagate, disabled in saved:
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


class LiveStatusListener:
    """Every live-status message published while the test runs (pub/sub keeps none)."""

    def __init__(self, url: str) -> None:
        self.messages: list[str] = []
        self._pubsub = redis.Redis.from_url(url).pubsub()
        self._pubsub.psubscribe("*")
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        try:
            for message in self._pubsub.listen():
                self.messages.append(repr(message))
        except (redis.ConnectionError, ValueError, AttributeError):
            return  # closed by close()

    def close(self) -> None:
        self._pubsub.close()
        self._thread.join(timeout=5)


def _redis_dump(url: str) -> str:
    client = redis.Redis.from_url(url)
    out = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        value: Any = {
            "string": lambda k: client.get(k),
            "list": lambda k: client.lrange(k, 0, -1),
            "hash": lambda k: client.hgetall(k),
            "set": lambda k: client.smembers(k),
            "zset": lambda k: client.zrange(k, 0, -1),
        }.get(kind, lambda k: b"")(key)
        out.append(f"{key!r}={value!r}")
    return "\n".join(out)


def _confirm_fields(body: str) -> list[tuple[str, str]]:
    form = body.split('value="start"')[0].rsplit("<form", 1)[1]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return [(name, html.unescape(value)) for name, value in pairs]


def _post_pairs(client: Client, path: str, pairs: list[tuple[str, str]]) -> Any:
    return client.post(path, urlencode(pairs), content_type="application/x-www-form-urlencoded")


def _error_report(client: Client, monkeypatch: pytest.MonkeyPatch) -> str:
    """An unexpected crash deep inside the client while it holds the token in its frames."""

    def crash(self: Any, request: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError(f"crashed sending {request.headers['Authorization']}")

    with monkeypatch.context() as patch:
        patch.setattr("requests.adapters.HTTPAdapter.send", crash)
        try:
            client.get(WEB1)
        except ZeroDivisionError:
            exc_info = sys.exc_info()
        else:  # pragma: no cover
            raise AssertionError("the page did not crash")
    reporter = get_exception_reporter_class(None)(None, *exc_info)
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def test_the_token_appears_nowhere(
    sim, settings, redis_url, debug_worker, all_logs_at_debug, monkeypatch
) -> None:
    settings.REDIS_URL = redis_url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sim_call(
        sim,
        "POST",
        "/users",
        {
            "username": "sentinel",
            "password": "sentinel-bigv-pw",
            "api_key": KEY_SECRET,
            "privileges": [{"level": "account_admin", "account": "demo"}],
        },
    )
    get_user_model().objects.create_user("sam", password=PANEL_PASSWORD)
    listener = LiveStatusListener(redis_url)
    pages: list[str] = []

    def keep(response: Any) -> Any:
        pages.append(response.content.decode())
        return response

    client = Client()
    keep(client.post("/login/", {"username": "sam", "password": PANEL_PASSWORD}))
    assert keep(client.post("/bigv/connect/api-key/", {"api_key": TOKEN})).status_code == 302
    keep(client.get("/bigv/"))

    # BigV fails every change of a VM, and quotes the caller's token in its error.
    fault(
        sim,
        "PUT",
        "/virtual_machines/",
        action="status",
        status=500,
        body=json.dumps({"error": f"internal error for Authorization: Bearer {TOKEN}"}),
    )
    spec = "/operations/vm/demo/web/web1/spec/"
    plan = keep(client.post(spec, {"action": "plan", "cores": 4, "grace_seconds": 10}))
    assert plan.status_code == 200, plan.content.decode()[:2000]
    started = _post_pairs(
        client, spec, [*_confirm_fields(plan.content.decode()), ("action", "start")]
    )
    assert started.status_code == 302, started.content.decode()[:2000]
    operation = Operation.objects.get()
    finished = wait_terminal(operation, timeout=90)
    assert finished.status != "succeeded"
    # The token really was used, and the error really happened.
    used = sim_call(sim, "GET", "/requests")["requests"]
    assert any(r["user"] == "sentinel" for r in used)
    assert any(r["method"] == "PUT" and r["status"] == 500 for r in used)

    for path in (
        f"/operations/{operation.pk}/",
        f"/operations/{operation.pk}/progress",
        "/operations/",
        "/audit/",
        "/audit/export.jsonl",
        "/audit/export.csv",
        WEB1,
        "/",
    ):
        response = client.get(path)
        pages.append(
            b"".join(response).decode() if response.streaming else response.content.decode()
        )
    report = _error_report(client, monkeypatch)
    listener.close()

    places = {
        "web logs": all_logs_at_debug.getvalue(),
        "worker logs": debug_worker.log_text(),
        "redis": _redis_dump(redis_url) + "\n".join(listener.messages),
        "pages": "\n".join(pages),
        "audit": "\n".join(
            json.dumps(model_to_dict(entry), default=str) for entry in AuditEntry.objects.all()
        ),
        "error report": report,
    }
    assert "ZeroDivisionError" in report and "Bearer" in report  # a real report...
    assert "DEBUG" in places["worker logs"] and "panel" in places["web logs"]
    assert str(operation.pk) in places["worker logs"] and places["redis"]
    for place, text in places.items():
        for secret in (TOKEN, KEY_SECRET):
            assert secret not in text, f"the token is in the {place}"
