"""Connect, disconnect and mark rejected: each panel user's own BigV credential.

Every function writes its audit entry, on success and on failure. Tokens and passwords are
never passed to the audit trail; the API's own words (``error.message``) are.

Connecting is a password guess too, so it is limited like logging in
(``panel.credentials.throttle``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from panel.audit import Action, Outcome, record
from panel.bigv import BigVError, Credentials, SecondFactorRequired
from panel.core.actor import Actor
from panel.credentials import throttle
from panel.credentials.clients import auth_client, client_for, client_with_token
from panel.credentials.crypto import encrypt_token
from panel.credentials.models import BigVCredential
from panel.credentials.throttle import user_target
from panel.operations.models import Operation
from panel.operations.signals import operation_finished
from panel.operations.status import OperationStatus

# The longest session the auth service grants (it clamps to 3600 s); use then slides it.
SESSION_VALIDITY = 3600
# BC's name for a key's user when the brain does not say (docs/bigv-api.md §3.5).
API_KEY_FALLBACK_USERNAME = "apikeyuser"


def _check_actor(*, actor: Actor, user: Any, action: Action) -> None:
    """A panel user manages only their own credential; the system actor (seed_demo,
    management commands) may act for anyone."""
    if actor.user_id is None or actor.user_id == user.pk:
        return
    record(
        actor=actor,
        action=Action.AUTHZ_DENIED,
        outcome=Outcome.DENIED,
        target=user_target(user),
        params={"attempted": str(action)},
    )
    raise PermissionDenied("You may only manage your own BigV connection.")


def _summary(credential: BigVCredential | None) -> dict[str, Any] | None:
    if credential is None:
        return None
    return {
        "kind": credential.kind,
        "bigv_username": credential.bigv_username,
        "factors": list(credential.factors),
        "status": credential.status,
    }


def _refused(
    *,
    actor: Actor,
    user: Any,
    kind: str,
    bigv_username: str,
    error: BigVError,
    secrets: tuple[str, ...],
) -> None:
    # A refusal by BigV (401/400) is "refused"; no answer or a server error is "failed".
    refused = error.is_refusal
    record(
        actor=actor,
        action=Action.CREDENTIALS_REJECTED,
        outcome=Outcome.REFUSED if refused else Outcome.FAILED,
        target=user_target(user),
        params={"kind": kind, "bigv_username": bigv_username},
        api_status=getattr(error, "status", None),
        api_error=error.message,
        secrets=secrets,  # belt and braces: cut out of the API's words should it echo them
    )


def _store(
    *, actor: Actor, user: Any, kind: str, token: str, bigv_username: str, factors: list[str]
) -> BigVCredential:
    now = timezone.now()
    with transaction.atomic():
        before = _summary(BigVCredential.objects.select_for_update().filter(user=user).first())
        credential, _ = BigVCredential.objects.update_or_create(
            user=user,
            defaults={
                "kind": kind,
                "ciphertext": encrypt_token(user_id=user.pk, token=token),
                "bigv_username": bigv_username,
                "factors": factors,
                "status": BigVCredential.Status.ACTIVE,
                "last_error": "",
                "connected_at": now,
                "last_checked_at": now,
            },
        )
        record(
            actor=actor,
            action=Action.CREDENTIALS_CONNECT,
            outcome=Outcome.SUCCEEDED,
            target=user_target(user),
            params={"kind": kind, "bigv_username": bigv_username},
            before=before,
            after=_summary(credential),
            secrets=(token,),
        )
    return credential


def credentials_connect_api_key(*, actor: Actor, user: Any, api_key: str) -> BigVCredential:
    """Check the key against the brain (``GET /privileges``), then store it encrypted."""
    _check_actor(actor=actor, user=user, action=Action.CREDENTIALS_CONNECT)
    throttle.check_attempts(actor=actor, user=user, kind="api_key", bigv_username="")
    token = Credentials.api_key(api_key)
    try:
        with client_with_token(token) as client:
            privileges = client.privileges()
    except BigVError as error:
        _refused(
            actor=actor, user=user, kind="api_key", bigv_username="", error=error, secrets=(token,)
        )
        throttle.after_refusal(actor=actor, user=user, error=error)
        raise
    # The brain lists the caller's own privileges, so any of them names the key's user.
    bigv_username = next((p.username for p in privileges if p.username), API_KEY_FALLBACK_USERNAME)
    return _store(
        actor=actor,
        user=user,
        kind=BigVCredential.Kind.API_KEY,
        token=token,
        bigv_username=bigv_username,
        factors=["apikey"],
    )


def credentials_connect_password(
    *,
    actor: Actor,
    user: Any,
    username: str,
    password: str,
    second_factor: str | None = None,
    yubikey: str | None = None,
) -> BigVCredential:
    """Log in to the auth service and store only the session token it returns.

    Raises ``SecondFactorRequired`` when the BigV user needs a code; the caller asks for it
    and calls again with ``second_factor``. That step is audited
    (``credentials.second_factor``, outcome started: BigV accepted the password and waits for
    the code) but not counted as a failure; a refused code is.
    """
    _check_actor(actor=actor, user=user, action=Action.CREDENTIALS_CONNECT)
    throttle.check_attempts(actor=actor, user=user, kind="session", bigv_username=username)
    try:
        with auth_client() as auth:
            token = auth.create_session(
                username=username,
                password=password,
                yubikey=yubikey or None,
                second_factor=second_factor or None,
                validity=SESSION_VALIDITY,
            )
            session = auth.session(token)
    except SecondFactorRequired as error:
        record(
            actor=actor,
            action=Action.CREDENTIALS_SECOND_FACTOR,
            outcome=Outcome.STARTED,
            target=user_target(user),
            params={"kind": "session", "bigv_username": username},
            api_status=error.status,
            api_error=error.message,
            secrets=tuple(s for s in (password, yubikey) if s),
        )
        raise
    except BigVError as error:
        secrets = tuple(s for s in (password, second_factor, yubikey) if s)
        _refused(
            actor=actor,
            user=user,
            kind="session",
            bigv_username=username,
            error=error,
            secrets=secrets,
        )
        throttle.after_refusal(actor=actor, user=user, error=error)
        raise
    return _store(
        actor=actor,
        user=user,
        kind=BigVCredential.Kind.SESSION,
        token=token,
        bigv_username=session.username or username,
        factors=list(session.factors),
    )


def credentials_disconnect(*, actor: Actor, user: Any) -> bool:
    """Forget the user's credential. Returns False when there was none (still audited).

    What the person started stops (``panel.access.leaving``); an operation that already
    changed a VM is put back with the same credential — the change was theirs — so while one
    runs, the credential is kept for that use alone (``RETIRING``) and deleted as soon as the
    last one ends (``retire_when_idle``).
    """
    _check_actor(actor=actor, user=user, action=Action.CREDENTIALS_DISCONNECT)
    with transaction.atomic():
        credential = BigVCredential.objects.select_for_update().filter(user=user).first()
        before = _summary(credential)
        kept = credential is not None and _has_work_in_bigv(user.pk)
        if credential is not None and kept:
            credential.status = BigVCredential.Status.RETIRING
            credential.save(update_fields=["status"])
        elif credential is not None:
            credential.delete()
        record(
            actor=actor,
            action=Action.CREDENTIALS_DISCONNECT,
            outcome=Outcome.SUCCEEDED,
            target=user_target(user),
            before=before,
            after=None,
            params={"was_connected": credential is not None, "kept_until_work_ends": kept},
        )
    return credential is not None


def _has_work_in_bigv(user_id: int) -> bool:
    """An operation of the person's that may have changed a VM and has not ended."""
    return Operation.objects.filter(
        actor_id=user_id, status__in=OperationStatus.ACTIVE, touched=True
    ).exists()


