"""Profile panel pages with pyinstrument, inside the stack's Django (``python -m bench.profiling``).

Reads ``{"username", "pages": [{"name", "path"}], "repeats", "out"}`` on stdin; for each page
renders it ``repeats`` times through Django's test client (the view, middleware and templates
the web server runs; the BigV calls go to the bench's simulator) under pyinstrument, once as
reloads (``Cache-Control: max-age=0``, so the read cache never hides the work) and once as
navigation (the read cache may answer), and writes ``profile-<name>.txt`` and
``profile-<name>-navigate.txt`` (the call trees) into ``out``; then, without the profiler,
times the parts of each request both ways (``TIMERS``). Prints both as JSON.
"""

from __future__ import annotations

import importlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RELOAD = {"Cache-Control": "max-age=0"}  # what a browser sends when the user reloads
# (file name suffix, request headers) of the profiled ways of asking for a page.
MODES = (("", RELOAD), ("-navigate", {}))

# Where a page's time goes: inclusive timers wrapped around these (module, attribute path).
TIMERS = {
    "BigV call (HTTP)": ("panel.bigv.transport", "Transport.request"),
    "BigV call (total)": ("panel.bigv.transport", "Transport.call"),
    "filter + sort": ("panel.inventory.table", "apply"),
    "template render": ("django.template.loader", "render_to_string"),
    "running-now query": ("panel.activity.selectors", "team_state"),
    # Before the view: the session read and the person loaded (AuthenticationMiddleware).
    "session + person": ("django.contrib.auth", "get_user"),
    # The VM page's own reads besides BigV: the person's credential decrypted into a client,
    # and what their BigV rights let them do to the VM.
    "credential + client (VM page)": ("panel.vms.views.detail", "client_for"),
    "abilities (VM page)": ("panel.vms.views._context", "abilities"),
}
# Parts timed around the view's own calls; the rest of a request is "other".
_VIEW_PARTS = (
    "BigV call (total)",
    "filter + sort",
    "template render",
    "session + person",
    "credential + client (VM page)",
    "abilities (VM page)",
)


def _wrap(spent: dict[str, float], label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + (time.perf_counter() - t0) * 1000.0

    return timed


def install_timers(spent: dict[str, float]) -> None:
    for label, (module_name, attr) in TIMERS.items():
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        *parents, name = attr.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        if hasattr(owner, name):
            setattr(owner, name, _wrap(spent, label, getattr(owner, name)))


def breakdown(
    client: Any, path: str, repeats: int, spent: dict[str, float], headers: dict[str, str]
) -> dict[str, float]:
    """Median milliseconds per request in each timer (``install_timers(spent)`` first), and
    the rest of the request."""
    per: dict[str, list[float]] = {}
    for _ in range(repeats):
        spent.clear()
        t0 = time.perf_counter()
        client.get(path, headers=headers)
        total = (time.perf_counter() - t0) * 1000.0
        row = dict(spent)
        row["decode + typed parse"] = row.get("BigV call (total)", 0.0) - row.get(
            "BigV call (HTTP)", 0.0
        )
        row["other (middleware, view)"] = total - sum(row.get(k, 0.0) for k in _VIEW_PARTS)
        row["total"] = total
        for key, value in row.items():
            per.setdefault(key, []).append(value)
    return {key: round(statistics.median(values), 2) for key, values in per.items()}


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler

    spec = json.load(sys.stdin)
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=spec["username"]))
    written: list[str] = []
    for page in spec["pages"]:
        client.get(page["path"])  # warm the caches outside the profile
        slug = re.sub(r"[^a-z0-9]+", "-", page["name"].lower()).strip("-")
        for suffix, headers in MODES:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(int(spec.get("repeats", 20))):
                response = client.get(page["path"], headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"{page['path']}: HTTP {response.status_code}")
            profiler.stop()
            text = out / f"profile-{slug}{suffix}.txt"
            text.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
            written.append(str(text))
    spent: dict[str, float] = {}
    install_timers(spent)
    repeats = int(spec.get("repeats", 20))
    parts = {
        f"{page['name']}{suffix}": breakdown(client, page["path"], repeats, spent, headers)
        for page in spec["pages"]
        for suffix, headers in MODES
    }
    print(json.dumps({"written": written, "breakdown": parts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
