"""``record()``: the one way to write the audit trail (``intent()`` in intents.py builds on it
for writes to BigV, so that a crash between the call and its entry still leaves a trace).

Called by services and operation steps, never by views, signals or templates. It turns the
call into storable content (redacting secrets, clipping lengths, normalising the IP) and hands
it to the chain. Nothing here imports models at module level, so ``panel.audit`` can re-export
these functions without touching the app registry.

Transactions: ``record()`` joins the caller's transaction if there is one — the entry commits
or rolls back with the state change it describes. An entry that must survive the caller's
rollback (a failure about to be re-raised) must be recorded outside the atomic block.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from panel.audit.actions import Action, Outcome
from panel.audit.redaction import Redactor
from panel.audit.targets import Target
from panel.core.actor import Actor
from panel.core.request_id import current_request_id

if TYPE_CHECKING:
    from panel.audit.models import AuditEntry


def record(
    *,
    actor: Actor,
    action: Action | str,
    outcome: Outcome | str,
    target: Target | None = None,
    params: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    api_status: int | None = None,
    api_error: str = "",
    operation_id: str | None = None,
    step: str = "",
    secrets: Collection[str] = (),
) -> AuditEntry:
    """Append one audit entry and return it.

    ``secrets``: values (a token, a password) that must not appear anywhere in the entry even
    under an innocent key or inside an error message. Keys that name secrets are redacted
    without a hint. Unknown actions or outcomes raise ValueError: the vocabulary is fixed.

    For a write to BigV use ``panel.audit.intent()`` instead: it leaves a trace even when the
    process dies between the call and this entry.
    """
    from panel.audit.chain import append  # imports models: only once the registry is ready

    outcome = Outcome(outcome)
    redactor = Redactor(secrets)
    content = action_content(
        redactor,
        actor=actor,
        action=action,
        target=target,
        params=params,
        before=before,
        operation_id=operation_id,
        step=step,
    )
    content.update(outcome_content(redactor, outcome, after, api_status, api_error))
    return append(content)


def action_content(
    redactor: Redactor,
    *,
    actor: Actor,
    action: Action | str,
    target: Target | None,
    params: Mapping[str, Any] | None,
    before: Mapping[str, Any] | None,
    operation_id: str | None,
    step: str,
) -> dict[str, Any]:
    """What was attempted, by whom, on what: an entry's content up to its outcome, storable
    (redacted, clipped, normalised). Unknown actions raise ValueError."""
    action = Action(action)
    return {
        "actor_id": actor.user_id,
        "actor_username": _clip(redactor.text(actor.username), 150),
        "source_ip": _ip(actor.ip),
        "request_id": _clip(redactor.text(actor.request_id or current_request_id()), 64),
        "action": action.value,
        **target_content(redactor, target),
        "params": redactor.mapping(params) or {},
        "before": redactor.mapping(before),
        "operation_id": _clip(redactor.text(str(operation_id or "")), 64),
        "step": _clip(redactor.text(step or ""), 128),
    }


def target_content(redactor: Redactor, target: Target | None) -> dict[str, Any]:
    target = target or Target("", "", "")
    return {
        "target_type": _clip(redactor.text(target.type), 32),
        "target_id": _clip(redactor.text(str(target.id)), 255),
        "target_label": redactor.text(target.label),
    }


def outcome_content(
    redactor: Redactor,
    outcome: Outcome | str,
    after: Mapping[str, Any] | None = None,
    api_status: int | None = None,
    api_error: str = "",
) -> dict[str, Any]:
    """How it ended, storable. Unknown outcomes raise ValueError."""
    return {
        "outcome": Outcome(outcome).value,
        "after": redactor.mapping(after),
        "api_status": _status(api_status),
        "api_error": redactor.text(api_error or ""),
    }


def record_failure(
    *,
    actor: Actor,
    action: Action | str,
    error: BaseException,
    target: Target | None = None,
    params: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    operation_id: str | None = None,
    step: str = "",
    secrets: Collection[str] = (),
    outcome: Outcome | str | None = None,
) -> AuditEntry:
    """Record a failed action from the exception that ended it.

    BigV refusals (the error says ``is_refusal``: BadRequest, Unauthorized, Forbidden,
    NotFound) are REFUSED; server errors, unavailability, transport errors and anything else
    are FAILED. DENIED is kept for the panel's own refusals (authorisation, lock-out). The
    error is read by duck typing (``.status`` for the record, ``.message``, ``.is_refusal``)
    so this module does not depend on the client package.
    """
    status, message = describe_error(error)
    if outcome is None:
        outcome = Outcome.REFUSED if getattr(error, "is_refusal", False) else Outcome.FAILED
    return record(
        actor=actor,
        action=action,
        outcome=outcome,
        target=target,
        params=params,
        before=before,
        api_status=status,
        api_error=message,
        operation_id=operation_id,
        step=step,
        secrets=secrets,
    )


def describe_error(error: BaseException) -> tuple[int | None, str]:
    """The API status (if the error is an API answer) and a message naming what happened."""
    status = _status(getattr(error, "status", None))
    message = getattr(error, "message", None)
    if not isinstance(message, str) or not message:
        message = str(error)
    if status is None:
        # Not an API answer: name the exception (TimedOut, ConnectionFailed, a bug's
        # ValueError) since the message alone is often just "timed out".
        message = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return status, message


def _clip(value: str, limit: int) -> str:
    # PostgreSQL enforces varchar lengths; an over-long id must not lose the whole entry.
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _ip(value: str | None) -> str | None:
    # Stored in canonical form, so that PostgreSQL's inet returns exactly what was hashed.
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _status(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 100 <= value <= 599 else None
