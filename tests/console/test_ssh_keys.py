"""The SSH keys section of "BigV connection", over HTTP against the simulator: the list with
fingerprints and comments, adding a checked key, removing one after a confirmation — each
change written to the BigV user's ``authorized_keys`` and audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from panel.audit.models import AuditEntry
from panel.console.keys import fingerprint, line_id
from panel.simulator.seed import DEMO_KEYS
from tests.console.conftest import authorized_keys, browser, person
from tests.credentials.helpers import sim_requests

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NEW_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl olivia@laptop"
)


@pytest.fixture
def olivia(sim: Any) -> Any:
    """Connected as BigV ``demo``, whose authorized_keys holds one key (demo@laptop)."""
    return browser(person("olivia", "apikey.demo-key"))


def puts(sim: Any) -> list[dict[str, Any]]:
    return [r for r in sim_requests(sim)[0] if r["method"] == "PUT"]


def test_the_connection_page_loads_the_section_on_its_own(olivia) -> None:
    page = olivia.get(reverse("credentials:connection")).content.decode()
    assert 'id="ssh-keys"' in page and f'hx-get="{reverse("console:ssh_keys")}"' in page


def test_the_section_lists_each_key_with_its_fingerprint_and_comment(olivia, sim) -> None:
    section = olivia.get(reverse("console:ssh_keys"), **HTMX).content.decode()
    assert "demo@laptop" in section and "(not a key)" in section  # the seed's key is a dummy
    added = olivia.post(reverse("console:ssh_key_add"), {"key": NEW_KEY}, **HTMX).content.decode()
    assert fingerprint(NEW_KEY) in added and "olivia@laptop" in added and "ssh-ed25519" in section
    assert "<html" not in section  # a fragment for htmx; the page of its own otherwise
    assert "<html" in olivia.get(reverse("console:ssh_keys")).content.decode()


def test_adding_a_key_writes_the_whole_user_back_and_is_audited(olivia, sim) -> None:
    answer = olivia.post(reverse("console:ssh_key_add"), {"key": NEW_KEY + "\n"}, **HTMX)
    assert answer.status_code == 200
    assert f"Added the key {fingerprint(NEW_KEY)} to demo." in answer.content.decode()
    assert authorized_keys(sim, "demo") == f"{DEMO_KEYS}\n{NEW_KEY}"
    entry = AuditEntry.objects.get(action="ssh_key.add")
    assert entry.outcome == "succeeded" and entry.api_status == 200
    assert entry.params == {
        "bigv_user": "demo",
        "fingerprint": fingerprint(NEW_KEY),
        "comment": "olivia@laptop",
    }


def test_a_key_already_there_is_not_written_again(olivia, sim) -> None:
    assert olivia.post(reverse("console:ssh_key_add"), {"key": NEW_KEY}).status_code == 302
    written = len(puts(sim))
    again = olivia.post(reverse("console:ssh_key_add"), {"key": NEW_KEY.replace("laptop", "pc")})
    assert again.status_code == 302
    assert len(puts(sim)) == written  # the same key (another comment): nothing to write
    assert authorized_keys(sim, "demo") == f"{DEMO_KEYS}\n{NEW_KEY}"


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("not a key", "has an unknown key type"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6", "truncated"),
        (f"{NEW_KEY}\n{DEMO_KEYS}", "Paste one key at a time."),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz\n", "That is a private key."),
        ("", "This field is required."),
    ],
)
def test_a_bad_key_is_refused_before_any_call(olivia, sim, pasted, says) -> None:
    before = sim_requests(sim)[1]
    answer = olivia.post(reverse("console:ssh_key_add"), {"key": pasted}, **HTMX)
    assert answer.status_code == 400
    assert says in answer.content.decode()
    assert sim_requests(sim, before)[0] == []
    assert not AuditEntry.objects.filter(action="ssh_key.add").exists()


def test_removing_a_key_asks_first_then_takes_it_out(olivia, sim) -> None:
    url = reverse("console:ssh_key_delete")
    question = olivia.get(url, {"key": line_id(DEMO_KEYS), "label": "demo@laptop"})
    assert question.status_code == 200
    text = question.content.decode()
    assert "Remove the key demo@laptop from your BigV user demo?" in text
    assert f'value="{line_id(DEMO_KEYS)}"' in text  # carried into the POST
    assert puts(sim) == []

    answer = olivia.post(url, {"key": line_id(DEMO_KEYS)}, **HTMX)
    assert answer.status_code == 200
    assert "Your BigV user has no SSH keys." in answer.content.decode()
    assert authorized_keys(sim, "demo") == ""
    entry = AuditEntry.objects.get(action="ssh_key.delete")
    assert entry.outcome == "succeeded" and entry.params["comment"] == "demo@laptop"


def test_removing_a_key_that_is_not_there_says_so(olivia, sim) -> None:
    answer = olivia.post(reverse("console:ssh_key_delete"), {"key": "0" * 32}, **HTMX)
    assert answer.status_code == 400
    assert "That key is not among your BigV user&#x27;s SSH keys." in answer.content.decode()
    assert puts(sim) == []


def test_each_person_sees_and_changes_only_their_own_bigv_user(sim) -> None:
    bob = browser(person("bob", "apikey.viewer-key"))
    section = bob.get(reverse("console:ssh_keys"), **HTMX).content.decode()
    assert "Your BigV user has no SSH keys." in section and "demo@laptop" not in section
    assert bob.post(reverse("console:ssh_key_add"), {"key": NEW_KEY}).status_code == 302
    assert authorized_keys(sim, "viewer") == NEW_KEY
    assert authorized_keys(sim, "demo") == DEMO_KEYS
