"""Groups (docs/bigv-api.md §7.3)."""

from __future__ import annotations

from ._base import ResourceBase, seg, view_params
from ._json import list_of
from .types import Group


def _group_path(account: str | int, group: str | int) -> str:
    return f"/accounts/{seg(account)}/groups/{seg(group)}"


class GroupsMixin(ResourceBase):
    def groups(self, account: str | int) -> list[Group]:
        path = f"/accounts/{seg(account)}/groups"
        return self._transport.call("GET", path, list_of(Group.from_json, "groups"))

    def group(
        self,
        account: str | int,
        group: str | int,
        *,
        overview: bool = False,
        include_deleted: bool = False,
    ) -> Group:
        params = view_params(overview=overview, include_deleted=include_deleted)
        path = _group_path(account, group)
        return self._transport.call("GET", path, Group.from_json, params=params)

    def group_create(self, account: str | int, *, name: str) -> Group:
        # The docs say 200, the generic rule 201; the client accepts any 2xx (§5.1).
        path = f"/accounts/{seg(account)}/groups"
        return self._transport.call("POST", path, Group.from_json, body={"name": name})

    def group_rename(self, account: str | int, group: str | int, *, name: str) -> Group:
        path = _group_path(account, group)
        return self._transport.call("PUT", path, Group.from_json, body={"name": name})

    def group_delete(self, account: str | int, group: str | int) -> None:
        # Refused while the group holds VMs: 400 text/plain (§7.3) → BadRequest.
        self._transport.request("DELETE", _group_path(account, group))
