"""One drill: eight spec changes under way, one dependency broken and brought back, then the
checks. Runs in a process configured for the stack under drill (``drill.run``)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import OperationalError, close_old_connections

from drill.checks import Verdict, verdict
from drill.pages import PageWatch
from drill.stack import DrillStack
from drill.world import Control
from panel.access.services import scope_refresh
from panel.audit.models import AuditIntent
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.operations.models import Operation
from panel.operations.status import OperationStatus
from panel.vm_changes.services import change_start, plan_spec_change
from panel.vms.refs import VmRef

OPERATIONS = 8
GROUP = "drill"
FINISH_WITHIN = 300.0  # seconds after the fault, for every operation to end


# What alice reloads during the drill: the panel's own pages and, where BigV is not the
# thing that is away, a page read from BigV.
OWN_PAGES = ("/operations/", "/operations/{op}/")
ALL_PAGES = (*OWN_PAGES, f"/accounts/demo/groups/{GROUP}/")
PAGES_BACK_WITHIN = 15.0  # seconds after the database's return


@dataclass
class Drill:
    name: str
    label: str
    fault: Callable[[DrillStack, Control], None]  # returns when the dependency is back
    pages: tuple[str, ...] = ALL_PAGES
    # True: the pages answer throughout; False (the database): they answer again soon after.
    pages_hold: bool = True


@dataclass
class Run:
    drill: Drill
    started: float = field(default_factory=time.monotonic)
    vms: list[dict[str, Any]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    first_seq: int = 0


def _retrying[T](call: Callable[[], T], seconds: float = 60) -> T:
    """The drill's own reads of the panel's database ride out a database restart too."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except OperationalError:
            close_old_connections()
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _alice() -> Any:
    return get_user_model().objects.get(username="alice")


def prepare(control: Control) -> list[dict[str, Any]]:
    """A fresh demo world with eight VMs in group ``drill``: half running, half off."""
    control.call("POST", "/reset")
    control.call("POST", "/populate", {"account": "demo", "group": GROUP, "vms": OPERATIONS})
    with client_for(_alice()) as client:
        ids = sorted(vm.id for vm in client.vms("demo", GROUP))
    scope_refresh(_alice())  # a new world under the panel: what alice may see is read again
    vms = []
    for index, vm_id in enumerate(ids):
        on = index % 2 == 0
        control.call("PATCH", f"/vms/{vm_id}", {"power_on": on, "autoreboot_on": True})
        vms.append(control.vm(vm_id))
    return vms


def start(vms: list[dict[str, Any]]) -> list[str]:
    """A spec change on each VM, as alice (the demo's account admin) would start it."""
    alice = _alice()
    actor = Actor(user_id=alice.pk, username="alice", ip="192.0.2.50", request_id=uuid.uuid4().hex)
    started = []
    with client_for(alice) as client:
        for vm in vms:
            plan = plan_spec_change(
                client=client,
                ref=VmRef(account="demo", group=GROUP, vm=vm["name"]),
                cores=vm["cores"] + 1,
                memory=vm["memory"] + 1024,
                grace_seconds=5,
            )
            started.append(str(change_start(actor=actor, client=client, plan=plan).pk))
    return started


def _wait(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not _retrying(predicate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.5)


def _running(ids: list[str], at_least: int) -> bool:
    return Operation.objects.filter(pk__in=ids, status=OperationStatus.RUNNING).count() >= at_least


def _all_ended(ids: list[str]) -> bool:
    return not Operation.objects.filter(pk__in=ids, status__in=OperationStatus.ACTIVE).exists()


def restarted(before: dict[str, int], after: dict[str, int]) -> str:
    """ "worker 1" — what the supervisor started again during this drill — or "none"."""
    done = [
        f"{name} {n - before.get(name, 0)}" for name, n in after.items() if n > before.get(name, 0)
    ]
    return ", ".join(done) or "none"


def run(drill: Drill, stack: DrillStack) -> Verdict:
    control = Control(stack.control_url)
    vms = prepare(control)
    restarted_before = stack.restart_counts()
    first_seq = control.last_seq()
    ids = start(vms)
    _wait(lambda: _running(ids, OPERATIONS // 2), 60, "operations under way")
    watch = PageWatch(stack.web_url, [page.format(op=ids[0]) for page in drill.pages])
    watch.start()
    began = time.monotonic()
    drill.fault(stack, control)
    returned = time.monotonic()
    with contextlib.suppress(TimeoutError):  # the verdict says which did not end
        _wait(lambda: _all_ended(ids), FINISH_WITHIN, "every operation ending")
    took = time.monotonic() - began
    time.sleep(max(0.0, returned + PAGES_BACK_WITHIN - time.monotonic()))
    watch.stop()
    # A write cut off by the fault is sealed "outcome unknown" after the intent grace.
    with contextlib.suppress(TimeoutError):
        _wait(lambda: not AuditIntent.objects.filter(operation_id__in=ids).exists(), 90, "")
    result = _retrying(
        lambda: verdict(
            drill.label,
            ids=ids,
            vms=vms,
            requests=control.requests_since(first_seq),
            control=control,
            stack_up=stack.up(),
            seconds=took,
        )
    )
    result.restarts = restarted(restarted_before, stack.restart_counts())
    result.page_failures = watch.failed_rounds()
    back = watch.back_after(returned)
    if drill.pages_hold:
        result.pages_ok = result.page_failures == 0
        if not result.pages_ok:
            result.problems.append(f"{result.page_failures} rounds of pages failed (5xx)")
    else:
        result.pages_ok = back is not None and back <= PAGES_BACK_WITHIN
        if not result.pages_ok:
            result.problems.append(f"pages not back within {PAGES_BACK_WITHIN:.0f} s ({back})")
    return result
