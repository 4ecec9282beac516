"""The webhook sender: one signed JSON POST to a URL a person chose.

Like ``panel.bigv`` it knows nothing of Django or the rest of the panel. The HTTP itself is
``panel.bigv.outbound`` (only ``panel.bigv`` speaks HTTP, docs/architecture.md "The client"),
kept apart from the BigV transport because the rules differ: BigV is a known host reached
with a person's token, retried for safe methods; a webhook is any URL someone typed, reached
with no credential but a signature, never retried here (the caller schedules retries with
back-off) and never followed anywhere else. This package decides what may be sent where,
signs it and words the outcome.

- https only; plain http only to a loopback address, and only where the caller allows any
  destination (development: a receiver on the same machine). No user name or password in
  the URL.
- Public addresses only, and the private networks the caller lists (``Destinations``,
  ``panel.bigv.outbound``): checked on the connected socket, so no name can lead a webhook to
  the metadata service or the panel's own Redis.
- Redirects are never followed (a 3xx is a failed delivery): the body and signature go to
  the URL that was checked, nowhere else.
- Connect and read timeouts; the answer's body is never read — only its status matters, and
  a receiver cannot make the sender download anything.
- Proxies from the environment are ignored, so where a webhook goes is decided by its URL.
- The body is signed (``sign``; ``verify`` is what a receiver does, see
  docs/notifications.md): HMAC-SHA256 over ``"<timestamp>." + body`` with the person's
  signing secret, in ``X-Panel-Signature: sha256=<hex>``, the time in ``X-Panel-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from urllib.parse import urlsplit

from panel.bigv.outbound import Destinations, RefusedDestination, post_once
from panel.bigv.outbound import OutboundFailed as WebhookFailed

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Destinations",
    "InvalidWebhookUrl",
    "WebhookFailed",
    "check_url",
    "post",
    "shown_url",
    "sign",
    "verify",
]

SIGNATURE_HEADER = "X-Panel-Signature"
TIMESTAMP_HEADER = "X-Panel-Timestamp"
DELIVERY_HEADER = "X-Panel-Delivery"
USER_AGENT = "BigV-Panel-Webhook/1"
MAX_URL_LENGTH = 500
# Receivers should refuse a signature older (or newer) than this many seconds: a replay.
TOLERANCE_SECONDS = 300


class InvalidWebhookUrl(ValueError):
    """The URL may not receive webhooks (scheme, host, or credentials in it)."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, destinations: Destinations) -> None:
    """Refuse a URL webhooks may not go to (raises ``InvalidWebhookUrl`` saying why)."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookUrl(f"A webhook URL has at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise InvalidWebhookUrl("That is not a URL.") from error
    host = parts.hostname or ""
    if not host:
        raise InvalidWebhookUrl("A webhook URL needs a host name.")
    if parts.username or parts.password:
        raise InvalidWebhookUrl("Put no user name or password in a webhook URL.")
    try:
        destinations.check_literal(host)
    except RefusedDestination as refused:
        raise InvalidWebhookUrl(str(refused)) from None
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and destinations.anywhere and _is_loopback(host):
        return
    if parts.scheme == "http" and _is_loopback(host):
        raise InvalidWebhookUrl("Plain http is allowed to this machine only outside production.")
    raise InvalidWebhookUrl("A webhook URL must start with https://.")


def shown_url(url: str) -> str:
    """The URL as pages, logs and the audit trail may show it: scheme and host only. A
    webhook URL's path is often its secret (Slack's are), so it is never shown whole."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…" if parts.hostname else ""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Panel-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does with a delivery: the signature matches the body and is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def post(
    url: str,
    body: bytes,
    *,
    secret: str,
    delivery_id: str,
    destinations: Destinations,
    connect_timeout: float = 3.05,
    read_timeout: float = 10.0,
) -> int:
    """POST the JSON ``body`` to ``url``, signed; return the 2xx status, else raise
    ``WebhookFailed`` (``InvalidWebhookUrl`` before anything is sent)."""
    check_url(url, destinations=destinations)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    try:
        return post_once(
            url,
            body,
            headers,
            destinations=destinations,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
    except RefusedDestination as refused:
        raise InvalidWebhookUrl(str(refused)) from None
