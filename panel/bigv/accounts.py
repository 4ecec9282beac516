"""Accounts (docs/bigv-api.md §7.2)."""

from __future__ import annotations

from ._base import ResourceBase, seg, view_params
from ._json import list_of
from .types import Account


class AccountsMixin(ResourceBase):
    def accounts(self, *, overview: bool = False, include_deleted: bool = False) -> list[Account]:
        params = view_params(overview=overview, include_deleted=include_deleted)
        parse = list_of(Account.from_json, "accounts")
        return self._transport.call("GET", "/accounts", parse, params=params)

    def account(
        self, account: str | int, *, overview: bool = False, include_deleted: bool = False
    ) -> Account:
        params = view_params(overview=overview, include_deleted=include_deleted)
        return self._transport.call(
            "GET", f"/accounts/{seg(account)}", Account.from_json, params=params
        )
