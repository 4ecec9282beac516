"""What a drill checks once the dependency is back: the operations, the VMs, the audit trail,
BigV's request log and the stack — each as a number for the table and, when it fails, words."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from drill.world import Control
from panel.audit import Action, Outcome
from panel.audit.models import AuditEntry, AuditIntent
from panel.operations.models import Operation

ENDINGS = ("succeeded", "rolled_back")


@dataclass
class Verdict:
    drill: str
    operations: int
    succeeded: int = 0
    rolled_back: int = 0
    vms_right: int = 0
    audit_complete: int = 0
    duplicate_writes: int = 0
    stack_up: bool = False
    seconds: float = 0.0
    pages_ok: bool = False  # alice's pages answered throughout (or soon after, for the DB)
    page_failures: int = 0  # rounds of reloads in which a page answered 5xx
    restarts: str = ""  # what the supervisor restarted meanwhile
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.succeeded + self.rolled_back == self.operations
            and self.vms_right == self.operations
            and self.audit_complete == self.operations
            and self.duplicate_writes == 0
            and self.stack_up
            and self.pages_ok
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _vm_right(op: Operation, before: dict[str, Any], now: dict[str, Any]) -> str:
    """ "" when the VM is as it should be: its original power state, and its spec all-new
    (succeeded) or all-old (rolled back); otherwise what is wrong."""
    if now["power_on"] != before["power_on"]:
        return f"{op.vm_name}: power {now['power_on']} (was {before['power_on']})"
    spec = (now["cores"], now["memory"])
    old = (before["cores"], before["memory"])
    new = (op.params.get("cores"), op.params.get("memory"))
    wanted = new if op.status == "succeeded" else old
    if spec != wanted:
        return f"{op.vm_name}: cores/memory {spec}, expected {wanted} ({op.status})"
    return ""


def _audit_gap(op: Operation) -> str:
    """ "" when the trail has the start, the finish, an end for every step that started, and
    no write still without a recorded outcome."""
    entries = list(AuditEntry.objects.filter(operation_id=str(op.pk)).order_by("seq"))
    actions = [(e.action, e.outcome) for e in entries]
    if (Action.OPERATION_START, Outcome.STARTED) not in actions:
        return f"{op.vm_name}: no start entry"
    if not any(action == Action.OPERATION_FINISH for action, _ in actions):
        return f"{op.vm_name}: no finish entry"
    steps = [e for e in entries if e.action == Action.OPERATION_STEP and e.step != "compensate"]
    started = Counter(e.step for e in steps if e.outcome == Outcome.STARTED)
    ended = Counter(e.step for e in steps if e.outcome != Outcome.STARTED)
    if set(started) - set(ended):
        return f"{op.vm_name}: steps started and never ended: {sorted(set(started) - set(ended))}"
    if AuditIntent.objects.filter(operation_id=str(op.pk)).exists():
        return f"{op.vm_name}: a write with no recorded outcome"
    return ""


def duplicate_writes(requests: list[dict[str, Any]], vm_ids: list[int]) -> list[str]:
    """Writes sent twice to a VM with no read of it between: a blind retry, which the
    panel's check-then-act steps never do."""
    found: list[str] = []
    for vm_id in vm_ids:
        marker = f"/virtual_machines/{vm_id}"
        last_write: tuple[str, str, str] | None = None
        for request in requests:
            path = request["path"]
            if marker not in path or request.get("fault") is not None:
                # Another VM's, or one that never reached the brain's state: a fault answered
                # it (a 503 the client may retry, as for any request BigV did not process)
                # or cut it off.
                continue
            if request["method"] == "GET":
                last_write = None
                continue
            write = (request["method"], path, request.get("body_sha256", ""))
            if write == last_write:
                found.append(f"{request['method']} {path} twice without a read between")
            last_write = write
    return found


def verdict(
    label: str,
    *,
    ids: list[str],
    vms: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    control: Control,
    stack_up: bool,
    seconds: float,
) -> Verdict:
    result = Verdict(drill=label, operations=len(ids), stack_up=stack_up, seconds=seconds)
    before = {vm["id"]: vm for vm in vms}
    for op in Operation.objects.filter(pk__in=ids).order_by("vm_name"):
        if op.status == "succeeded":
            result.succeeded += 1
        elif op.status == "rolled_back":
            result.rolled_back += 1
        else:
            result.problems.append(f"{op.vm_name}: ended {op.status} ({op.error or op.attention})")
        wrong = _vm_right(op, before[op.vm_id], control.vm(op.vm_id))
        result.vms_right += not wrong
        gap = _audit_gap(op)
        result.audit_complete += not gap
        result.problems += [text for text in (wrong, gap) if text]
    duplicates = duplicate_writes(requests, list(before))
    result.duplicate_writes = len(duplicates)
    result.problems += duplicates
    if not stack_up:
        result.problems.append("the stack is not up afterwards")
    return result
