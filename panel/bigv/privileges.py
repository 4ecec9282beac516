"""Privileges on an account, group or VM: list, grant, revoke, the YubiKey requirement
(docs/bigv-api.md §6.8, §7.8, §10).

The requests are the official CLI's (``BC:lib/privilege_calls.go``): a target's privileges
with ``GET …/privileges``; a grant with ``POST /users/{grantee}/privileges`` and the
target's id in the body (never a name); a revoke with ``DELETE /privileges/{id}``, the id
found by listing first. BigV lets a person grant, change or revoke only levels below their
own on the target (403 otherwise, §13 C13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import ResourceBase, seg, vm_path
from ._gone import delete_settled
from ._json import list_of
from .types import Privilege

# Highest first, as BigV orders them (§10); the CLI's aliases are the client's business.
LEVELS = ("cluster_su", "cluster_admin", "account_admin", "group_admin", "vm_admin", "vm_console")
# The body key naming a level's target (§6.8): exactly one of them is sent.
TARGET_KEYS = {
    "account_admin": "account_id",
    "group_admin": "group_id",
    "vm_admin": "virtual_machine_id",
    "vm_console": "virtual_machine_id",
}

_list = list_of(Privilege.from_json, "privileges")


@dataclass(frozen=True, slots=True)
class PrivilegeGrant:
    """What ``privilege_grant`` sends: a level on one target for a BigV user.

    ``target_id`` is the numeric id of the account, group or VM (the key follows from the
    level, ``TARGET_KEYS``). A privilege for an API key (``api_key_id``) is usable only
    through that key and needs no password; such a privilege cannot also require a YubiKey
    (the CLI refuses the pair: the key could never use it).
    """

    username: str
    level: str
    target_id: int
    yubikey_required: bool = False
    api_key_id: int | None = None

    def __post_init__(self) -> None:
        if self.level not in TARGET_KEYS:
            raise ValueError(f"cannot grant {self.level!r}: one of {', '.join(TARGET_KEYS)}")
        if not self.username:
            raise ValueError("a privilege is granted to a BigV username")
        if isinstance(self.target_id, bool) or not isinstance(self.target_id, int):
            raise ValueError("the target is named by its numeric id")
        if self.api_key_id is not None and self.yubikey_required:
            raise ValueError("a privilege for an API key cannot require a YubiKey")

    def body(self) -> dict[str, Any]:
        """The CLI's body (``brain.Privilege`` with the username left out: it is in the URL).
        ``password_required`` is true except for an API key's privilege, as the CLI sends."""
        body: dict[str, Any] = {
            TARGET_KEYS[self.level]: self.target_id,
            "level": self.level,
            "password_required": self.api_key_id is None,
            "yubikey_required": self.yubikey_required,
        }
        if self.api_key_id is not None:
            body["api_key_id"] = self.api_key_id
        return body


class PrivilegesMixin(ResourceBase):
    def account_privileges(self, account: str | int) -> list[Privilege]:
        """Privileges on the account: the caller's own and those below its level there."""
        return self._transport.call("GET", f"/accounts/{seg(account)}/privileges", _list)

    def group_privileges(self, account: str | int, group: str | int) -> list[Privilege]:
        path = f"/accounts/{seg(account)}/groups/{seg(group)}/privileges"
        return self._transport.call("GET", path, _list)

    def vm_privileges(self, account: str | int, group: str | int, vm: str | int) -> list[Privilege]:
        return self._transport.call("GET", vm_path(account, group, vm) + "/privileges", _list)

    def user_privileges(self, user: str | int) -> list[Privilege]:
        """A user's privileges: oneself only, unless cluster staff (§7.8)."""
        return self._transport.call("GET", f"/users/{seg(user)}/privileges", _list)

    def privilege_grant(self, grant: PrivilegeGrant) -> Privilege:
        """Grant it (201). A POST: never retried — a timeout leaves it unknown whether the
        privilege exists, and the caller reads the target's privileges to find out."""
        path = f"/users/{seg(grant.username)}/privileges"
        return self._transport.call("POST", path, Privilege.from_json, body=grant.body())

    def privilege_set_yubikey(self, privilege_id: int, *, required: bool) -> Privilege:
        """Whether using it needs a YubiKey (or a one-time code) login. Only this,
        ``yubikey_otp_max_age`` and ``ip_restrictions`` can change on a privilege (§7.8); an
        absolute PUT, so repeating it after a lost answer is harmless."""
        body = {"yubikey_required": bool(required)}
        path = f"/privileges/{seg(privilege_id)}"
        return self._transport.call("PUT", path, Privilege.from_json, body=body)

    def privilege_revoke(self, privilege_id: int) -> None:
        """Revoke it (204). A retried DELETE that finds it gone counts as done (``_gone``)."""
        delete_settled(self._transport, f"/privileges/{seg(privilege_id)}")
