"""Structured logs: JSON lines with the request id and the request's facts; never a token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils.module_loading import import_string

from panel.core.log_redaction import REDACTED, redact, remember_secret
from panel.core.logging_config import json_formatter, logging_config

SESSION_TOKEN = "4f1c0a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e"
FERNET = "gAAAAABnZ3x4c29tZS1jaXBoZXJ0ZXh0LWJ5dGVzLXRoYXQtbG9vay1yZWFs"

REQUEST_ID = "0123456789abcdef0123456789abcdef"  # as a proxy's $request_id


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("calling with apikey.demo-key now", "apikey.demo-key"),
        ("Authorization: Bearer abc.def-123", "abc.def-123"),
        ("headers={'Authorization': 'Bearer tok_9f8e7d'}", "tok_9f8e7d"),
        (f"GET https://auth.bytemark.co.uk/session/{SESSION_TOKEN}", SESSION_TOKEN),
        (f"stored ciphertext {FERNET}", FERNET),
        ('{"password": "hunter2-hunter2"}', "hunter2-hunter2"),
        ("password=hunter2&next=/", "hunter2"),
        ("token: 'zz-top-secret-zz'", "zz-top-secret-zz"),
        ("api_key=apikey.x", "apikey.x"),
    ],
)
def test_patterns_are_redacted(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "GET /accounts/demo/groups/web/vms/web1/ 200 12.5ms [req 0123456789abcdef]"
    assert redact(text) == text


def test_remembered_tokens_are_cut_out_by_value() -> None:
    opaque = "opaque-session-token-7f3a9c1b2d"
    assert redact(f"x {opaque} y") == f"x {opaque} y"
    remember_secret(opaque)
    assert redact(f"x {opaque} y") == f"x {REDACTED} y"
    remember_secret("short")  # too short to be a token: would shred ordinary words
    assert redact("a short word") == "a short word"


@pytest.fixture
def json_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose handler is built exactly as LOGGING builds the production one."""
    config = logging_config(json_lines=True, level="DEBUG")
    handler_config = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_build(config["formatters"][handler_config["formatter"]]))
    for name in handler_config["filters"]:
        handler.addFilter(_build(config["filters"][name]))
    logger = logging.getLogger("panel.test-capture")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _build(spec: dict) -> object:
    return import_string(spec["()"])()


def test_json_lines_carry_the_fields_and_no_token(json_logger) -> None:
    logger, stream = json_logger
    try:
        raise RuntimeError("BigV said no to Bearer apikey.sentinel-in-traceback")
    except RuntimeError:
        logger.exception("call failed for %s", "apikey.sentinel-in-args", extra={"note": "x"})
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert set(record) >= {"time", "level", "logger", "message", "request_id", "exception"}
    assert record["level"] == "ERROR" and record["logger"] == "panel.test-capture"
    assert record["note"] == "x"
    assert "sentinel" not in line


def test_request_lines_name_method_path_status_duration_user_and_request_id(
    db, caplog, alice_client, alice
) -> None:
    with caplog.at_level(logging.INFO, logger="panel.request"):
        response = alice_client.get(
            "/password/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef"
        )
    assert response["X-Request-ID"] == REQUEST_ID
    [record] = [r for r in caplog.records if r.name == "panel.request"]
    assert (record.method, record.path, record.status) == ("GET", "/password/", 200)
    assert record.user_id == alice.pk and record.duration_ms >= 0
    record.request_id = (
        "0123456789abcdef0123456789abcdef"  # what RequestIdLogFilter adds on the handler
    )
    fields = json.loads(json_formatter().format(record))
    assert fields["request_id"] == REQUEST_ID
    assert fields["user_id"] == alice.pk and fields["status"] == 200
    assert fields["method"] == "GET" and fields["path"] == "/password/"


def test_objects_in_extra_are_printed_redacted(json_logger) -> None:
    logger, stream = json_logger

    class Request:
        def __str__(self) -> str:
            return "<WSGIRequest: GET '/x?key=apikey.in-an-object'>"

    logger.warning("Bad Request", extra={"request": Request()})
    record = json.loads(stream.getvalue())
    assert (
        record["request"].startswith("<WSGIRequest: GET")
        and "in-an-object" not in stream.getvalue()
    )


def test_query_strings_are_not_logged(db, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="panel.request"):
        Client().get("/login/?next=/x&token=leaky-value-123")
    assert "leaky-value-123" not in caplog.text


def test_single_loggers_can_be_set() -> None:
    config = logging_config(json_lines=False, level="INFO", levels="urllib3=debug, celery=ERROR")
    assert config["loggers"]["urllib3"] == {"level": "DEBUG"}
    assert config["loggers"]["celery"] == {"level": "ERROR"}
    assert (
        logging_config(json_lines=False, level="INFO")["loggers"]["urllib3"]["level"] == "WARNING"
    )
