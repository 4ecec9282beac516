import json

from django.db import connection

from panel.audit import Action, Outcome, Target, record, record_failure
from panel.audit.chain import canonical_json, entry_values
from panel.audit.models import AuditEntry
from panel.audit.redaction import REDACTED, Redactor
from panel.core.actor import Actor

TOKEN = "tok-SENTINEL-7f3a9c1e5b"
PASSWORD = "pw-SENTINEL-horse-battery"
API_KEY = "apikey.SENTINELkey0123456789"
OTP = "SENTINEL-otp-445566"
HINTED = "hinted-SENTINEL-value-99"
SENTINELS = (TOKEN, PASSWORD, API_KEY, OTP, HINTED, "SENTINEL")


def test_keys_that_name_secrets_are_redacted_recursively():
    redacted = Redactor().value(
        {
            "Password": "x",
            "new_root_password": "x",
            "API_KEY": "x",
            "session_token": {"nested": "x"},
            "ssh_public_keys": ["ssh-ed25519 AAAA"],
            "firstboot_script": "#!/bin/sh",
            "Authorization": "Bearer x",
            "otp_code": "123456",
            "yubikey": "cccc",
            "2fa": "1",
            "credentials": {"username": "a"},
            "set-cookie": "x",
            "name": "web1",
            "discs": [{"label": "vda", "secret_sauce": "x"}],
        }
    )

    assert redacted == {
        "Password": REDACTED,
        "new_root_password": REDACTED,
        "API_KEY": REDACTED,
        "session_token": REDACTED,
        "ssh_public_keys": REDACTED,
        "firstboot_script": REDACTED,
        "Authorization": REDACTED,
        "otp_code": REDACTED,
        "yubikey": REDACTED,
        "2fa": REDACTED,
        "credentials": REDACTED,
        "set-cookie": REDACTED,
        "name": "web1",
        "discs": [{"label": "vda", "secret_sauce": REDACTED}],
    }


def test_values_that_are_secrets_are_redacted_wherever_they_are():
    redactor = Redactor(secrets=[HINTED, "short"])

    assert redactor.value({"note": API_KEY, "user": HINTED, "x": "short"}) == {
        "note": REDACTED,
        "user": REDACTED,
        "x": REDACTED,
    }
    assert redactor.text(f"failed for {HINTED} with {API_KEY}, Bearer {TOKEN}") == (
        f"failed for {REDACTED} with {REDACTED}, Bearer {REDACTED}"
    )
    assert redactor.text("a short story") == "a short story"  # too short to cut out of text


def test_a_secret_never_appears_in_any_entry(db, caplog, checkpoint_file):
    actor = Actor(user_id=1, username="alice", ip="192.0.2.1", request_id="req-abcdef012345")
    record(
        actor=actor,
        action=Action.CREDENTIALS_CONNECT,
        outcome=Outcome.SUCCEEDED,
        target=Target.user(1, "alice"),
        params={
            "username": "alice",
            "password": PASSWORD,
            "otp": OTP,
            "nested": [{"api_token": TOKEN}],
            "kind": API_KEY,
            "comment": f"connected with {HINTED}",
        },
        before={"credential": {"token": TOKEN}},
        after={"headers": {"Authorization": f"Bearer {TOKEN}"}},
        api_error=f"echoed {PASSWORD} and Bearer {TOKEN}",
        secrets=[PASSWORD, TOKEN, HINTED, OTP],
    )
    record_failure(
        actor=actor,
        action=Action.CREDENTIALS_REJECTED,
        error=RuntimeError(f"login failed for password {PASSWORD} token {TOKEN}"),
        params={"key": API_KEY},
        secrets=[PASSWORD, TOKEN],
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        raw_rows = repr(cursor.fetchall())
    hash_inputs = "".join(canonical_json(entry_values(e)) for e in AuditEntry.objects.all())
    exported = json.dumps(list(AuditEntry.objects.values()), default=str)
    for sentinel in SENTINELS:
        assert sentinel not in raw_rows
        assert sentinel not in hash_inputs
        assert sentinel not in exported
        assert sentinel not in caplog.text
    assert REDACTED in raw_rows
    assert AuditEntry.objects.get(seq=1).params["username"] == "alice"
