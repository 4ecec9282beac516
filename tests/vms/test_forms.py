"""The checks made before any API call, and the template filters that guard links."""

from __future__ import annotations

import pytest

from panel.bigv import Definitions
from panel.vms import forms
from panel.vms.templatetags.vms_tags import dom_id, is_http_url

DEFS = Definitions(
    storage_grades=("sata", "ssd", "archive"),
    keymaps=("de", "en-gb"),
    sendkeys=("ctrl", "alt", "delete", "f1"),
    storage_grade_descriptions={"sata": "Standard SSD"},
)


@pytest.mark.parametrize("name", ["a", "web1", "db-replica", "x" * 63, "1st"])
def test_dns_labels_accepted(name: str) -> None:
    assert forms.dns_label_errors(name) is None


@pytest.mark.parametrize("name", ["", "x" * 64, "Web1", "web_1", "web.1", "-a", "a-", "wéb"])
def test_dns_labels_refused(name: str) -> None:
    assert forms.dns_label_errors(name)


@pytest.mark.parametrize("host", ["www.example.com", "a.b", "mail-1.example.co.uk", "x.y"])
def test_hostnames_accepted(host: str) -> None:
    assert forms.hostname_errors(host) is None


@pytest.mark.parametrize("host", ["localhost", "a..b", "a.-b", "a.b.123", "a_b.com", "a.b-"])
def test_hostnames_refused(host: str) -> None:
    assert forms.hostname_errors(host)


def test_sendkey_combination_in_chosen_order() -> None:
    form = forms.SendkeyForm({"key1": "ctrl", "key2": "alt", "key4": "delete"}, definitions=DEFS)

    assert form.is_valid(), form.errors
    assert form.combination() == "ctrl-alt-delete"


def test_disc_sizes_are_whole_gib_converted_to_mib() -> None:
    form = forms.DiscCreateForm({"size_gib": "25", "storage_grade": "ssd"}, definitions=DEFS)

    assert form.is_valid(), form.errors
    assert form.size_mib() == 25600 and form.cleaned_data["label"] is None


@pytest.mark.parametrize("label", ["vda", "sdb", "hdc", "xvdb", "vdb1", "VDA"])
def test_device_like_labels_refused(label: str) -> None:
    form = forms.DiscCreateForm(
        {"size_gib": "1", "storage_grade": "sata", "label": label}, definitions=DEFS
    )
    assert not form.is_valid() and "label" in form.errors


@pytest.mark.parametrize("label", ["data", "disc-3", "vdata", "backup.2024", "sd"])
def test_ordinary_labels_accepted(label: str) -> None:
    form = forms.DiscCreateForm(
        {"size_gib": "1", "storage_grade": "sata", "label": label}, definitions=DEFS
    )
    assert form.is_valid(), form.errors


def test_resize_must_grow() -> None:
    same = forms.DiscResizeForm({"size_gib": "25", "current_size": "25600"}, disc_id=1)
    bigger = forms.DiscResizeForm({"size_gib": "26", "current_size": "25600"}, disc_id=1)
    odd = forms.DiscResizeForm({"size_gib": "10", "current_size": "10000"}, disc_id=1)

    assert not same.is_valid() and bigger.is_valid() and odd.is_valid()
    assert bigger.size_mib() == 26624


def test_keymap_none_means_default() -> None:
    form = forms.KeymapForm({"keymap": "none"}, definitions=DEFS)

    assert form.is_valid() and form.new_keymap() is None


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("https://cd.example.org/x.iso", True),
        ("HTTP://cd.example.org/x.iso", True),
        ("javascript:alert(1)", False),
        (" https://cd.example.org/x.iso", False),
        ("https://cd.example.org/a b.iso", False),
        ("http:/x", False),
        ("https://", False),
        ("data:text/html,x", False),
        ("//evil.example/x", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(value: str | None, link: bool) -> None:
    assert is_http_url(value) is link


def test_dom_ids_from_addresses() -> None:
    assert dom_id("2001:db8::1") == "2001-db8--1"
    assert dom_id("192.0.2.2") == forms.RdnsForm.slug("192.0.2.2") == "192-0-2-2"


def test_the_key_lists_are_rendered_once_per_list_of_keys():
    """The page caches the unbound key lists' markup under the lists' own version: other
    definitions render anew, and a bound form (with its choices and errors) is never cached."""
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from panel.bigv import Definitions
    from panel.vms.forms import SendkeyForm

    cache.clear()

    def page(form: SendkeyForm) -> str:
        context = {
            "sendkey_form": form,
            "urls": {"sendkey": "/k/"},
            "vm": {"id": 7},
            "ref": {"vm_id": 7},
        }
        return render_to_string("vms/_panel.html#sendkey_form", context)

    defs = Definitions(sendkeys=("ctrl", "alt", "delete"))
    first = SendkeyForm(definitions=defs)
    other = SendkeyForm(definitions=Definitions(sendkeys=("ctrl", "f12")))
    assert first.keys_version != other.keys_version
    assert page(first) == page(first)
    assert '<option value="f12">' in page(other)
    assert '<option value="delete">' not in page(other)

    bound = SendkeyForm({"key1": "delete", "key2": "delete"}, definitions=defs)
    assert not bound.is_valid()
    html = page(bound)
    assert "Choose each key only once." in html
    assert '<option value="delete" selected>' in html
