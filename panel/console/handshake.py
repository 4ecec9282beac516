"""Who opens a WebSocket, and from where: the Origin check and the client's address.

Browsers send cookies with a WebSocket handshake from any site and CSRF tokens do not apply
to it, so the Origin header is what stops another site from opening a console with the
person's session: it must be this panel's own origin (the scheme and the Host a browser sees,
the Host one of ``ALLOWED_HOSTS``), or one of ``CSRF_TRUSTED_ORIGINS`` — Django's CSRF rule
for a POST. The scheme and the client's address come from the connection, and from a
proxy's X-Forwarded-* headers only when it is one of ``PANEL_TRUSTED_PROXIES``, exactly as
for pages (``panel.core.client_address``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

from panel.core.client_address import client_address, peer_is_trusted_proxy

Scope = dict[str, Any]


class HandshakeRequest(HttpRequest):
    """The handshake as an ``HttpRequest``, so the panel's own rules read it as a page."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self._secure_scheme = scope.get("scheme") in ("wss", "https")
        client = scope.get("client") or ("", 0)
        server = scope.get("server") or ("", 0)
        self.path = self.path_info = str(scope.get("path", ""))
        self.META = {"REMOTE_ADDR": client[0], "SERVER_NAME": server[0], "SERVER_PORT": server[1]}
        for raw_name, raw_value in scope.get("headers", []):
            name = raw_name.decode("latin1").upper().replace("-", "_")
            key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
            self.META[key] = raw_value.decode("latin1")
        if not peer_is_trusted_proxy(self):
            self.META.pop("HTTP_X_FORWARDED_PROTO", None)

    def _get_scheme(self) -> str:
        return "https" if self._secure_scheme else "http"


def origin_allowed(request: HttpRequest) -> bool:
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    return origin == f"{request.scheme}://{host}"


def address(request: HttpRequest) -> str | None:
    return client_address(request)
