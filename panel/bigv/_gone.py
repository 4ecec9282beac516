"""A DELETE whose retry may find its own work done.

The transport retries a DELETE after a lost connection or a 502/503/504 (docs/bigv-api.md
§5.5). For a privilege or an API key the brain answers a second DELETE with 404, not 204
(unlike a VM's, §8.7): when an earlier attempt of the same call may have reached the brain,
that 404 means "already gone" — most likely by that very attempt — and the thing the caller
wanted to be gone is gone. A 404 at the first attempt is a real 404 and is raised.
"""

from __future__ import annotations

from .errors import NotFound
from .transport import Transport

# Answers after which the brain may still have applied the DELETE.
_IN_DOUBT = frozenset({None, 502, 503, 504})


def delete_settled(transport: Transport, path: str) -> None:
    statuses: list[int | None] = []

    def note(method: str, shown: str, status: int | None) -> None:
        statuses.append(status)

    transport.hooks.append(note)
    try:
        transport.request("DELETE", path)
    except NotFound:
        if not _IN_DOUBT.intersection(statuses[:-1]):
            raise
    finally:
        transport.hooks.remove(note)
