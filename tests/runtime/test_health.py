"""/healthz: database, Redis and the BigV brain; 200 or 503 with a JSON body, no login,
no secrets, and the BigV probe goes through panel.bigv like every other call."""

from __future__ import annotations

import json

import pytest
from django.db import connections
from django.test import Client

from panel.credentials.clients import count_api_calls
from tests.credentials.helpers import closed_port_url

pytestmark = pytest.mark.django_db

REDIS_PASSWORD = "redis-secret-pw-0xBEEF"


@pytest.fixture
def healthy(settings, sim, redis_url):
    settings.REDIS_URL = redis_url
    return settings


def _health(client: Client | None = None):
    response = (client or Client()).get("/healthz")
    return response, json.loads(response.content)


def test_all_checks_pass(healthy) -> None:
    with count_api_calls() as calls:
        response, body = _health()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "bigv_api"}
    assert all(check["ok"] for check in body["checks"].values())
    # Through panel.bigv: GET /definitions, unauthenticated, not from the cache.
    assert calls.paths("GET") == ["/definitions"]


def test_redis_down_is_503_naming_the_check_without_its_url(healthy) -> None:
    healthy.REDIS_URL = closed_port_url().replace("http://", f"redis://:{REDIS_PASSWORD}@")
    response, body = _health()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] and body["checks"]["bigv_api"]["ok"]
    assert REDIS_PASSWORD not in response.content.decode()


def test_bigv_down_is_503(healthy) -> None:
    healthy.BIGV_API_URL = closed_port_url()
    response, body = _health()
    assert response.status_code == 503
    assert body["checks"]["bigv_api"] == {
        "ok": False,
        "duration_ms": body["checks"]["bigv_api"]["duration_ms"],
        "error": "ConnectionFailed",
    }


def test_bigv_answering_with_an_error_is_503(healthy, sim) -> None:
    from tests.vms.helpers import fault

    fault(sim, "GET", "^/definitions", action="status", status=500)
    response, body = _health()
    assert response.status_code == 503
    assert body["checks"]["bigv_api"]["ok"] is False


def test_database_down_is_503(healthy, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise connections["default"].Database.OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", broken)
    response, body = _health()
    assert response.status_code == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "duration_ms": body["checks"]["database"]["duration_ms"],
        "error": "OperationalError",
    }


def test_no_login_needed_and_post_refused(healthy, alice_client) -> None:
    assert _health()[0].status_code == 200
    assert _health(alice_client)[0].status_code == 200
    assert Client().post("/healthz").status_code == 405


def test_https_redirect_spares_the_probe(healthy) -> None:
    healthy.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/login/").status_code == 301
