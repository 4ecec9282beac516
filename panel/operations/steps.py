"""What a step gets (``StepContext``) and what it returns (``Done`` / ``Wait`` / ``StepFailed``).

A step is a plain function ``(ctx) -> Done | Wait`` that is idempotent by check-then-act: it
reads the target, does nothing if it is already there, else writes absolute values. It may be
called many times (each poll of a wait, and again after a crash), so whatever it must
remember between calls goes into ``ctx.state``, which is persisted in the step log.

``ctx.write`` is the only way to change anything in BigV: it persists the intent and fences
*before* the call (a run that lost its lease stops there), audits the call with the operation
id and step name (an audit intent started before it, completed after), and persists again
*after* it — so a crash between the two is resolved on resume by the step's own
check-then-act, and leaves an "outcome unknown" audit entry.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from panel.audit import Action, Target
from panel.audit import intent as audit_intent
from panel.bigv import BigVClient, BigVError
from panel.core.actor import Actor
from panel.operations import claims, secrets
from panel.operations.conf import poll_seconds
from panel.operations.models import Operation

if TYPE_CHECKING:
    from panel.operations.workflows import Workflow


@dataclass(frozen=True, slots=True)
class Done:
    note: str = ""
    skipped: bool = False  # nothing needed doing


# The shortest wait between two polls: a poll that ran late still leaves BigV a moment.
MIN_WAIT = 0.05


@dataclass(frozen=True, slots=True)
class Wait:
    seconds: float
    note: str = ""
    # The deadline the wait runs to (Unix time), when the page should count down to it: the
    # seconds left are worked out where the step is shown, so that the step's record stays
    # the same from one poll to the next (a poll that only looks; panel/operations/looks.py).
    until: float | None = None

    def record(self, entry: dict[str, Any]) -> None:
        """What the wait leaves in its step's log entry: the note, and the deadline that the
        page counts down to (none: no countdown)."""
        entry["detail"] = self.note
        if self.until is None:
            entry.pop("until", None)
        else:
            entry["until"] = self.until


StepResult = Done | Wait


class StepFailed(Exception):
    """The step cannot reach its goal; ``refused``: BigV said no (nothing was changed)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused


def call_step(
    workflow: Workflow,
    *,
    op: Operation,
    lease: claims.Lease,
    client: BigVClient,
    entry: dict[str, Any],
) -> StepResult:
    """The plan's current step, called with the workflow's context: by a run, or by a poll
    that only looks (with a lease that writes nothing)."""
    step = op.plan[op.step_index]
    context = workflow.context or StepContext
    ctx = context(op=op, lease=lease, client=client, args=step.get("args", {}), entry=entry)
    return workflow.steps[step["name"]](ctx)


def actor_of(op: Operation) -> Actor:
    """The person who started the operation: audit entries name them, not the worker."""
    return Actor(
        user_id=op.actor_id,
        username=op.actor_username,
        ip=op.source_ip,
        request_id=op.request_id or "-",
    )


def audit_target(op: Operation) -> Target:
    """The operation's target as the audit trail names it (by id once it exists)."""
    return Target.vm(op.vm_id or op.target_key, op.vm_name, op.account, op.group)


