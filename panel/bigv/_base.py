"""What every resource mixin shares: the transport and path-segment quoting."""

from __future__ import annotations

from types import TracebackType
from typing import Self
from urllib.parse import quote

from .transport import Transport


def seg(value: str | int) -> str:
    """One path segment: a name or an int id, fully escaped (``/`` included), so a name
    can never step into another path. BC uses Go's QueryEscape (space → ``+``); ``%20``
    is the standard path form and decodes the same on any server (docs/bigv-api.md §4.2)."""
    return quote(str(value), safe="")


def vm_path(account: str | int, group: str | int, vm: str | int) -> str:
    """Nested VM path; names are used as BC does (docs/bigv-api.md §4.2)."""
    return f"/accounts/{seg(account)}/groups/{seg(group)}/virtual_machines/{seg(vm)}"


def view_params(*, overview: bool, include_deleted: bool) -> list[tuple[str, str | int]]:
    """Query in BC's order: ``view=overview&include_deleted=true``."""
    params: list[tuple[str, str | int]] = []
    if overview:
        params.append(("view", "overview"))
    if include_deleted:
        params.append(("include_deleted", "true"))
    return params


class ResourceBase:
    """Mixins in the resource modules call the brain through ``self._transport``."""

    _transport: Transport


class Closing:
    """``with Client(...) as client:`` for callers that scope their clients. A client's
    connections are its thread's (``_sessions.py``) and outlive it: closing releases none."""

    _transport: Transport

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
