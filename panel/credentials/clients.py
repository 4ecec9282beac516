"""The one place views, services and tasks get a BigV client.

Every client is built from the *acting* panel user's own credential, decrypted here and
nowhere else, so a request can never carry another user's token. ``count_api_calls()`` lets
tests (and benchmarks) count the API requests one page makes.

    with client_for(request.user) as client:   # NotConnected / CredentialUndecryptable
        accounts = client.accounts()           # the client holds a requests.Session: close it

    with count_api_calls() as calls:
        response = django_client.get(url)
    assert len(calls) <= 3
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from panel.bigv import AuthClient, BigVClient, ClientConfig, Definitions
from panel.core import read_cache
from panel.core.log_redaction import remember_secret
from panel.credentials.crypto import CredentialMismatch, CredentialUndecryptable, decrypt_token
from panel.credentials.models import BigVCredential
from panel.credentials.selectors import credential_for

__all__ = [
    "DEFINITIONS_CACHE_SECONDS",
    "ApiCall",
    "CallCounter",
    "CredentialMismatch",
    "CredentialUndecryptable",
    "NotConnected",
    "PanelClient",
    "auth_client",
    "client_config",
    "client_for",
    "client_with_token",
    "count_api_calls",
    "definitions",
    "probe_definitions",
]

DEFINITIONS_CACHE_SECONDS = 10 * 60


class NotConnected(Exception):
    """The panel user has no usable BigV credential (none stored, or expired/rejected)."""

    def __init__(self, message: str = "Connect your BigV account first.", *, status: str = ""):
        super().__init__(message)
        self.status = status  # "" when nothing is stored, else the credential's status


# --- counting API calls --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiCall:
    method: str
    path: str
    status: int | None  # None when no response came back (transport error)


@dataclass
class CallCounter:
    """The API requests made while it was active, in order."""

    calls: list[ApiCall] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.calls)

    @property
    def count(self) -> int:
        return len(self.calls)

    def paths(self, method: str | None = None) -> list[str]:
        return [call.path for call in self.calls if method is None or call.method == method]


# A tuple so nested counters all see the call; the counters themselves are mutable, so a
# copied context (threads started inside the block) still reports into them.
_active_counters: contextvars.ContextVar[tuple[CallCounter, ...]] = contextvars.ContextVar(
    "bigv_call_counters", default=()
)


@contextmanager
def count_api_calls() -> Iterator[CallCounter]:
    counter = CallCounter()
    token = _active_counters.set((*_active_counters.get(), counter))
    try:
        yield counter
    finally:
        _active_counters.reset(token)


def _on_request(method: str, path: str, status: int | None) -> None:
    for counter in _active_counters.get():
        counter.calls.append(ApiCall(method=method, path=path, status=status))


def _writes_noted(api_url: str) -> Callable[[str, str, int | None], None]:
    def on_request(method: str, path: str, status: int | None) -> None:
        if method != "GET":
            # Even a failed or unanswered write may have changed something.
            read_cache.note_write(api_url)

    return on_request


# --- building clients ----------------------------------------------------------------------


class PanelClient(BigVClient):
    """A brain client as the panel builds it, which also knows whose credential it carries:
    ``cache_scope`` is a keyed fingerprint of the token ("" without one), the identity under
    which ``panel.core.read_cache`` keeps what this client read."""

    def __init__(self, *, cache_scope: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cache_scope = cache_scope

    def cached[T](
        self,
        what: tuple[Any, ...],
        fetch: Callable[[], T],
        *,
        weight: Callable[[T], int],
        fresh: bool = False,
    ) -> read_cache.Read[T]:
        """``fetch()`` through the per-user read cache (see ``panel.core.read_cache``)."""
        return read_cache.read(
            scope=self.cache_scope,
            api_url=self.api_url,
            what=what,
            fetch=fetch,
            weight=weight,
            fresh=fresh,
        )


def client_config() -> ClientConfig:
    return ClientConfig(
        connect_timeout=settings.BIGV_CONNECT_TIMEOUT,
        read_timeout=settings.BIGV_READ_TIMEOUT,
        deadline=settings.BIGV_DEADLINE,
    )


def client_with_token(token: str | None) -> PanelClient:
    """A brain client for an explicit token (``None``: unauthenticated, for definitions).

    Only for checking a credential before it is stored; everything else uses
    ``client_for(user)``.
    """
    remember_secret(token)  # cut out of every log line of this process from now on
    scope = (
        salted_hmac("panel.core.read_cache", token, algorithm="sha256").hexdigest() if token else ""
    )
    client = PanelClient(
        cache_scope=scope, api_url=settings.BIGV_API_URL, token=token, config=client_config()
    )
    client.on_request.append(_on_request)
    client.on_request.append(_writes_noted(client.api_url))
    return client


def client_for(user: Any, *, finishing_own_work: bool = False) -> PanelClient:
    """A brain client acting with ``user``'s own BigV credential.

    Raises ``NotConnected`` when the user has none or it is expired/rejected, and
    ``CredentialUndecryptable`` / ``CredentialMismatch`` when the stored one cannot be used.
    ``finishing_own_work``: the operations engine, running (or putting back) what the person
    started — the one use a credential kept after a disconnection still serves.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotConnected("Log in first.")
    credential = credential_for(user)
    if credential is None:
        raise NotConnected()
    retiring = credential.status == BigVCredential.Status.RETIRING
    if not credential.is_active and not (retiring and finishing_own_work):
        raise NotConnected(
            "Your BigV session has expired or was rejected — reconnect.", status=credential.status
        )
    token = decrypt_token(user_id=user.pk, ciphertext=credential.ciphertext)
    return client_with_token(token)


def auth_client() -> AuthClient:
    return AuthClient(auth_url=settings.BIGV_AUTH_URL, config=client_config())


def definitions() -> Definitions:
    """``GET /definitions`` (unauthenticated, the same for everyone), cached for 10 minutes.

    The cache key includes the API URL so that pointing the panel at another brain (or a
    test's fresh simulator) never serves the old one's definitions.
    """
    key = f"bigv:definitions:{settings.BIGV_API_URL}"
    cached = cache.get(key)
    if isinstance(cached, Definitions):
        return cached
    with client_with_token(None) as client:
        value = client.definitions()
    cache.set(key, value, DEFINITIONS_CACHE_SECONDS)
    return value


# A health probe must answer quickly even when BigV does not: one attempt, a few seconds.
PROBE_CONFIG = ClientConfig(connect_timeout=2.0, read_timeout=3.0, deadline=4.0, retries=0)


def probe_definitions() -> Definitions:
    """``GET /definitions`` now (no cache, no token, no retry): is the brain answering?"""
    client = BigVClient(api_url=settings.BIGV_API_URL, token=None, config=PROBE_CONFIG)
    client.on_request.append(_on_request)
    with client:
        return client.definitions()
