"""``{% place_urls account group_name group_segment as place %}``: an account's and a group's
page URLs, for the breadcrumbs on every page below them (inventory/_breadcrumbs.html); the
group's URL names it by its segment when it has one (a name that cannot be a URL segment).

Reversed once per process for each place (two ``reverse()`` calls with arguments, about
0.1 ms a page), under what a reversed URL depends on (``panel.web.reversing``).
"""

from __future__ import annotations

import functools
from types import MappingProxyType

from django import template
from django.urls import reverse

from panel.web.reversing import url_setting

register = template.Library()


@register.simple_tag
def place_urls(
    account: str, group_name: str, group_segment: str = ""
) -> MappingProxyType[str, str]:
    return _place_urls(account or "", group_segment or group_name or "", *url_setting())


@functools.lru_cache(maxsize=4096)
def _place_urls(
    account: str, group: str, _prefix: str, _urlconf: object
) -> MappingProxyType[str, str]:
    urls = {}
    if account:
        urls["account"] = reverse("accounts:account", kwargs={"account": account})
        if group:
            urls["group"] = reverse("accounts:group", kwargs={"account": account, "group": group})
    return MappingProxyType(urls)