class StepContext:
    def __init__(
        self,
        *,
        op: Operation,
        lease: claims.Lease,
        client: BigVClient,
        args: Mapping[str, Any],
        entry: dict[str, Any],
    ) -> None:
        self.op = op
        self.lease = lease
        self.client = client
        self.args = args
        self.entry = entry
        self.state: dict[str, Any] = entry.setdefault("state", {})
        self.actor = actor_of(op)

    # --- time and persistence ---------------------------------------------------------

    @staticmethod
    def now() -> float:
        return time.time()

    def save(self) -> None:
        """Persist ``state`` (fenced; renews the lease)."""
        claims.persist(self.lease, self.op, "step_log")

    @property
    def acted(self) -> bool:
        return bool(self.state.get("acted"))

    def cancelling(self) -> bool:
        """Someone asked to cancel the operation (read afresh: the flag is set by a page)."""
        flag = Operation.objects.filter(pk=self.op.pk).values_list("cancel_requested", flat=True)
        return bool(flag.first())

    def cannot_recall(self, what: str) -> None:
        """Say that this step set something going that no cancel can stop: a cancel then
        lets the step finish (the engine checks), and the page shows ``what`` meanwhile."""
        if self.state.get("cannot_recall") != what:
            self.state["cannot_recall"] = what
            self.save()

    def deadline(self, key: str, seconds: float) -> float:
        """A deadline stored once in the step log, so a resumed step keeps the same one."""
        if key not in self.state:
            self.state[key] = self.now() + seconds
            self.save()
        return float(self.state[key])

    def poll(self, deadline_key: str, note: str, *, countdown: bool = False) -> Wait:
        """The wait until the step looks again, never past its deadline (``deadline_key``,
        stored by ``deadline``); ``countdown``: the page shows the seconds left beside the
        note, counting down to that deadline.

        The polls keep a cadence counted from the first wait for that deadline (kept in the
        step log, so a resumed step keeps it too): what a poll itself takes — the hand-over,
        the worker's queue, BigV's answer, all longer on a worker busy beside others — is not
        added to every interval, so a change is seen within one interval of happening however
        many polls it took. A poll that ran late waits for the next tick, never less than
        ``MIN_WAIT``.
        """
        now = self.now()
        every = poll_seconds()
        cadence = self.state.get("polls_from")
        if not cadence or cadence[0] != deadline_key:
            cadence = self.state["polls_from"] = [deadline_key, now]
        since = float(cadence[1])
        tick = since + (math.floor((now - since) / every) + 1) * every
        deadline = float(self.state[deadline_key])
        wait = max(MIN_WAIT, min(tick - now, deadline - now))
        return Wait(wait, note, until=deadline if countdown else None)

    # --- writing ------------------------------------------------------------------------

    def after(self, result: object) -> dict[str, Any] | None:
        """What a write's answer says about the target, for its audit entry (none here;
        a workflow's own context says more)."""
        return None

    def write_target(self) -> Target:
        """What this step's writes change, as the audit trail names it: the operation's
        target (a workflow that writes to several targets names the one at hand)."""
        return audit_target(self.op)

    def write[T](
        self,
        action: Action,
        intent: str,
        call: Callable[[], T],
        *,
        params: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        secret_values: Collection[str] = (),
    ) -> T:
        op = self.op
        was_touched = op.touched
        self.state["pending"] = intent
        op.touched = True
        claims.persist(self.lease, op, "step_log", "touched")  # the fence
        try:
            # The entry is started (an audit intent) only past the fence, and completed with
            # the answer: a crash in between leaves it as "outcome unknown", never missing.
            with audit_intent(
                actor=self.actor,
                action=action,
                target=self.write_target(),
                params=dict(params) if params else {"call": intent},
                before=dict(before) if before else None,
                operation_id=str(op.pk),
                step=self.entry["step"],
                secrets=secret_values,
            ) as entry:
                with self.client.answered() as answer:
                    result = call()
                entry.succeeded(after=self.after(result), api_status=answer.status)
        except BigVError as error:  # recorded by the intent as refused/failed
            if error.is_refusal:
                # A refusal changed nothing: the call is no longer in doubt.
                self.state.pop("pending", None)
                op.touched = was_touched
                claims.persist(self.lease, op, "step_log", "touched")
            raise
        self.state.pop("pending", None)
        self.state["acted"] = True  # the step changed something (not "skipped")
        self.save()
        return result

    # --- secrets ------------------------------------------------------------------------

    def secrets(self) -> dict[str, str]:
        return secrets.open_secrets(operation_id=str(self.op.pk), ciphertext=self.op.secret_params)

    def wipe_secrets(self) -> None:
        self.op.secret_params = ""
        claims.persist(self.lease, self.op, "secret_params")
