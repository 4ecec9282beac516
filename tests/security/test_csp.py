"""Every HTML answer carries a Content-Security-Policy without 'unsafe-inline', and nothing on
any page or fragment needs it: no script without the page's nonce, no inline styles or
event handlers, no javascript: URLs."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.security.html_audit import csp_directives, read_markup
from tests.security.sweep import every_page, every_vm_action
from tests.security.world import client_for, demo_objects

pytestmark = pytest.mark.django_db

_NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/=_-]+)'$")


def _check(where: str, response, html: str) -> None:
    header = response.get("Content-Security-Policy", "")
    assert header, f"{where}: no Content-Security-Policy header"
    policy = csp_directives(header)
    for directive in ("script-src", "style-src", "default-src"):
        sources = policy.get(directive, policy.get("default-src", []))
        assert "'unsafe-inline'" not in sources, f"{where}: {directive} allows unsafe-inline"
        assert "'unsafe-eval'" not in sources, f"{where}: {directive} allows unsafe-eval"
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    # Django names the nonce in the header only when the page used it.
    nonces = [m.group(1) for source in policy["script-src"] if (m := _NONCE.match(source))]
    assert len(nonces) <= 1, f"{where}: {header}"
    markup = read_markup(html)
    for script in markup.inline_scripts:
        assert nonces and script.get("nonce") == nonces[0], f"{where}: inline script, no nonce"
    for nonce in markup.script_nonces:
        assert nonce is None or [nonce] == nonces, f"{where}: a nonce not in the header"
    assert markup.style_elements == 0, f"{where}: a <style> element"
    assert not markup.style_attributes, f"{where}: {markup.style_attributes[:3]}"
    assert not markup.handlers, f"{where}: {markup.handlers[:3]}"
    assert not markup.script_urls, f"{where}: {markup.script_urls[:3]}"


def test_every_page_and_fragment_keeps_to_the_policy(sim, settings, redis_url) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REDIS_URL = redis_url
    cache.clear()
    client = client_for("owner")
    objects = demo_objects(sim)
    checked = 0
    for fetched in [*every_page(client, objects), *every_vm_action(client, objects)]:
        if not fetched.is_html:
            continue
        _check(fetched.where, fetched.response, fetched.html)
        checked += 1
    assert checked > 100


def test_the_login_and_error_pages_keep_to_it_too(sim) -> None:
    login = Client().get("/login/")
    assert "nonce-" in login["Content-Security-Policy"]  # htmx's script tag uses it
    missing = client_for("viewer").get("/audit/999999/")
    assert missing.status_code == 404
    for response in (login, missing):
        assert response["Content-Type"].startswith("text/html")
        _check(response.request["PATH_INFO"], response, response.content.decode())


def test_each_response_gets_a_fresh_nonce(db) -> None:
    first = Client().get("/login/")["Content-Security-Policy"]
    second = Client().get("/login/")["Content-Security-Policy"]
    assert first != second
