"""A user's SSH keys: the ``authorized_keys`` of their BigV user (docs/bigv-api.md §6.7, §7.7).

The keys are one newline-separated string on the user, and BigV's console at each VM's
management address lets in whoever holds one of them (and a level on that VM). There is no
endpoint per key: like the CLI (``bytemark add key`` / ``delete key``), adding or removing one
reads the user, edits the string and PUTs the user back — ``id``, ``username``, ``email`` and
``authorized_keys``, leaving out what is empty, as the CLI's struct does (§13, C82). Two such
edits at the same moment can lose one of them; BigV offers nothing to detect it, so each
method returns the user as BigV answered the PUT and the caller checks the outcome there.
"""

from __future__ import annotations

from typing import Any

from ._base import ResourceBase, seg
from .types import User


class AmbiguousKey(ValueError):
    """Deleting by comment matched several keys; the CLI refuses it too (§13, C27)."""


class KeyNotListed(LookupError):
    """The key to delete is not in the user's ``authorized_keys``."""


def key_identity(line: str) -> tuple[str, str] | None:
    """``(type, base64 blob)`` of a plain public-key line: what makes two lines the same key
    whatever their comments. None for a line that is not ``type blob [comment]``."""
    fields = line.split()
    if len(fields) < 2:
        return None
    return fields[0], fields[1]


def key_lines(authorized_keys: str) -> list[str]:
    """The non-empty lines, stripped, in order."""
    return [line.strip() for line in authorized_keys.splitlines() if line.strip()]


class SshKeysMixin(ResourceBase):
    def authorized_keys(self, user: str | int) -> list[str]:
        """``GET /users/{u}``: the user's keys, one line each."""
        return key_lines(self._user(user).authorized_keys)

    def authorized_key_add(self, user: str | int, key: str) -> User:
        """Append ``key`` (one public-key line) unless the same key is already there — then
        nothing is written and the user is returned as read."""
        current = self._user(user)
        key = key.strip()
        lines = key_lines(current.authorized_keys)
        if key_identity(key) in {key_identity(line) for line in lines}:
            return current
        return self._put_keys(current, [*lines, key])

    def authorized_key_delete(self, user: str | int, key: str) -> User:
        """Remove ``key``: a whole line as listed, a public key (matched by type and key,
        whatever its comment) or, as the CLI allows, just the comment of exactly one key."""
        current = self._user(user)
        key = key.strip()
        lines = key_lines(current.authorized_keys)
        wanted = key_identity(key)
        kept = [line for line in lines if line != key]
        if len(kept) == len(lines) and wanted is not None:
            kept = [line for line in lines if key_identity(line) != wanted]
        if len(kept) == len(lines):
            by_comment = [line for line in lines if _comment(line) == key]
            if len(by_comment) > 1:
                raise AmbiguousKey(f"{len(by_comment)} keys have the comment {key!r}")
            kept = [line for line in lines if line not in by_comment]
        if len(kept) == len(lines):
            raise KeyNotListed("that key is not in the user's authorized_keys")
        return self._put_keys(current, kept)

    def _user(self, user: str | int) -> User:
        return self._transport.call("GET", f"/users/{seg(user)}", User.from_json)

    def _put_keys(self, current: User, lines: list[str]) -> User:
        body: dict[str, Any] = {"id": current.id, "username": current.username}
        if current.email:
            body["email"] = current.email
        body["authorized_keys"] = "\n".join(lines)
        path = f"/users/{seg(current.username)}"
        return self._transport.call("PUT", path, User.from_json, body=body)


def _comment(line: str) -> str:
    fields = line.split(None, 2)
    return fields[2].strip() if len(fields) == 3 else ""
