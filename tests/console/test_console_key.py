"""The panel console key: made on the server, its public half added to the person's BigV
``authorized_keys`` with their own credential, its private half sealed; removed in one
confirmed click from BigV and the panel alike. Over HTTP, against the simulator."""

from __future__ import annotations

from typing import Any

import asyncssh
import pytest
from django.urls import reverse

from panel.audit.models import AuditEntry
from panel.console.keys import ConsoleKeyUnusable, fingerprint, line_id, open_private_key
from panel.console.models import ConsoleKey
from panel.simulator.seed import DEMO_KEYS
from tests.console.conftest import authorized_keys, browser, person

pytestmark = pytest.mark.django_db
VM_PAGE = "/accounts/demo/groups/web/vms/web1/"


@pytest.fixture
def bob(sim: Any) -> Any:
    return person("bob", "apikey.viewer-key")


def test_the_vm_page_offers_to_make_a_console_key(bob, console_sim) -> None:
    page = browser(bob).get(VM_PAGE).content.decode()
    assert 'id="console"' in page and "Make a console key…" in page
    assert "ssh viewer@172.16.0.1" in page  # the CLI's own instructions, for one's own tools
    assert "ssh -L 9999:172.16.0.1:5900 viewer@172.16.0.1" in page


def test_making_the_key_asks_first_then_adds_it_to_bigv_and_seals_the_private_half(
    bob, sim
) -> None:
    client = browser(bob)
    url = reverse("console:key_create")
    question = client.get(url, {"next": VM_PAGE})
    assert question.status_code == 200
    assert (
        "adds its public half to the SSH keys of your BigV user viewer" in question.content.decode()
    )
    assert not ConsoleKey.objects.exists() and authorized_keys(sim, "viewer") == ""

    answer = client.post(url, {"next": VM_PAGE})
    assert (answer.status_code, answer["Location"]) == (302, VM_PAGE)
    key = ConsoleKey.objects.get(user=bob)
    assert authorized_keys(sim, "viewer") == key.public_key
    assert key.public_key.endswith(" bigv-panel console key for bob")
    assert key.fingerprint == fingerprint(key.public_key)
    assert "PRIVATE" not in key.sealed_private_key
    private = asyncssh.import_private_key(
        open_private_key(user_id=bob.pk, sealed=key.sealed_private_key)
    )
    assert private.export_public_key().decode().split()[:2] == key.public_key.split()[:2]
    with pytest.raises(ConsoleKeyUnusable):
        open_private_key(user_id=bob.pk + 1, sealed=key.sealed_private_key)

    entry = AuditEntry.objects.get(action="console_key.create")
    assert entry.outcome == "succeeded" and entry.params["fingerprint"] == key.fingerprint
    page = client.get(VM_PAGE).content.decode()
    assert "Open console" in page and key.fingerprint in page
    # Disabled until the console's module has taken it (a click before then would be lost);
    # the browser tests click it once the module has enabled it.
    assert "data-console-open disabled>Open console" in page
    assert 'integrity="sha384-' in page and 'type="importmap"' in page


def test_a_second_key_is_refused(bob, sim) -> None:
    client = browser(bob)
    client.post(reverse("console:key_create"))
    again = client.post(reverse("console:key_create"))
    assert again.status_code == 400
    assert "You already have a console key." in again.content.decode()
    assert ConsoleKey.objects.count() == 1 and len(authorized_keys(sim, "viewer").splitlines()) == 1


def test_removing_it_takes_it_out_of_bigv_and_forgets_it(sim) -> None:
    olivia = person("olivia", "apikey.demo-key")
    client = browser(olivia)
    client.post(reverse("console:key_create"))
    assert len(authorized_keys(sim, "demo").splitlines()) == 2
    section = client.get(reverse("console:ssh_keys"), HTTP_HX_REQUEST="true").content.decode()
    assert "panel console key" in section  # marked in the SSH keys list

    url = reverse("console:key_remove")
    assert "Remove your console key from the SSH keys of demo" in client.get(url).content.decode()
    answer = client.post(url, {"next": VM_PAGE})
    assert (answer.status_code, answer["Location"]) == (302, VM_PAGE)
    assert authorized_keys(sim, "demo") == DEMO_KEYS  # the person's own key stays
    assert not ConsoleKey.objects.exists()
    entry = AuditEntry.objects.get(action="console_key.remove")
    assert entry.outcome == "succeeded" and entry.after == {"removed_from_bigv": True}


def test_a_key_removed_in_bigv_already_is_still_forgotten(bob, sim) -> None:
    client = browser(bob)
    client.post(reverse("console:key_create"))
    with sim.world.lock:
        sim.world.user_named("viewer").authorized_keys = ""  # type: ignore[union-attr]
    assert client.post(reverse("console:key_remove")).status_code == 302
    assert not ConsoleKey.objects.exists()


def test_the_console_key_cannot_be_removed_as_an_ordinary_key(bob, sim) -> None:
    client = browser(bob)
    client.post(reverse("console:key_create"))
    key = ConsoleKey.objects.get()
    answer = client.post(reverse("console:ssh_key_delete"), {"key": line_id(key.public_key)})
    assert answer.status_code == 400
    assert "That is your panel console key" in answer.content.decode()
    assert authorized_keys(sim, "viewer") == key.public_key


def test_next_may_only_lead_back_into_the_panel(bob, sim) -> None:
    answer = browser(bob).post(reverse("console:key_create"), {"next": "https://evil.example/"})
    assert answer["Location"] == reverse("credentials:connection") + "#ssh-keys"
