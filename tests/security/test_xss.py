"""The XSS corpus: hostile VM names, group names and CD-ROM URLs, planted in the simulator
(its control API bypasses BigV's name rules), render inert on every page and fragment."""

from __future__ import annotations

import html
import json
import urllib.request
from typing import Any

import pytest
from django.core.cache import cache

from tests.security.html_audit import read_markup
from tests.security.instances import url_values
from tests.security.sweep import every_page, every_vm_action
from tests.security.urlconf import url_patterns
from tests.security.world import client_for, demo_objects

pytestmark = pytest.mark.django_db

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'
TEMPLATE = "{{7*7}}"
HTMX_ATTRS = 'hx-get="/x" hx-trigger="load"'
JS_URL = "javascript:alert(1)"
SVG = "<svg/onload=alert(1)>"
# Markup that must never appear as markup, whatever page it is on.
RAW = (IMG, SCRIPT, "<script>alert(1)", 'hx-get="/x"', SVG, "onerror=alert(1)>")


def _control(sim: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{sim.control_url}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _ids(sim: Any, *names: str) -> dict[str, int]:
    world = sim.world
    with world.lock:
        demo = world.account_by_name["demo"]
        groups = world.group_names[demo]
        found = {name: groups[name] for name in names if name in groups}
        for group_id in groups.values():
            found.update({n: i for n, i in world.vm_names[group_id].items() if n in names})
    return found


def _plant(sim: Any) -> dict[str, int]:
    ids = _ids(sim, "web", "db", "web1", "web2", "web3", "db1")
    for vm, name, cdrom in (
        ("web1", IMG, JS_URL),
        ("web2", SCRIPT, SCRIPT),
        ("web3", TEMPLATE, HTMX_ATTRS),
        ("db1", SVG, " JaVaScRiPt:alert(1)"),
    ):
        _control(sim, "PATCH", f"/vms/{ids[vm]}", {"name": name, "cdrom_url": cdrom})
    _control(sim, "PATCH", f"/groups/{ids['web']}", {"name": HTMX_ATTRS})
    _control(sim, "PATCH", f"/groups/{ids['db']}", {"name": JS_URL})
    return ids


def _check_inert(where: str, text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{where}: {raw!r} is markup here"
    markup = read_markup(text)
    assert not markup.handlers, f"{where}: {markup.handlers[:3]}"
    assert not markup.script_urls, f"{where}: {markup.script_urls[:3]}"
    for tag, attributes in markup.tags:
        assert attributes.get("hx-get") != "/x", f"{where}: a planted hx-get on <{tag}>"
        assert not (tag == "img" and attributes.get("src") == "x"), f"{where}: a planted <img>"
        assert tag != "svg" or "onload" not in attributes, where


def test_hostile_names_and_urls_render_inert_everywhere(sim, settings, redis_url) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REDIS_URL = redis_url
    cache.clear()
    client = client_for("owner")
    # Operations and their pages exist before the names change (started on "web1").
    objects = demo_objects(sim)
    operation_url = next(i for i in url_patterns() if i.key == "operations:detail")
    url_values(objects, operation_url)
    ids = _plant(sim)
    # Names are not URL segments any more: the panel (like BigV) takes ids instead.
    overrides = {"group": str(ids["web"]), "vm": str(ids["web1"])}
    pages = [
        *every_vm_action(client, objects, overrides),
        *every_page(client, objects, overrides),
    ]
    shown = ""
    for page in pages:
        if page.is_html:
            text = page.html
            _check_inert(page.where, text)
            shown += text
    # The corpus was really on the pages, as text.
    for planted in (IMG, SCRIPT, HTMX_ATTRS, JS_URL, SVG):
        assert html.escape(planted, quote=False) in shown or html.escape(planted) in shown, planted
    assert TEMPLATE in shown  # printed as typed, never evaluated
    assert len(pages) > 100
