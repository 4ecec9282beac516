"""The operation forms against the real simulator: validate before any API call → the plan
from live state → start (only the plan the user read) → the operation's page; Busy; secrets
never written back into a page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panel.operations.models import Operation
from tests.credentials.helpers import connect_key, make_user
from tests.vms.helpers import brain_requests, clear_requests, sim_patch, vm_id_of

HTMX = {"HTTP_HX_REQUEST": "true"}
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def user(db: Any, sim: Any) -> Any:
    person = make_user("olga")
    connect_key(person, "apikey.demo-key")
    return person


@pytest.fixture
def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name: str, vm: str = "web1", group: str = "web") -> str:
    return reverse(f"vm_changes:{name}", args=["demo", group, vm])


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def hidden(response: Any, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def confirm_fields(response: Any) -> list[tuple[str, str]]:
    """The hidden fields of the confirmation form, as the browser would post them back."""
    form = response.content.decode().split('value="start"')[0].rsplit("<form", 1)[1]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return [(name, html.unescape(value)) for name, value in pairs]


def post_pairs(client: Client, target: str, pairs: list[tuple[str, str]], **extra: Any) -> Any:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return client.post(target, data, **extra)


# --- spec change ---------------------------------------------------------------------------


def test_the_spec_form_starts_from_the_vm_as_it_is(client):
    response = client.get(url("spec_change"))
    assert response.status_code == 200
    assert 'name="cores" value="2"' in response.content.decode()
    assert re.search(r'name="memory" value="2(\.0+)?"', response.content.decode())


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"cores": "17", "grace_seconds": "60"}, "cores", "less than or equal to 16"),
        ({"memory": "0.25", "grace_seconds": "60"}, "memory", "greater than or equal to 0.5"),
        ({"memory": "129", "grace_seconds": "60"}, "memory", "less than or equal to 128"),
        ({"cores": "4", "grace_seconds": "5"}, "grace_seconds", "greater than or equal to 10"),
        ({"cores": "4", "grace_seconds": "601"}, "grace_seconds", "less than or equal to 600"),
        (
            {"hardware_profile": "nonsense", "grace_seconds": "60"},
            "hardware_profile",
            "valid choice",
        ),
        ({"grace_seconds": "60"}, None, "Say what to change"),
    ],
)
def test_invalid_spec_input_is_refused_without_any_api_call(client, sim, data, field, message):
    clear_requests(sim)  # (definitions are fetched first and cached for everyone)
    response = client.post(url("spec_change"), {**data, "action": "plan"})
    assert response.status_code == 400
    assert message in page(response)
    if field:
        assert 'aria-invalid="true"' in response.content.decode()
        assert f'id="id_{field}_error"' in response.content.decode()
    assert brain_requests(sim) == []
    assert not Operation.objects.exists()


def test_memory_in_gib_becomes_mib_in_the_plan(client):
    response = client.post(url("spec_change"), {"memory": "1.5", "grace_seconds": "60"})
    assert response.status_code == 200
    assert "memory 2 GiB→1536 MiB" in page(response)


def test_the_plan_is_computed_from_the_live_state_and_started_only_when_confirmed(client, sim):
    response = client.post(
        url("spec_change"), {"cores": "4", "memory": "4", "grace_seconds": "60", "action": "plan"}
    )

    assert response.status_code == 200
    assert (
        "web1 is running → ACPI shutdown (up to 60 s, then hard off) → cores 2→4, memory 2→4 GiB"
        " → power on → verify"
    ) in page(response)
    assert not Operation.objects.exists()  # nothing starts before the confirmation

    started = post_pairs(
        client, url("spec_change"), [*confirm_fields(response), ("action", "start")]
    )

    op = Operation.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("operations:detail", args=[op.pk])
    assert op.kind == "spec_change" and op.actor_username == "olga"
    assert [step["name"] for step in op.plan] == ["power_off", "apply_spec", "power_on", "verify"]
    assert op.params["cores"] == 4 and op.params["memory"] == 4096


def test_a_vm_that_changed_since_the_plan_gets_a_new_plan_not_the_old_one(client, sim):
    response = client.post(url("spec_change"), {"cores": "4", "grace_seconds": "60"})
    sim_patch(sim, vm_id_of(sim, "web1"), power_on=False)  # someone shut it down meanwhile

    again = post_pairs(client, url("spec_change"), [*confirm_fields(response), ("action", "start")])

    assert again.status_code == 200
    assert "The VM changed since you saw the plan" in page(again)
    assert "web1 is powered off → cores 2→4 → verify" in page(again)
    assert not Operation.objects.exists()


def test_nothing_to_do_is_said_beside_the_form(client):
    response = client.post(url("spec_change"), {"cores": "2", "grace_seconds": "60"})
    assert response.status_code == 409
    assert "already has that spec" in page(response)


def test_a_busy_vm_says_who_is_doing_what_with_a_link(client, user, sim):
    vm_id = vm_id_of(sim, "web1")
    other = make_user("pete")
    now = timezone.now()
    busy = Operation.objects.create(
        kind="move",
        status="running",
        actor=other,
        actor_username="pete",
        account="demo",
        group="web",
        vm_name="web1",
        vm_id=vm_id,
        target_key=f"vm:{vm_id}",
        plan=[{"name": "move", "label": "move to group db"}],
        created_at=now,
        updated_at=now,
    )
    # Asked at once, before any plan: "busy", never "the VM changed since you saw the plan".
    planned = client.post(url("spec_change"), {"cores": "4", "grace_seconds": "60"})

    assert planned.status_code == 409
    assert "busy: pete is moving web1" in page(planned)
    assert reverse("operations:detail", args=[busy.pk]) in page(planned)
    assert "changed since" not in page(planned)
    assert Operation.objects.count() == 1


def test_a_second_tab_that_started_second_hears_busy_not_changed(client, user, sim):
    """Two tabs plan the same change; the first starts; the second's Start says who is busy
    with what — the VM did change, but only because of that operation."""
    first = client.post(url("spec_change"), {"cores": "4", "grace_seconds": "60"})
    second = client.post(url("spec_change"), {"cores": "4", "grace_seconds": "60"})
    started = post_pairs(client, url("spec_change"), [*confirm_fields(first), ("action", "start")])
    assert started.status_code == 302, page(started)

    again = post_pairs(client, url("spec_change"), [*confirm_fields(second), ("action", "start")])

    assert again.status_code == 409
    assert f"busy: {user.username} is changing the spec of web1" in page(again)
    assert "changed since" not in page(again)
    assert Operation.objects.count() == 1


# --- reimage: secrets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ({"root_password": "short"}, "at least 8 characters"),
        ({"ssh_public_key": "ssh-ed25519"}, "Line 1 is not of the form"),
        ({"ssh_public_key": "not a key"}, "Line 1 has an unknown key type"),
        ({"ssh_public_key": KEY[:60]}, "Line 1 is incomplete"),
        ({"ssh_public_key": f"{KEY}\nssh-rsa AAAA"}, "Line 2 has a key that does not match"),
        ({"ssh_public_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc"}, "That is a private key"),
        ({}, "Give a root password or at least one SSH public key"),
    ],
)
def test_reimage_input_is_checked_before_any_api_call(client, sim, data, message):
    clear_requests(sim)
    response = client.post(
        url("reimage"),
        {"distribution": "bookworm", "grace_seconds": "60", "confirm_name": "web1", **data},
    )
    assert response.status_code == 400
    assert message in page(response)
    assert brain_requests(sim) == []


def test_the_root_password_is_never_written_back_into_a_page(client):
    # An error elsewhere: the form comes back, the password field empty.
    response = client.post(
        url("reimage"),
        {
            "distribution": "",
            "root_password": PASSWORD,
            "grace_seconds": "60",
            "confirm_name": "web1",
        },
    )
    assert response.status_code == 400 and PASSWORD not in page(response)

    plan = client.post(
        url("reimage"),
        {
            "distribution": "bookworm",
            "root_password": PASSWORD,
            "ssh_public_key": KEY,
            "grace_seconds": "60",
            "confirm_name": "web1",
        },
    )
    assert plan.status_code == 200
    assert "web1 is running → ACPI shutdown" in page(plan) and "reimage with bookworm" in page(plan)
    assert PASSWORD not in page(plan) and KEY not in page(plan)  # only sealed
    assert hidden(plan, "sealed")

    started = post_pairs(client, url("reimage"), [*confirm_fields(plan), ("action", "start")])

    op = Operation.objects.get()
    assert started.status_code == 302
    assert op.kind == "reimage" and op.secret_params and PASSWORD not in op.secret_params


def test_a_sealed_secret_from_another_user_is_refused(client, sim):
    plan = client.post(
        url("reimage"),
        {
            "distribution": "bookworm",
            "root_password": PASSWORD,
            "grace_seconds": "60",
            "confirm_name": "web1",
        },
    )
    other = make_user("mallory")
    connect_key(other, "apikey.demo-key")
    thief = Client()
    thief.force_login(other)
    response = post_pairs(thief, url("reimage"), [*confirm_fields(plan), ("action", "start")])
    assert "This confirmation has expired" in page(response)
    assert not Operation.objects.exists()


# --- move, graceful ------------------------------------------------------------------------


def test_move_offers_the_accounts_other_groups(client):
    response = client.get(url("move"))
    options = re.findall(r'<option value="([^"]*)"', response.content.decode())
    assert options == ["", "db", "default"]


def test_move_plans_from_the_live_state(client, sim):
    clear_requests(sim)
    bad = client.post(
        url("move"),
        {"target_group": "nowhere", "choice_group": ["db", "default"], "grace_seconds": "60"},
    )
    assert bad.status_code == 400 and brain_requests(sim) == []

    response = client.post(
        url("move"),
        {"target_group": "db", "choice_group": ["db", "default"], "grace_seconds": "30"},
    )
    assert response.status_code == 200
    assert "web1 is running → ACPI shutdown (up to 30 s, then hard off) → move to group db" in page(
        response
    )


ACPI_90 = "web1 is running → ACPI shutdown (up to 90 s, then hard off)"


@pytest.mark.parametrize(
    "name, expect",
    [
        ("graceful_restart", f"{ACPI_90} → power on again → verify"),
        ("graceful_shutdown", f"{ACPI_90} → verify"),
    ],
)
def test_graceful_restart_and_shutdown_show_their_plans(client, name, expect):
    assert 'value="60"' in client.get(url(name)).content.decode()  # the default grace
    response = client.post(url(name), {"grace_seconds": "90"})
    assert response.status_code == 200
    assert expect in page(response)
