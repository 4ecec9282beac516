"""Every URL pattern of the panel, walked from the URLconf (so new URLs are covered at once)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class UrlPatternInfo:
    key: str  # the URL name ("vms:detail"), or the route itself for unnamed patterns
    route: str  # the full route, e.g. "accounts/<str:account>/groups/<str:group>/"
    name: str | None  # reversible name, with namespaces
    params: tuple[str, ...]  # path parameters, in order
    defaults: tuple[tuple[str, object], ...]  # extra kwargs the pattern passes to the view

    def __str__(self) -> str:
        return self.key


def _text(pattern: RoutePattern | RegexPattern) -> str:
    return pattern._route if isinstance(pattern, RoutePattern) else str(pattern._regex)


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> list[UrlPatternInfo]:
    found: list[UrlPatternInfo] = []
    for entry in patterns:
        route = prefix + _text(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found.extend(_walk(entry.url_patterns, route, inner))
            continue
        name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
        params = tuple(a or b for a, b in _PARAM.findall(route))
        found.append(
            UrlPatternInfo(
                key=name or route,
                route=route,
                name=name,
                params=params,
                defaults=tuple(sorted(entry.default_args.items())),
            )
        )
    return found


def url_patterns() -> list[UrlPatternInfo]:
    found = _walk(get_resolver().url_patterns, "", None)
    keys = [info.key for info in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    # Two patterns with one name (power actions share a view, not a name) would hide one.
    assert not duplicates, f"URL names used twice: {duplicates}"
    return found
