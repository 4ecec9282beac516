"""Starting operations as a person would, and waiting for them (polling the row with a
deadline: awaiting an event, not sleeping for one)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.operations import claims, workflows
from panel.operations.models import Operation
from panel.vm_changes.services import change_start
from panel.vms.refs import VmRef
from tests.vms.helpers import brain_requests, fault, sim_call, sim_patch, sim_vm, vm_id_of

__all__ = [
    "actor_for",
    "audit_of",
    "brain_requests",
    "fault",
    "one_step_operation",
    "plan_and_start",
    "ref",
    "sim_call",
    "sim_patch",
    "sim_vm",
    "vm_id_of",
    "wait_for",
    "wait_terminal",
]

GROUP_OF = {
    "web1": "web",
    "web2": "web",
    "web3": "web",
    "db1": "db",
    "db2": "db",
    "db-replica": "db",
    "mail": "default",
    "monitor": "default",
    "builder": "default",
    "bastion": "default",
    "legacy": "default",
}


def operation_row(user: Any, **values: Any) -> Operation:
    """An operation row written directly, for tests of what reads the rows: by default
    ``user``'s running spec change of web1 (VM id 1), created and enqueued now."""
    now = timezone.now()
    fields = {
        "kind": "spec_change",
        "status": "running",
        "actor": user,
        "actor_username": user.username,
        "account": "demo",
        "group": "web",
        "vm_name": "web1",
        "vm_id": 1,
        "target_key": "vm:1",
        "created_at": now,
        "updated_at": now,
        "enqueued_at": now,
    }
    return Operation.objects.create(**(fields | values))


def one_step_operation(
    username: str, kind: str, name: str, step: Callable[[Any], Any]
) -> Operation:
    """A pending operation of a test workflow of one step ``name`` that nothing needs to put
    back, started by ``username`` (connected to BigV), its lease handed to task "t0"."""
    from tests.operations.conftest import connected_user

    workflows.register(
        workflows.Workflow(
            kind=kind,
            label=name.title(),
            doing=name,
            steps={name: step},
            begin=lambda op, client: {"id": op.vm_id},
            undo=lambda op: [],
            attention=lambda op, client, why: why,
            summary=lambda kind, params, original: name.title(),
        )
    )
    return operation_row(
        connected_user(username, "apikey.demo-key"),
        kind=kind,
        status="pending",
        plan=[{"name": name, "label": name.title(), "args": {}}],
        lease_owner=claims.resume_token("t0"),
        lease_expires_at=timezone.now() + dt.timedelta(seconds=60),
    )


def ref(name: str) -> VmRef:
    return VmRef(account="demo", group=GROUP_OF[name], vm=name)


def actor_for(user: Any, ip: str = "192.0.2.7") -> Actor:
    return Actor(user_id=user.pk, username=user.username, ip=ip, request_id=f"req-{user.pk:06d}")


def plan_and_start(user: Any, planner: Callable[..., Any], secret_params: Any = None, **kw: Any):
    """Plan with the user's own client, then start (as the UI's confirm step does)."""
    with client_for(user) as client:
        plan = planner(client=client, **kw)
        return change_start(
            actor=actor_for(user),
            client=client,
            plan=plan,
            secret_params=secret_params,
        )


def wait_for(predicate: Callable[[], Any], timeout: float = 20, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s: {message}")
        time.sleep(0.05)


def wait_terminal(op: Operation | Any, timeout: float = 30) -> Operation:
    def done() -> Operation | None:
        row = Operation.objects.get(pk=op.pk)
        return row if row.is_terminal else None

    try:
        return wait_for(done, timeout, f"operation {op.pk} to end")
    except AssertionError:
        row = Operation.objects.get(pk=op.pk)
        raise AssertionError(
            f"operation did not end: status={row.status} step={row.step_index} "
            f"log={row.step_log} owner={row.lease_owner} expires={row.lease_expires_at}"
        ) from None


def audit_of(op: Operation) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(operation_id=str(op.pk)).order_by("seq"))


class Chain:
    """Hold, in turn, the next request matching each (method, path); the last stays held.

    ``arm()`` installs the first barrier — call it *before* starting the operation, so its
    first request cannot slip past. ``hold()`` then walks the chain: the next barrier is
    installed before the previous one is released, so no request slips between them, and
    returns the name of the barrier that holds the last request.
    """

    def __init__(self, sim: Any, matchers: list[tuple[str, str]], prefix: str = "b") -> None:
        self.sim = sim
        self.matchers = matchers
        self.names = [f"{prefix}-{i}" for i in range(1, len(matchers) + 1)]

    def _install(self, i: int) -> None:
        method, path = self.matchers[i]
        body = {"name": self.names[i], "method": method, "path": path, "times": 1}
        sim_call(self.sim, "POST", "/barriers", body)

    def _wait(self, i: int) -> None:
        # Below sim_call's own 10 s socket timeout, so a miss is reported, not a TimeoutError.
        result = sim_call(self.sim, "POST", f"/barriers/{self.names[i]}/wait", {"timeout": 8})
        assert not result.get("timeout"), f"request {i + 1} {self.matchers[i]} never came"

    def arm(self) -> Chain:
        self._install(0)
        return self

    def hold(self) -> str:
        self._wait(0)
        for i in range(1, len(self.matchers)):
            self._install(i)
            release(self.sim, self.names[i - 1])
            self._wait(i)
        return self.names[-1]


def chain_nth(sim: Any, method: str, path: str, n: int) -> Chain:
    """An armed chain holding the n-th request matching (method, path)."""
    return Chain(sim, [(method, path)] * n).arm()


def release(sim: Any, name: str) -> None:
    sim_call(sim, "POST", f"/barriers/{name}/release", {})


def write_path(name: str) -> str:
    """The regex of writes to a seeded VM: the engine addresses its group and the VM by id
    (a rename cannot break it), the direct actions by name."""
    return rf"^/accounts/demo/groups/(?:{GROUP_OF[name]}|\d+)/virtual_machines/\d+$"


READ_PATH = r"^/virtual_machines/\d+$"  # the engine reads by id
