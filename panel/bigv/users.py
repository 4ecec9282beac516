"""Users and privileges (docs/bigv-api.md §7.7, §7.8)."""

from __future__ import annotations

from ._base import ResourceBase, seg
from ._json import list_of
from .types import Privilege, User


class UsersMixin(ResourceBase):
    def privileges(self) -> list[Privilege]:
        """The caller's own privileges (``GET /privileges``)."""
        parse = list_of(Privilege.from_json, "privileges")
        return self._transport.call("GET", "/privileges", parse)

    def user(self, user: str | int) -> User:
        """A user by id or username."""
        return self._transport.call("GET", f"/users/{seg(user)}", User.from_json)
