"""What the confirmation page carries between "show the plan" and "start".

- ``plan_digest``: a fingerprint of the plan the user read. On "start" the plan is computed
  again from the VM's live state; if it differs, the new plan is shown instead of being run,
  so what runs is always what the user confirmed.
- ``seal_secrets`` / ``open_secrets``: the root password, SSH keys and first-boot script
  cross the confirmation page encrypted (MultiFernet under the credential keys, bound to
  the panel user, valid for ``SEAL_TTL`` seconds), so they are never written back into the
  page — not even as a hidden field's value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from panel.operations.plans import Plan

SEAL_TTL = 15 * 60
_PURPOSE = "operation-confirm"  # a sealed form is never mistaken for a stored credential


class SealExpired(Exception):
    """The sealed secrets are too old, damaged, or belong to another user."""


def plan_digest(plan: Plan) -> str:
    body = {
        "kind": str(plan.kind),
        "target": [plan.ref.account, plan.ref.group, plan.ref.vm, plan.ref.vm_id],
        "describe": plan.describe(),
        "steps": [[step.name, step.label, dict(step.args)] for step in plan.steps],
        "params": dict(plan.params),
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _multi() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PANEL_CREDENTIAL_KEYS])


def seal_secrets(*, user_id: int, secrets: Mapping[str, str]) -> str:
    if not secrets:
        return ""
    payload = {"p": _PURPOSE, "u": user_id, "s": dict(secrets)}
    return _multi().encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()


def open_secrets(*, user_id: int, sealed: str) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        payload: Any = json.loads(_multi().decrypt(sealed.encode(), ttl=SEAL_TTL))
    except (InvalidToken, ValueError, TypeError) as error:
        raise SealExpired("the confirmation expired") from error
    if (
        not isinstance(payload, dict)
        or payload.get("p") != _PURPOSE
        or payload.get("u") != user_id
        or not isinstance(payload.get("s"), dict)
    ):
        raise SealExpired("the confirmation belongs to someone else")
    return {str(key): str(value) for key, value in payload["s"].items()}
