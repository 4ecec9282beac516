"""A VM's History: every action on it (direct ones, reverse DNS of its addresses, operations
started and finished), each by the VM's id — and an operation's steps folded away."""

from __future__ import annotations

import re
from typing import Any

from panel.audit import Action, Outcome, Target, record
from panel.audit.selectors import entries_for_target
from panel.core.actor import Actor
from tests.vms.helpers import HTMX, vm_id_of, vm_url


def _history(client: Any) -> str:
    page = client.get(vm_url("web1", "lower"), **HTMX).content.decode()
    section = page.split('id="vm-history"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_every_action_on_the_vm_is_in_its_history_by_id(demo_client: Any, sim: Any) -> None:
    vm_id = vm_id_of(sim, "web1")
    rdns = vm_url("web1", "ip_rdns", address="192.0.2.2")
    answer = demo_client.post(rdns, {"rdns": "www.example.com", "vm_id": vm_id}, **HTMX)
    assert answer.status_code == 200
    assert demo_client.post(vm_url("web1", "stop"), {"vm_id": vm_id}, **HTMX).status_code == 200

    entries = entries_for_target("vm", vm_id)

    assert [entry.action for entry in entries] == [Action.VM_POWER_OFF, Action.IP_RDNS]
    history = _history(demo_client)
    assert "Reverse DNS changed" in history and "VM powered off" in history


def test_an_operations_steps_are_folded_under_it_in_the_history(
    demo_client: Any, demo_user: Any, sim: Any
) -> None:
    vm_id = vm_id_of(sim, "web1")
    actor = Actor(user_id=demo_user.pk, username=demo_user.username, ip=None, request_id="r" * 16)
    target = Target.vm(vm_id, "web1", "demo", "web")
    steps = [
        (Action.OPERATION_START, Outcome.STARTED, ""),
        (Action.OPERATION_STEP, Outcome.STARTED, "power_off"),
        (Action.VM_POWERDOWN, Outcome.SUCCEEDED, "power_off"),
        (Action.OPERATION_STEP, Outcome.SUCCEEDED, "power_off"),
        (Action.OPERATION_FINISH, Outcome.SUCCEEDED, ""),
    ]
    for action, outcome, step in steps:
        record(
            actor=actor,
            action=action,
            outcome=outcome,
            target=target,
            operation_id="op-1",
            step=step,
        )

    entries = entries_for_target("vm", vm_id)

    assert [entry.action for entry in entries] == [
        Action.OPERATION_FINISH,
        Action.OPERATION_START,
    ]
    history = _history(demo_client)
    assert "Operation finished" in history and "Operation started" in history
    assert "VM ACPI power-down" not in history
