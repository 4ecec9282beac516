"""The breadcrumbs' account and group links are reversed once per place and script prefix."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from panel.inventory.templatetags.inventory_links import _place_urls, place_urls

CRUMBS = Template('{% include "inventory/_breadcrumbs.html" %}')


def _crumbs(**context: str) -> str:
    return CRUMBS.render(Context({"frame_urls": {"home": "/"}, **context}))


def test_the_links_where_reverse_puts_them():
    html = _crumbs(account="demo", group_name="web 2", group_segment="7", here="web1")
    assert f'href="{reverse("accounts:account", args=["demo"])}"' in html
    assert f'href="{reverse("accounts:group", args=["demo", "7"])}"' in html  # the segment
    assert '<span aria-current="page">web1</span>' in html


def test_home_alone_reverses_nothing():
    assert dict(place_urls("", "")) == {}
    assert 'href="/accounts/' not in _crumbs(here="All virtual machines")
    assert 'aria-current="page">Home</a>' in _crumbs()


def test_kept_per_place_and_script_prefix():
    _place_urls.cache_clear()
    first = place_urls("demo", "web")
    assert place_urls("demo", "web") is first
    set_script_prefix("/panel/")
    try:
        assert place_urls("demo", "web")["group"] == "/panel" + first["group"]
    finally:
        set_script_prefix("/")
