"""Reading a page's markup for what CSP would block, or what would run if it did not."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_JS_URL = re.compile(r"^\s*javascript:", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data"}


@dataclass
class Markup(HTMLParser):
    """Scripts, styles, inline handlers and script URLs found in one document or fragment."""

    inline_scripts: list[dict[str, str | None]] = field(default_factory=list)
    script_nonces: list[str | None] = field(default_factory=list)
    style_elements: int = 0
    style_attributes: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    script_urls: list[str] = field(default_factory=list)
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self.script_nonces.append(attributes.get("nonce"))
            if not attributes.get("src"):
                self._in_script = attributes
        if tag == "style":
            self.style_elements += 1
        for name, value in attrs:
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRIBUTES and value and _JS_URL.match(html.unescape(value)):
                self.script_urls.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.inline_scripts.append(self._in_script)
            self._in_script = None


def read_markup(text: str) -> Markup:
    markup = Markup()
    markup.feed(text)
    markup.close()
    return markup


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives
