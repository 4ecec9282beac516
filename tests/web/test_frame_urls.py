"""The frame's links (base.html's header) and its stylesheets and scripts come from one
mapping worked out per process, and follow the script prefix the panel is served under and
the static files' settings."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from panel.web.frame_urls import _NAMES, _STATIC, _reversed

pytestmark = pytest.mark.django_db


def test_the_header_links_where_reverse_does(alice_client):
    page = alice_client.get(reverse("notifications:settings")).content.decode()
    for name in _NAMES.values():
        assert f'"{reverse(name)}"' in page, name


def test_under_a_script_prefix_the_header_links_under_it(alice_client):
    set_script_prefix("/panel/")  # as the handler sets it for a request under /panel
    try:
        page = alice_client.get("/bigv/").content.decode()
    finally:
        set_script_prefix("/")
    assert '<a class="brand" href="/panel/">' in page
    assert f'action="/panel{reverse("accounts:quick_jump")}"' in page
    assert f'sse-connect="/panel{reverse("operations:team_events")}"' in page


def test_reversed_once_per_prefix():
    _reversed.cache_clear()
    first = _reversed("/", "panel.urls")
    assert _reversed("/", "panel.urls") is first
    assert _reversed("/panel/", "panel.urls") is not first
    with pytest.raises(TypeError):
        first["home"] = "/elsewhere/"  # type: ignore[index]


def test_the_stylesheets_and_scripts_where_static_does(alice_client):
    page = alice_client.get(reverse("notifications:settings")).content.decode()
    for path in _STATIC.values():
        assert f'"{static(path)}"' in page, path


def test_a_new_static_url_is_followed():
    with override_settings(STATIC_URL="/assets/"):
        assert _reversed("/", "panel.urls")["panel_css"] == static("css/panel.css")
        assert _reversed("/", "panel.urls")["panel_css"].startswith("/assets/")
    assert not _reversed("/", "panel.urls")["panel_css"].startswith("/assets/")
