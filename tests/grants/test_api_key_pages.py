"""One's BigV API keys on the BigV connection page, over HTTP against the simulator: listed,
created (the secret shown once — in that answer only: not on the next page load, not in the
logs, not in the audit trail), given one's own privileges, deleted; refusals in words."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from panel.audit import Outcome
from panel.audit.models import AuditEntry, AuditIntent
from panel.credentials.clients import count_api_calls
from tests.grants.conftest import browser, entries

HTMX = {"HTTP_HX_REQUEST": "true"}


def _secret_of(sim: Any, label: str) -> str:
    world = sim.world
    with world.lock:
        return next(k.secret for k in world.api_keys.values() if k.label == label)


def _everything_audited() -> str:
    rows = [model_to_dict(e) for e in AuditEntry.objects.all()]
    rows += [model_to_dict(i) for i in AuditIntent.objects.all()]
    return json.dumps(rows, default=str)


def test_the_connection_page_loads_the_section(alice) -> None:
    client = browser(alice)
    page = client.get(reverse("credentials:connection")).content.decode()
    assert f'hx-get="{reverse("grants:api_keys")}"' in page
    section = client.get(reverse("grants:api_keys"), **HTMX)
    text = section.content.decode()
    assert section.status_code == 200 and text.lstrip().startswith('<section id="api-keys"')
    assert "demo-cli" in text and "the panel uses it for you" in text
    assert "account_admin on account demo" in text
    assert "<html" not in text  # a fragment for htmx, the page without it
    assert "<html" in client.get(reverse("grants:api_keys")).content.decode()


def test_a_new_keys_secret_is_shown_once_and_nowhere_else(alice, sim, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = browser(alice)
    form = client.get(reverse("grants:api_keys")).content.decode()
    assert 'value="account:1:account_admin"' in form  # her own privilege, for the key
    created = client.post(
        reverse("grants:api_key_create"),
        {"label": "deploy", "expires": "2099-01-02", "privileges": ["account:1:account_admin"]},
        **HTMX,
    )
    assert created.status_code == 201
    assert "no-store" in created["Cache-Control"]
    secret = _secret_of(sim, "deploy")
    shown = created.content.decode()
    assert f"apikey.{secret}" in shown and "only time it is shown" in shown
    assert "account_admin on account demo" in shown

    # It works, with the privilege it was given.
    with sim.world.lock:
        key = next(k for k in sim.world.api_keys.values() if k.label == "deploy")
        assert key.expires_at == "2099-01-02T00:00:00Z"
        given = [p.level for p in sim.world.privileges.values() if p.api_key_id == key.id]
    assert given == ["account_admin"]

    # Never again: not in the next loads, the audit trail or any log record.
    listed = client.get(reverse("grants:api_keys")).content.decode()
    assert "deploy" in listed and secret not in listed
    assert secret not in client.get(reverse("credentials:connection")).content.decode()
    assert secret not in _everything_audited()
    assert all(secret not in record.getMessage() for record in caplog.records)
    (entry,) = entries("api_key.create")
    assert entry.outcome == Outcome.SUCCEEDED and entry.target_type == "api_key"
    assert entry.after == {"key_id": key.id, "label": "deploy", "expires_at": key.expires_at}
    audit_page = client.get(reverse("audit:list")).content.decode()
    assert "BigV API key created" in audit_page and secret not in audit_page
    (grant,) = entries("privilege.grant")
    assert grant.params["key_id"] == key.id and grant.outcome == Outcome.SUCCEEDED


def test_invalid_input_is_refused_before_any_call(alice) -> None:
    client = browser(alice)
    with count_api_calls() as calls:
        answer = client.post(
            reverse("grants:api_key_create"), {"label": " ", "expires": "2001-01-01"}, **HTMX
        )
    assert answer.status_code == 400 and len(calls) == 0
    text = answer.content.decode()
    assert "Give the key a label." in text or "This field is required." in text
    assert "Choose a day after today." in text


def test_deleting_a_key_asks_first_then_deletes_it(alice, sim) -> None:
    client = browser(alice)
    client.post(reverse("grants:api_key_create"), {"label": "temporary"})
    with sim.world.lock:
        key_id = next(k.id for k in sim.world.api_keys.values() if k.label == "temporary")
    url = reverse("grants:api_key_delete", kwargs={"key": key_id})
    question = client.get(url).content.decode()
    assert "Delete API key “temporary”?" in question and "acts for you" not in question
    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == reverse("credentials:connection")
    with sim.world.lock:
        assert key_id not in sim.world.api_keys
    (entry,) = entries("api_key.delete")
    assert entry.outcome == Outcome.SUCCEEDED and entry.before["label"] == "temporary"


def test_deleting_the_key_the_panel_uses_is_warned_about(alice) -> None:
    question = browser(alice).get(reverse("grants:api_key_delete", kwargs={"key": 1}))
    assert "The panel acts for you with this key" in question.content.decode()


def test_someone_elses_key_is_not_found_and_nothing_is_deleted(carol, sim) -> None:
    client = browser(carol)
    with count_api_calls() as calls:
        answer = client.post(reverse("grants:api_key_delete", kwargs={"key": 1}))
    assert answer.status_code == 404 and calls.paths("DELETE") == []
    with sim.world.lock:
        assert 1 in sim.world.api_keys
    (entry,) = entries("api_key.delete")
    assert entry.outcome == Outcome.DENIED


@pytest.mark.parametrize("url_name", ["grants:api_key_create", "grants:api_key_delete"])
def test_the_auditor_creates_and_deletes_nothing(audrey, url_name) -> None:
    client = browser(audrey)
    kwargs = {"key": 1} if url_name.endswith("delete") else {}
    with count_api_calls() as calls:
        answer = client.post(reverse(url_name, kwargs=kwargs), {"label": "nope"})
    assert answer.status_code == 403 and len(calls) == 0
    assert "changes nothing" in answer.content.decode()
    section = client.get(reverse("grants:api_keys")).content.decode()
    assert "New API key" not in section and "Delete" not in section
