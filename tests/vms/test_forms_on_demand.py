"""The panel's rename, CD-ROM, keymap and send-keys forms open on demand: the VM page carries
a button in each one's place; htmx puts the form there (and back), without JavaScript the
button is a link to the form's own page. Opening or closing one asks BigV nothing."""

from __future__ import annotations

from typing import Any

import pytest

from panel.credentials.clients import count_api_calls, definitions
from tests.vms.helpers import HTMX, sim_vm, text, vm_id_of, vm_url

FORMS = [  # (action, the form's id, the opener's words, a field of the form)
    ("rename", "rename-form", "Rename…", 'name="name"'),
    ("cdrom", "cdrom-form", "Insert ISO…", 'name="url"'),
    ("keymap", "keymap-form", "Keymap…", 'name="keymap"'),
    ("sendkey", "sendkey-form", "Send keys…", '<select name="key1"'),
]


def _element(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"')[1].split("</")[0]


def test_the_page_carries_buttons_not_forms(demo_client: Any, sim: Any) -> None:
    html = demo_client.get(vm_url("web1")).content.decode()
    for action, form_id, words, field in FORMS:
        opener = _element(html, form_id)
        assert words in opener and f'href="{vm_url("web1", action)}' in opener, action
        assert field not in html, action
    assert "Send Ctrl-Alt-Delete" in html  # one press, no form to open


@pytest.mark.parametrize(("action", "form_id", "words", "field"), FORMS)
def test_htmx_opens_the_form_in_place_and_closes_it_again(
    action: str, form_id: str, words: str, field: str, demo_client: Any, sim: Any
) -> None:
    definitions()  # cached for everyone: not the form's own call
    with count_api_calls() as calls:
        opened = demo_client.get(vm_url("web1", action), **HTMX)
        closed = demo_client.get(vm_url("web1", action) + "?close=1", **HTMX)

    assert len(calls) == 0
    assert opened.status_code == 200
    html = opened.content.decode()
    assert f'<form id="{form_id}"' in html and field in html
    assert f'hx-post="{vm_url("web1", action)}"' in html
    assert html.count("autofocus") == 1  # the cursor goes to its first field
    assert "Cancel" in text(opened)
    assert f'id="{form_id}"' in closed.content.decode() and words in text(closed)
    assert "<form" not in closed.content.decode()


@pytest.mark.parametrize(("action", "form_id", "words", "field"), FORMS)
def test_without_javascript_the_button_opens_the_forms_own_page(
    action: str, form_id: str, words: str, field: str, demo_client: Any, sim: Any
) -> None:
    page = demo_client.get(vm_url("web1", action))

    assert page.status_code == 200
    html = page.content.decode()
    assert field in html and f'action="{vm_url("web1", action)}"' in html
    assert "hx-post" not in _element(html, form_id).split(">")[0]
    assert "Back to web1" in text(page) or "Back" in text(page)


def test_a_form_opened_without_javascript_does_its_work(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    page = demo_client.get(vm_url("web1", "keymap") + "?current=de").content.decode()
    assert '<option value="de" selected>' in page  # opened with the keymap it carries

    done = demo_client.post(vm_url("web1", "keymap"), {"vm_id": vm_id, "keymap": "fr"})

    assert done.status_code == 302 and done["Location"] == vm_url("web1") + "?all=1"
    assert sim_vm(sim, vm_id)["keymap"] == "fr"
