"""The console section of the VM page (``console/_vm_console.html``) and the terminal's files.

``{% console_for vm urls bigv_username as console %}``: what the section needs besides the
VM page's own context — the person's console key (a database read, no API call), the
commands for their own tools, and the addresses the page's script uses (from the VM's URLs
the page keeps, ``urls``, and the key pages' reversed once per process).

``{% console_assets %}``: the vendored xterm.js files with their pinned hashes (an import
map with ``integrity`` for the modules, ``integrity`` on the stylesheet) and the console's
own module, every script with the page's CSP nonce.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from panel.console import assets
from panel.console.models import ConsoleKey
from panel.console.routing import CONSOLE_PATH
from panel.console.selectors import console_key_of
from panel.console.target import Instructions, instructions
from panel.web.reversing import url_setting
from panel.web.statics import static_url

register = template.Library()


@dataclass(frozen=True)
class ConsoleSection:
    key: ConsoleKey | None
    key_usable: bool  # made for the BigV user the person is connected as now
    commands: Instructions | None
    ticket_url: str
    socket_path: str
    key_create_url: str
    key_remove_url: str


@register.simple_tag(takes_context=True)
def console_for(
    context: Any, vm: Any, urls: Mapping[str, str], bigv_username: str
) -> ConsoleSection:
    user = context["request"].user
    key = console_key_of(user)
    back = "?" + urlencode({"next": urls["detail"]})
    commands = None
    if vm.management_address and bigv_username:
        commands = instructions(
            bigv_username=bigv_username, management_address=vm.management_address
        )
    create, remove = _key_urls(*url_setting())
    return ConsoleSection(
        key=key,
        key_usable=key is not None and key.bigv_username == bigv_username,
        commands=commands,
        ticket_url=urls["console_ticket"],
        socket_path=CONSOLE_PATH,
        key_create_url=create + back,
        key_remove_url=remove + back,
    )


@functools.lru_cache(maxsize=16)
def _key_urls(_prefix: str, _urlconf: object) -> tuple[str, str]:
    return reverse("console:key_create"), reverse("console:key_remove")


_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _script_json(value: Any) -> str:
    """JSON to stand inside a <script> element as it is (no entity is decoded there):
    nothing in it can close the element."""
    return mark_safe(json.dumps(value).translate(_SCRIPT_ESCAPES))  # noqa: S308


@register.simple_tag(takes_context=True)
def console_assets(context: Any) -> str:
    nonce = context.get("csp_nonce", "")
    modules = {name: static_url(path) for name, path in assets.MODULES.items()}
    import_map = {
        "imports": modules,
        "integrity": {static_url(path): assets.INTEGRITY[path] for path in assets.MODULES.values()},
    }
    return format_html(
        '<link rel="stylesheet" href="{}" integrity="{}">\n'
        '<link rel="stylesheet" href="{}">\n'
        '<script type="importmap" nonce="{}">{}</script>\n'
        '<script type="module" id="console-script" src="{}" nonce="{}"></script>',
        static_url(assets.XTERM_CSS),
        assets.INTEGRITY[assets.XTERM_CSS],
        static_url("console/console.css"),
        nonce,
        _script_json(import_map),
        static_url("console/console.js"),
        nonce,
    )
