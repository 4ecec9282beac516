"""Secrets of a reimage or create (root password, SSH key, first-boot script).

Encrypted into ``Operation.secret_params`` with the credential keys' MultiFernet (the same
``PANEL_CREDENTIAL_KEYS``, newest first, so key rotation needs nothing new), bound to the
operation's id so a ciphertext copied onto another row does not open there. They are opened
only inside the step that sends them and wiped ("") as soon as that step succeeded or the
operation ended; they never go into params, the plan, step_log, audit, logs or Celery
messages (tasks carry the operation id only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

SECRET_KEYS = ("root_password", "ssh_public_key", "firstboot_script")


class SecretsUnavailable(Exception):
    """The secrets cannot be opened (wiped, key removed, or made for another operation)."""


def _multi() -> MultiFernet:
    keys = list(settings.PANEL_CREDENTIAL_KEYS)
    if not keys:
        raise SecretsUnavailable("PANEL_CREDENTIAL_KEYS is empty")
    return MultiFernet([Fernet(key) for key in keys])


def seal(*, operation_id: str, secrets: Mapping[str, str] | None) -> str:
    """Ciphertext for ``secret_params`` ("" when there is nothing secret)."""
    values = {k: str(v) for k, v in (secrets or {}).items() if v}
    unknown = sorted(set(values) - set(SECRET_KEYS))
    if unknown:
        raise ValueError(f"unknown secret parameter(s): {', '.join(unknown)}")
    if not values:
        return ""
    payload = json.dumps({"op": str(operation_id), "s": values}, separators=(",", ":"))
    return _multi().encrypt(payload.encode()).decode()


def open_secrets(*, operation_id: str, ciphertext: str) -> dict[str, str]:
    """The secrets as a dict ({} when none were given)."""
    if not ciphertext:
        return {}
    try:
        payload = json.loads(_multi().decrypt(ciphertext.encode()))
    except (InvalidToken, ValueError, TypeError) as error:
        raise SecretsUnavailable("no configured key opens the operation's secrets") from error
    if not isinstance(payload, dict) or payload.get("op") != str(operation_id):
        raise SecretsUnavailable("these secrets belong to another operation")
    values = payload.get("s")
    if not isinstance(values, dict):
        raise SecretsUnavailable("malformed secrets")
    return {str(k): str(v) for k, v in values.items()}
