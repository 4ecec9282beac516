"""Start-up checks of where the panel sends BigV credentials (``manage.py check``).

Every API call carries a user's token, so ``BIGV_API_URL`` and ``BIGV_AUTH_URL`` must name a
BigV host the operator approved (``BIGV_ALLOWED_HOSTS``) over https. The exceptions are the
simulator: on a loopback address outside production (``make run``), or anywhere with
``PANEL_DEMO=1`` (the compose file's ``demo`` profile, where it is the ``simulator`` host).
The check runs with ``manage.py check``/``migrate`` and again when the web server and the
workers start (``enforce_at_startup``): a misconfigured URL is refused before any token
leaves.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "bigv"


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problems(
    name: str, url: str, *, allowed_hosts: list[str], production: bool, demo: bool
) -> list[str]:
    """What is wrong with one of the BigV URLs (empty when nothing is)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return [f"{name} must be an absolute http(s) URL, not {url!r}"]
    problems = []
    if parts.username or parts.password:
        problems.append(f"{name} must not carry a user name or password")
    if parts.query or parts.fragment:
        problems.append(f"{name} must not have a query string or fragment")
    if is_loopback_host(host):
        if production:
            problems.append(f"{name} points at a loopback address ({host}) in production")
        return problems
    allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
    if host not in allowed:
        problems.append(
            f"{name} host {host!r} is not in BIGV_ALLOWED_HOSTS ({', '.join(sorted(allowed))})"
        )
    if parts.scheme != "https" and not demo:
        problems.append(f"{name} must use https (only PANEL_DEMO=1 allows http)")
    return problems


@checks.register(TAG, checks.Tags.security)
def check_bigv_urls(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for index, name in enumerate(("BIGV_API_URL", "BIGV_AUTH_URL"), start=1):
        for problem in url_problems(
            name,
            getattr(settings, name),
            allowed_hosts=list(settings.BIGV_ALLOWED_HOSTS),
            production=settings.PRODUCTION,
            demo=settings.PANEL_DEMO,
        ):
            errors.append(
                checks.Error(
                    problem,
                    hint="Set BIGV_API_URL/BIGV_AUTH_URL (and BIGV_ALLOWED_HOSTS); see README.",
                    id=f"panel.E00{index}",
                )
            )
    return errors


def enforce_at_startup() -> None:
    """For entry points that run no system checks themselves (uvicorn, Celery)."""
    errors = [str(message.msg) for message in check_bigv_urls()]
    if errors:
        raise ImproperlyConfigured("; ".join(errors))
