"""Duplicates and races: a copy of the task makes no API call; two starts, one accepted."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from panel.audit import Action, Outcome
from panel.audit.models import AuditEntry
from panel.credentials.clients import client_for
from panel.operations import dispatch
from panel.operations.models import Operation
from panel.operations.tasks import run_operation
from panel.vm_changes.services import Busy, change_start, plan_graceful, plan_spec_change
from tests.operations.helpers import (
    READ_PATH,
    actor_for,
    brain_requests,
    chain_nth,
    plan_and_start,
    ref,
    release,
    sim_call,
    sim_vm,
    vm_id_of,
    wait_for,
    wait_terminal,
)

pytestmark = pytest.mark.xdist_group("celery")


def test_same_task_delivered_twice_at_once_one_drives_the_other_calls_nothing(
    worker, alice, sim, monkeypatch
):
    vm_id = vm_id_of(sim, "db2")
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(dispatch, "send", lambda op_id, **kw: sent.append(kw))
    op = plan_and_start(alice, plan_spec_change, ref=ref("db2"), cores=2, memory=4096)
    task_id = sent[0]["task_id"]  # what operation_start would have sent
    sim_call(sim, "DELETE", "/requests")
    # Both copies at once (the worker runs two at a time); the winner is held at its first
    # read while the loser tries to claim.
    chain = chain_nth(sim, "GET", READ_PATH, 1)
    for _ in range(2):
        run_operation.apply_async((str(op.pk),), task_id=task_id)
    held = chain.hold()
    wait_for(
        lambda: f"operation {op.pk}: claim refused" in worker.log_text(),
        20,
        "the second copy to give up",
    )
    release(sim, held)
    op = wait_terminal(op)
    assert op.status == "succeeded"
    requests = [(r["method"], r["path"]) for r in brain_requests(sim)]
    # Exactly one run's requests: read (start), read + PUT (apply), read (verify).
    # The engine addresses the group and the VM by id (a rename cannot break it).
    path = f"/accounts/demo/groups/{sim_vm(sim, vm_id)['group_id']}/virtual_machines/{vm_id}"
    assert requests == [
        ("GET", f"/virtual_machines/{vm_id}"),
        ("GET", f"/virtual_machines/{vm_id}"),
        ("PUT", path),
        ("GET", f"/virtual_machines/{vm_id}"),
    ]
    assert sim_vm(sim, vm_id)["memory"] == 4096
    assert op.epoch == 1  # one claim only


def test_two_users_start_on_the_same_vm_at_the_same_moment(worker, alice, bob, sim):
    with client_for(alice) as client:
        plan_a = plan_spec_change(client=client, ref=ref("web1"), cores=4, grace_seconds=5)
    with client_for(bob) as client:
        plan_b = plan_graceful(client=client, ref=ref("web1"), restart=True, grace_seconds=5)
    go = threading.Barrier(2)
    results: dict[str, Any] = {}

    def start(user: Any, plan: Any) -> None:
        try:
            with client_for(user) as client:
                go.wait()
                results[user.username] = change_start(
                    actor=actor_for(user), client=client, plan=plan
                )
        except Busy as busy:
            results[user.username] = busy
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=a) for a in ((alice, plan_a), (bob, plan_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = [r for r in results.values() if isinstance(r, Operation)]
    refused = [r for r in results.values() if isinstance(r, Busy)]
    assert len(accepted) == 1 and len(refused) == 1, results
    winner, busy = accepted[0], refused[0]
    doing = {"spec_change": "changing the spec of web1", "graceful_restart": "restarting web1"}
    assert busy.message == f"busy: {winner.actor_username} is {doing[winner.kind]}"
    assert busy.operation is not None and busy.operation.pk == winner.pk
    assert Operation.objects.count() == 1
    loser = "bob" if winner.actor_username == "alice" else "alice"
    denied = AuditEntry.objects.get(action=Action.OPERATION_START, outcome=Outcome.DENIED)
    assert (denied.actor_username, denied.api_error) == (loser, busy.message)
    assert wait_terminal(winner).status == "succeeded"


def test_a_started_operation_blocks_another_until_it_ends(worker, alice, bob, sim):
    op = plan_and_start(alice, plan_spec_change, ref=ref("web2"), cores=4, grace_seconds=5)
    with pytest.raises(Busy, match=r"^busy: alice is changing the spec of web2$"):
        plan_and_start(bob, plan_graceful, ref=ref("web2"), restart=True)
    wait_terminal(op)
    second = plan_and_start(bob, plan_graceful, ref=ref("web2"), restart=True)
    assert wait_terminal(second).status == "succeeded"
