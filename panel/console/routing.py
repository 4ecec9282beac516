"""The panel's WebSocket routes (Django Channels): the consoles, behind the login session.

``AuthMiddlewareStack`` reads the session cookie and sets ``scope["user"]`` as a page's
middleware would; the consumer itself checks the Origin (``handshake.py``).
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from panel.console.consumers import ConsoleConsumer

CONSOLE_PATH = "/console/ws/"

websocket_urlpatterns = [path(CONSOLE_PATH.lstrip("/"), ConsoleConsumer.as_asgi())]


def websocket_application() -> Any:
    return AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
