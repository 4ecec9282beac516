"""The auth service (``/auth``) and brain-side credential checks.

Choices (docs/bigv-api.md §3, §13): sessions last the requested ``validity`` (clamped to
3600 s; 300 s when absent) and slide: every ``GET /session/{token}`` and every authenticated
brain request extends the expiry to max(current, now + 300 s). Failures are text/plain: 401
"Bad login credentials", 401 "Missing 2FA" (the user needs a second factor and sent none),
401 "Authentication failed" (wrong code), 400 "Badly-formed parameters". The simulator's 2FA
code is always ``123456``; a yubikey OTP is accepted when it looks like one (32-48 modhex
characters). JSON and form-encoded bodies are both accepted ([PY] posts forms).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from panel.simulator.model import Session, User
from panel.simulator.rules import Principal
from panel.simulator.web import (
    Request,
    Response,
    json_response,
    no_content,
    text_response,
    unauthorized,
)
from panel.simulator.world import World

SESSION_SLIDE = 300.0
MAX_VALIDITY = 3600
TWO_FACTOR_CODE = "123456"
YUBIKEY_RE = re.compile(r"^[cbdefghijklnrtuv]{32,48}$")


def create_session(
    world: World, user: User, factors: list[str], validity: float = SESSION_SLIDE
) -> Session:
    token = secrets.token_hex(20)
    session = Session(
        token=token, username=user.username, factors=factors, expires_at=world.now() + validity
    )
    world.sessions[token] = session
    return session


def live_session(world: World, token: str) -> Session | None:
    session = world.sessions.get(token)
    if session is None:
        return None
    if session.expires_at <= world.now():
        del world.sessions[token]
        return None
    return session


def extend(world: World, session: Session) -> None:
    session.expires_at = max(session.expires_at, world.now() + SESSION_SLIDE)


def _key_expired(world: World, expires_at: str | None) -> bool:
    if not expires_at:
        return False
    try:
        when = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    return when.timestamp() <= world.now()


def authenticate(world: World, request: Request) -> Principal:
    """Resolve ``Authorization: Bearer <session token | apikey.KEY>`` or raise 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Authentication required: send Authorization: Bearer <token>")
    if token.startswith("apikey."):
        key_id = world.key_by_secret.get(token[len("apikey.") :])
        key = world.api_keys.get(key_id) if key_id is not None else None
        if key is None or _key_expired(world, key.expires_at) or key.user_id not in world.users:
            raise unauthorized("Invalid or expired API key")
        return Principal(world.users[key.user_id], "apikey", ["apikey"], key.id)
    session = live_session(world, token)
    user = world.user_named(session.username) if session else None
    if session is None or user is None:
        raise unauthorized("Invalid or expired session token")
    extend(world, session)
    return Principal(user, "session", list(session.factors))


def token_owner(world: World, request: Request) -> tuple[str | None, str | None]:
    """(username, token kind) for the request log, without extending anything."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer":
        return None, None
    if token.startswith("apikey."):
        key_id = world.key_by_secret.get(token[len("apikey.") :])
        user = world.users.get(world.api_keys[key_id].user_id) if key_id is not None else None
        return (user.username if user else None), "apikey"
    if token:
        session = world.sessions.get(token)
        return (session.username if session else None), "session"
    return None, None


# ---- the auth service ------------------------------------------------------------------


def _credentials(request: Request) -> dict[str, Any] | None:
    body = request.body.strip()
    ctype = request.headers.get("content-type", "")
    try:
        if "json" in ctype or body.startswith(b"{"):
            data = json.loads(body or b"{}")
            return data if isinstance(data, dict) else None
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None


def _validity(raw: Any) -> float | None:
    if raw is None or raw == "":
        return SESSION_SLIDE
    if isinstance(raw, bool):
        return None
    try:
        seconds = int(raw)
    except (TypeError, ValueError):
        return None
    return float(min(max(seconds, 1), MAX_VALIDITY)) if seconds > 0 else None


def login(world: World, request: Request) -> tuple[Response, str | None]:
    creds = _credentials(request)
    username = creds.get("username") if creds else None
    password = creds.get("password") if creds else None
    validity = _validity(creds.get("validity")) if creds else None
    if (
        creds is None
        or not isinstance(username, str)
        or not isinstance(password, str)
        or validity is None
    ):
        return text_response(400, "Badly-formed parameters"), None
    user = world.user_named(username)
    if user is None or not secrets.compare_digest(user.password.encode(), password.encode()):
        return text_response(401, "Bad login credentials"), None
    factors = ["password"]
    yubikey, code = creds.get("yubikey"), creds.get("2fa")
    if yubikey:
        if not isinstance(yubikey, str) or not YUBIKEY_RE.match(yubikey):
            return text_response(401, "Authentication failed"), username
        factors.append("yubikey")
    if code:
        if str(code).strip() != TWO_FACTOR_CODE:
            return text_response(401, "Authentication failed"), username
        factors.append("2fa")
    if user.second_factor and len(factors) == 1:
        return text_response(401, "Missing 2FA"), username
    session = create_session(world, user, factors, validity)
    return text_response(200, session.token), username


def read_session(world: World, token: str) -> tuple[Response, str | None]:
    session = live_session(world, token)
    if session is None:
        return text_response(404, "Session not found"), None
    extend(world, session)
    body = {"username": session.username, "factors": list(session.factors), "group_memberships": []}
    return json_response(200, body), session.username


def handle(world: World, request: Request) -> tuple[Response, str | None]:
    """Dispatch ``/auth/...``; returns the response and the username for the request log."""
    segs = request.segments[1:]
    if segs == ["session"] and request.method == "POST":
        return login(world, request)
    if len(segs) == 2 and segs[0] == "session":
        if request.method == "GET":
            return read_session(world, segs[1])
        if request.method == "DELETE":
            # Logout (not in the docs, harmless): forget the token.
            session = world.sessions.pop(segs[1], None)
            return no_content(), session.username if session else None
    return text_response(404, "Not found"), None
