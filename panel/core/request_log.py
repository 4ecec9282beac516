"""One log line per request: method, path, status, duration and who (``panel.request``).

The path is logged without its query string — filters are harmless, but a query string is
where a careless link would carry a secret. The user is logged by id only.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponseBase

from panel.core.light_middleware import LightMiddleware

logger = logging.getLogger("panel.request")


class RequestLogMiddleware(LightMiddleware):
    def before(self, request: HttpRequest) -> None:
        request._log_started = time.perf_counter()  # type: ignore[attr-defined]

    def after(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        started: float = request._log_started  # type: ignore[attr-defined]
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        status = response.status_code
        level = logging.WARNING if status >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
        return response
