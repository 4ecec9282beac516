"""Every page and fragment of the panel, fetched as one person: for the CSP and XSS sweeps.

The URLs come from the URLconf and the rule table (tests/security/rules.py): every GET that
answers 200 for the owner, asked for as a page and as an htmx fragment, and every POST of a
direct VM action, asked for as htmx does (the fragment it answers with).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.security.instances import url_path, url_values
from tests.security.policies import BigV
from tests.security.rules import RULES
from tests.security.urlconf import url_patterns
from tests.security.world import DemoObjects

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass(frozen=True)
class Fetched:
    where: str
    response: Any

    @property
    def is_html(self) -> bool:
        return self.response.get("Content-Type", "").startswith("text/html")

    @property
    def html(self) -> str:
        response = self.response
        body = b"".join(response) if response.streaming else response.content
        return body.decode()


def every_page(
    client: Client, objects: DemoObjects, overrides: dict[str, str] | None = None
) -> Iterator[Fetched]:
    for info in url_patterns():
        rule = RULES[info.key]
        if rule.get.expect("owner").status != 200:
            continue
        values = url_values(objects, info, {**rule.params, **(overrides or {})})
        path = url_path(info, values)
        yield Fetched(f"GET {path}", client.get(path))
        yield Fetched(f"GET {path} (htmx)", client.get(path, **HTMX))


def every_vm_action(
    client: Client, objects: DemoObjects, overrides: dict[str, str] | None = None
) -> Iterator[Fetched]:
    """The owner's direct VM actions, with htmx: each answers with the fragment it changes."""
    for info in url_patterns():
        rule = RULES[info.key]
        if not (isinstance(rule.post, BigV) and info.key.startswith("vms:")):
            continue
        if info.key in ("vms:purge", "vms:delete", "vms:rename"):
            continue  # they take the VM away from the pages still to be swept
        values = url_values(objects, info, {**rule.params, **(overrides or {})})
        data = rule.data(values) if callable(rule.data) else rule.data
        path = url_path(info, values)
        yield Fetched(f"POST {path} (htmx)", client.post(path, data, **HTMX))
