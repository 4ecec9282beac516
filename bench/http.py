"""HTTP helpers shared by the series: the simulator's control API, panel log-in, statistics.

The benchmark is a client like any other, so it speaks HTTP with ``requests`` (the panel's own
code may only do so through ``panel.bigv``; the benchmark is not panel code).
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Sequence
from typing import Any

import requests  # noqa: TID251 (the benchmark is an outside client)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Sim:
    """The simulator: brain calls with a token, and the control API under ``/_sim``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def control(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        response = self.http.request(method, f"{self.url}/_sim{path}", json=body, timeout=timeout)
        response.raise_for_status()
        return response.json() if response.content else None

    def last_seq(self) -> int:
        return int(self.control("GET", "/requests?since=999999999")["last_seq"])

    def requests_since(self, seq: int) -> list[dict[str, Any]]:
        return list(self.control("GET", f"/requests?since={seq}")["requests"])

    def add_user(self, username: str, api_key: str, account: str = "demo") -> str:
        """A BigV user with account_admin on ``account``; returns its bearer token."""
        self.control(
            "POST",
            "/users",
            {
                "username": username,
                "password": f"{username}-bigv-pw",
                "api_key": api_key,
                "privileges": [{"level": "account_admin", "account": account}],
            },
        )
        return f"apikey.{api_key}"

    def populate(self, group: str, vms: int, power_on_ratio: float = 0.7) -> None:
        body = {"account": "demo", "group": group, "vms": vms, "power_on_ratio": power_on_ratio}
        self.control("POST", "/populate", body, timeout=120)

    def get(
        self, token: str, path: str, query: str = "", *, fresh: bool = False
    ) -> requests.Response:
        """A brain call on the connection this client keeps, as the panel's client keeps one
        per thread (panel.bigv._sessions) and the simulator keeps it open, as BigV does;
        ``fresh``: on a new connection of its own."""
        url = f"{self.url}{path}" + (f"?{query}" if query else "")
        headers = {"Authorization": f"Bearer {token}"}
        http: Any = requests if fresh else self.http
        response = http.get(url, headers=headers, timeout=60)
        response.raise_for_status()
        return response

    def vm(self, token: str, account: str, group: str, name: str) -> dict[str, Any]:
        path = f"/accounts/{account}/groups/{group}/virtual_machines/{name}"
        return dict(self.get(token, path).json())

    def group(self, token: str, account: str, group: str) -> dict[str, Any]:
        path = f"/accounts/{account}/groups/{group}"
        return dict(self.get(token, path, "view=overview").json())


def panel_login(web_url: str, username: str, password: str) -> requests.Session:
    """Log in through the login form (GET for the CSRF cookie and token, then POST)."""
    session = requests.Session()
    page = session.get(f"{web_url}/login/", timeout=30)
    token = CSRF_INPUT.search(page.text)
    if token is None:
        # What came instead (an error page, a proxy's answer) says why; see the stack's logs.
        raise RuntimeError(
            f"no CSRF token on the login page: HTTP {page.status_code}, {page.text[:300]!r}"
        )
    response = session.post(
        f"{web_url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{web_url}/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"panel login failed for {username}: HTTP {response.status_code}")
    return session


def panel_session(web_url: str, cookie: str, key: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set(cookie, key, domain="127.0.0.1", path="/")
    return session


def csrf_token(html: str) -> str:
    found = CSRF_INPUT.search(html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def hidden_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if found is None:
        found = re.search(rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html)
    if found is None:
        raise RuntimeError(f"no hidden field {name!r} on the page")
    return found.group(1)


def timed(call: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call(*args, **kwargs)
    return (time.perf_counter() - start) * 1000.0, result


# --- statistics --------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return float(ordered[rank - 1])


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "median": math.nan, "p95": math.nan, "min": math.nan, "max": math.nan}
    return {
        "n": len(values),
        "median": round(float(statistics.median(values)), 2),
        "p95": round(percentile(values, 95), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }
