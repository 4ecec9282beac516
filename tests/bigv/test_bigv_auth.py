"""The auth service client (docs/bigv-api.md §3, its failures in §3.4)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from bigv_helpers import AUTH, TOKEN

from panel.bigv import (
    AuthClient,
    AuthError,
    BadCredentials,
    Credentials,
    InvalidResponse,
    SecondFactorRejected,
    SecondFactorRequired,
    ServerError,
    SessionInfo,
    Unauthorized,
)


def test_create_session_sends_bc_body_and_returns_token(
    auth_client: AuthClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("POST", AUTH + "/session", body=TOKEN + "\n", content_type="text/plain")

    assert auth_client.create_session(username="alice", password="pw") == TOKEN

    request = rsps.calls[0].request
    assert request.url == AUTH + "/session"
    assert json.loads(request.body) == {"username": "alice", "password": "pw", "validity": "1800"}
    assert request.headers["Accept"] == "text/plain"
    assert request.headers["Content-Type"] == "application/json"
    assert "Authorization" not in request.headers


def test_create_session_with_factors(auth_client: AuthClient, rsps: responses.RequestsMock) -> None:
    rsps.add("POST", AUTH + "/session", body=TOKEN)
    auth_client.create_session(
        username="alice", password="pw", yubikey="cccc", second_factor="123456", validity=600
    )
    assert json.loads(rsps.calls[0].request.body) == {
        "username": "alice",
        "password": "pw",
        "validity": "600",
        "yubikey": "cccc",
        "2fa": "123456",
    }


def test_trailing_slash_does_not_double(rsps: responses.RequestsMock) -> None:
    rsps.add("POST", AUTH + "/session", body=TOKEN)
    with AuthClient(auth_url=AUTH + "/") as c:
        c.create_session(username="a", password="b")
    assert rsps.calls[0].request.url == AUTH + "/session"


@pytest.mark.parametrize(
    ("status", "body", "kwargs", "cls"),
    [
        (401, "Missing 2FA", {}, SecondFactorRequired),
        (401, "Bad login credentials", {}, BadCredentials),
        (401, "Authentication failed", {}, BadCredentials),
        (400, "Badly-formed parameters", {}, BadCredentials),
        (401, "Authentication failed", {"second_factor": "000000"}, SecondFactorRejected),
        (401, "Authentication failed", {"yubikey": "cccbad"}, SecondFactorRejected),
        (401, "Bad login credentials", {"second_factor": "000000"}, BadCredentials),
    ],
)
def test_login_failures(
    auth_client: AuthClient,
    rsps: responses.RequestsMock,
    status: int,
    body: str,
    kwargs: dict[str, Any],
    cls: type[AuthError],
) -> None:
    rsps.add("POST", AUTH + "/session", body=body, status=status, content_type="text/plain")
    with pytest.raises(cls) as info:
        auth_client.create_session(username="alice", password="pw", **kwargs)
    error = info.value
    assert type(error) is cls
    assert isinstance(error, AuthError) and isinstance(error, Unauthorized)
    assert (error.status, error.body) == (status, body)
    assert "pw" not in str(error) and "pw" not in repr(error)
    assert len(rsps.calls) == 1  # POST: never retried


def test_other_login_failures_keep_their_class(
    auth_client: AuthClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("POST", AUTH + "/session", body="boom", status=500)
    with pytest.raises(ServerError):
        auth_client.create_session(username="alice", password="pw")
    rsps.add("POST", AUTH + "/session", body="I'm a teapot", status=401)
    with pytest.raises(Unauthorized) as info:
        auth_client.create_session(username="alice", password="pw")
    assert not isinstance(info.value, AuthError)


def test_empty_token_is_invalid(auth_client: AuthClient, rsps: responses.RequestsMock) -> None:
    rsps.add("POST", AUTH + "/session", body="  ")
    with pytest.raises(InvalidResponse):
        auth_client.create_session(username="alice", password="pw")


def test_session_info(auth_client: AuthClient, rsps: responses.RequestsMock) -> None:
    rsps.add(
        "GET",
        f"{AUTH}/session/{TOKEN}",
        json={"username": "alice", "factors": ["password", "2fa"], "group_memberships": ["staff"]},
    )
    info = auth_client.session(TOKEN)
    assert info == SessionInfo("alice", ("password", "2fa"), ("staff",))
    request = rsps.calls[0].request
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers


def test_unknown_session_is_unauthorized(
    auth_client: AuthClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("GET", f"{AUTH}/session/{TOKEN}", status=404, body="Not Found")
    with pytest.raises(Unauthorized, match="session expired or unknown") as info:
        auth_client.session(TOKEN)
    assert info.value.path == "/session/<redacted>"
    assert TOKEN not in repr(info.value)


def test_credentials_helper() -> None:
    assert Credentials.api_key("xpq21") == "apikey.xpq21"
    assert Credentials.api_key("apikey.xpq21") == "apikey.xpq21"
    with pytest.raises(ValueError):
        Credentials.api_key(" ")
