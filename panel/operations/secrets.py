"""Secrets of a reimage or create (root password, SSH key, first-boot script).

Sealed into ``Operation.secret_params`` (``panel.core.sealing``: the credential keys, so key
rotation needs nothing new), bound to the operation's id so a ciphertext copied onto another row
does not open there. They are opened only inside the step that sends them and wiped ("") as soon
as that step succeeded or the operation ended; they never go into params, the plan, step_log,
audit, logs or Celery messages (tasks carry the operation id only).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from panel.core import sealing


class SecretsUnavailable(Exception):
    """The secrets cannot be opened (wiped, key removed, or made for another operation)."""


def seal(*, operation_id: str, secrets: Mapping[str, str] | None, allowed: Collection[str]) -> str:
    """Ciphertext for ``secret_params`` ("" when there is nothing secret). ``allowed``: the
    inputs the operation's workflow seals (anything else is a mistake, refused)."""
    values = {k: str(v) for k, v in (secrets or {}).items() if v}
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"unknown secrets for this operation: {', '.join(unknown)}")
    if not values:
        return ""
    try:
        return sealing.seal({"op": str(operation_id), "s": values})
    except sealing.Unsealable as error:  # no keys configured
        raise SecretsUnavailable(str(error)) from error


def open_secrets(*, operation_id: str, ciphertext: str) -> dict[str, str]:
    """The secrets as a dict ({} when none were given)."""
    if not ciphertext:
        return {}
    try:
        payload = sealing.unseal(ciphertext)
    except sealing.Unsealable as error:
        raise SecretsUnavailable("no configured key opens the operation's secrets") from error
    if payload.get("op") != str(operation_id):
        raise SecretsUnavailable("these secrets belong to another operation")
    values = payload.get("s")
    if not isinstance(values, dict):
        raise SecretsUnavailable("malformed secrets")
    return {str(k): str(v) for k, v in values.items()}
