"""Static files' URLs are worked out once per process, and follow the static files' settings."""

from __future__ import annotations

from django.templatetags.static import static
from django.test import override_settings

from panel.web.statics import static_url


def test_the_url_static_gives_kept_once():
    static_url.cache_clear()
    assert static_url("css/panel.css") == static("css/panel.css")
    static_url("css/panel.css")
    assert static_url.cache_info().hits == 1


def test_a_new_static_url_is_followed():
    before = static_url("css/panel.css")
    with override_settings(STATIC_URL="/assets/"):
        assert static_url("css/panel.css") == static("css/panel.css")
        assert static_url("css/panel.css").startswith("/assets/")
    assert static_url("css/panel.css") == before
