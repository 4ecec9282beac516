"""``GET /definitions`` (docs/bigv-api.md §7.1, §6.10)."""

from __future__ import annotations

from ._base import ResourceBase
from .types import Definitions


class DefinitionsMixin(ResourceBase):
    def definitions(self) -> Definitions:
        # Sent without Authorization, as BC does (§3.6): the endpoint is public and a
        # token has no business travelling where it is not needed.
        return self._transport.call("GET", "/definitions", Definitions.from_json, auth=False)
