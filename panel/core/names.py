"""BigV's name grammar, in one place: accounts, groups and VMs are DNS labels without dots
(docs/bigv-api.md §12) — lowercase letters, digits and hyphens, 1 to 63 characters, no hyphen
at either end. A URL segment that names one of them is refused (404) before any API call
unless it fits, so ``.``, ``..`` and anything stranger never reach a BigV path.
"""

from __future__ import annotations

import re

PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
NAME = re.compile(rf"^{PATTERN}$")


def is_bigv_name(value: str) -> bool:
    return bool(NAME.fullmatch(value))


def segment(name: str | None, object_id: int | None) -> str:
    """A BigV name as a URL path segment — or the object's id (BigV takes either) when the
    name does not fit the grammar. Strings from the API are shown, never trusted for shape:
    a name with a "/" would otherwise break the page (reverse() fails) or point elsewhere."""
    if name and is_bigv_name(name):
        return name
    return str(object_id) if object_id is not None else (name or "")


class BigVNameConverter:
    """``<bigvname:account>`` in the URLconf: a name (or, all digits, an id) of BigV's."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
