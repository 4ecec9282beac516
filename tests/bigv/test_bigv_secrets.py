"""A token never shows up in errors, logs (urllib3's included) or reprs."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
import responses
from bigv_helpers import API, AUTH, FAST, TOKEN
from fault_server import FaultServer

from panel.bigv import (
    AuthClient,
    BigVClient,
    BigVError,
    ImageInstall,
    Unauthorized,
)

BRAIN_FAULTS = ("reset", "close", "500", "503", "truncated", "malformed", "hang", "redirect")
AUTH_FAULTS = (*BRAIN_FAULTS, "ok", "drip")


def _everything_about(exc: BaseException) -> str:
    """str, repr and the full printed traceback (with chained causes)."""
    return "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    return caplog


@pytest.mark.timeout(20)
def test_brain_faults_never_reveal_the_token(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    for fault in BRAIN_FAULTS:
        with BigVClient(api_url=f"{fault_server.url}/{fault}", token=TOKEN, config=FAST) as c:
            assert TOKEN not in repr(c)
            for call in (lambda: c.vm("a", "g", "v"), lambda: c.group_create("a", name="x")):
                with pytest.raises(BigVError) as info:
                    call()
                assert TOKEN not in _everything_about(info.value), fault
    assert any(r.name == "panel.bigv.transport" for r in debug_logs.records)
    assert TOKEN not in _logged(debug_logs)


@pytest.mark.timeout(20)
def test_auth_session_token_in_url_is_redacted_everywhere(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    for fault in AUTH_FAULTS:
        with AuthClient(auth_url=f"{fault_server.url}/{fault}", config=FAST) as auth:
            assert TOKEN not in repr(auth)
            with pytest.raises(BigVError) as info:
                auth.session(TOKEN)
            text = _everything_about(info.value)
            assert TOKEN not in text, fault
            assert "/session/<redacted>" in text, fault
        assert fault_server.count("GET", f"/{fault}/session/{TOKEN}") >= 1  # it was sent
    logged = _logged(debug_logs)
    assert "GET /session/<redacted>" in logged
    assert TOKEN not in logged


def test_api_errors_from_responses_never_reveal_the_token(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    with responses.RequestsMock() as rsps, AuthClient(auth_url=AUTH) as auth:
        rsps.add("GET", f"{AUTH}/session/{TOKEN}", status=404)
        rsps.add("POST", f"{AUTH}/session", body="Bad login credentials", status=401)
        with pytest.raises(Unauthorized) as info:
            auth.session(TOKEN)
        assert TOKEN not in _everything_about(info.value)
        with pytest.raises(Unauthorized) as info:
            auth.create_session(username="alice", password=TOKEN)  # a password is a secret too
        assert TOKEN not in _everything_about(info.value)
    with responses.RequestsMock() as rsps, BigVClient(api_url=API, token=TOKEN) as client:
        rsps.add("GET", f"{API}/accounts", status=401, body="token expired")
        with pytest.raises(Unauthorized) as info:
            client.accounts()
        assert TOKEN not in _everything_about(info.value)
    assert TOKEN not in _logged(debug_logs)


@pytest.mark.parametrize("token", [TOKEN, "apikey.Sentinel-Key-0x51"])
def test_an_error_body_quoting_the_token_is_passed_on_without_it(token: str) -> None:
    echoed = f'{{"error": "denied for Bearer {token} ({token.removeprefix("apikey.")})"}}'
    with responses.RequestsMock() as rsps, BigVClient(api_url=API, token=token) as client:
        rsps.add("GET", f"{API}/accounts", status=403, body=echoed)
        rsps.add("PUT", f"{API}/accounts/demo", status=400, body=f'{{"name": ["{token}"]}}')
        with pytest.raises(BigVError) as info:
            client.accounts()
        assert "denied for Bearer [redacted]" in info.value.message
        with pytest.raises(BigVError) as bad:
            client._transport.call("PUT", "/accounts/demo", dict, body={})
    for error in (info.value, bad.value):
        text = _everything_about(error) + getattr(error, "body", "") + repr(vars(error))
        assert token not in text and token.removeprefix("apikey.") not in text


@pytest.mark.parametrize(
    "make",
    [
        lambda: BigVClient(api_url=API, token=TOKEN),
        lambda: AuthClient(auth_url=AUTH),
        lambda: ImageInstall("stretch", root_password=TOKEN, firstboot_script=TOKEN),
    ],
)
def test_reprs(make: Callable[[], Any]) -> None:
    value = make()
    assert TOKEN not in repr(value) and TOKEN not in str(value)