@receiver(operation_finished)
def retire_when_idle(sender: Any, operation: Any, **kwargs: Any) -> None:
    """The last operation of a disconnected person ended: now the credential goes."""
    with transaction.atomic():
        credential = (
            BigVCredential.objects.select_for_update()
            .filter(user_id=operation.actor_id, status=BigVCredential.Status.RETIRING)
            .first()
        )
        if credential is not None and not _has_work_in_bigv(operation.actor_id):
            credential.delete()


def credentials_mark_rejected(*, actor: Actor, user: Any, error: BaseException) -> bool:
    """BigV refused the stored credential (401), or it can no longer be decrypted.

    A session becomes "expired" (they do expire), an API key "rejected" (revoked). Only the
    first caller to see an active credential changes it and writes the audit entry, so a
    page making several calls records one rejection. Returns whether this call changed it.
    """
    message = getattr(error, "message", "") or str(error) or type(error).__name__
    with transaction.atomic():
        credential = (
            BigVCredential.objects.select_for_update()
            .filter(user=user, status=BigVCredential.Status.ACTIVE)
            .first()
        )
        if credential is None:
            return False
        before = _summary(credential)
        credential.status = (
            BigVCredential.Status.EXPIRED
            if credential.kind == BigVCredential.Kind.SESSION
            else BigVCredential.Status.REJECTED
        )
        credential.last_error = message[:500]
        credential.last_checked_at = timezone.now()
        credential.save(update_fields=["status", "last_error", "last_checked_at"])
        record(
            actor=actor,
            action=Action.CREDENTIALS_REJECTED,
            outcome=Outcome.REFUSED,
            target=user_target(user),
            params={"kind": credential.kind, "bigv_username": credential.bigv_username},
            before=before,
            after=_summary(credential),
            api_status=getattr(error, "status", None),
            api_error=message,
        )
    return True


def credentials_check(*, actor: Actor, user: Any) -> BigVCredential:
    """Ask BigV whether the stored credential still works (``GET /privileges``).

    On success the check time is stored — saving the credential reads the person's BigV
    access again (``panel.access``); a 401 propagates as ``Unauthorized`` for the caller's
    error handling (``panel.web.errors``), which marks the credential rejected.
    """
    _check_actor(actor=actor, user=user, action=Action.CREDENTIALS_CONNECT)
    with client_for(user) as client:
        client.privileges()
    credential = BigVCredential.objects.get(user=user)
    credential.last_checked_at = timezone.now()
    credential.save(update_fields=["last_checked_at"])
    return credential
