"""The engine: claim the row, run steps until one waits or the operation ends, compensate.

One task run = one claim (none for a wait's poll that finds nothing new: looks.py). Within
it, steps run back to back; a step that must wait hands the lease to a task enqueued with a
countdown (never a sleep). A failed step switches the
operation to ``compensating`` and appends the undo plan (the workflow's ``undo``); a failed
undo ends in ``needs_attention`` with the workflow's account of the target's exact state.
Every status/step change is persisted (fenced by the lease), audited with the operation id
and step, and announced after commit (``signals``).

Every run acts with the credential of the person who *started* the operation — compensation
included, even when someone else cancelled it: putting the VM back is the last part of the
change that person asked for and was allowed to make, and the audit names them for every
step. The person who cancelled is named by the cancel entry.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from panel.audit import Action, Outcome, record
from panel.bigv import ApiError, BigVClient, ServerError, TransportError, Unavailable, words
from panel.credentials.clients import NotConnected, client_for
from panel.credentials.crypto import CredentialError
from panel.operations import claims, dispatch, holds, journal, looks, outage, signals
from panel.operations.models import Operation
from panel.operations.status import FINISH_OUTCOMES, OperationStatus, StepStatus
from panel.operations.steps import StepFailed, Wait, actor_of, audit_target, call_step
from panel.operations.workflows import NotStartable, Workflow, workflow_for

logger = logging.getLogger(__name__)

TRANSIENT = (ServerError, Unavailable, TransportError)  # retried by the step, then failed


def run(operation_id: str, *, task_id: str, poll: bool = False) -> None:
    """Drive one operation as far as it goes now. Makes no API call unless it wins the claim
    — or, for a wait's ``poll``, while it only looks (looks.py: nothing new, nothing more)."""
    looked = looks.look(operation_id, task_id) if poll else looks.FULL
    if looked.quiet:
        return
    lease = claims.claim(operation_id, task_id)
    if lease is None:
        status = Operation.objects.filter(pk=operation_id).values_list("status", flat=True)
        if status.first() in OperationStatus.ACTIVE:
            logger.warning("operation %s: claim refused (held by another run)", operation_id)
        return
    op = Operation.objects.select_related("actor").get(pk=operation_id)
    try:
        workflow = workflow_for(op.kind)
    except KeyError:
        workflow = None
    try:
        Runner(op, lease, workflow, met=looked.met).drive()
    except claims.Fenced as error:
        logger.warning("operation %s: %s; stopped before any further API call", op.pk, error)


def _now_iso() -> str:
    return timezone.now().isoformat()


def _close(entry: dict[str, Any], status: StepStatus, detail: str) -> None:
    """A step's record as the step ends (a wait's countdown ends with it)."""
    entry.pop("until", None)
    entry.update(status=status.value, finished_at=_now_iso(), detail=detail)


class Runner:
    def __init__(
        self,
        op: Operation,
        lease: claims.Lease,
        workflow: Workflow | None,
        *,
        met: looks.Met | None = None,
    ) -> None:
        self.op = op
        self.lease = lease
        self.workflow = workflow
        self._met = met  # what the step raised while this poll only looked
        self._wait_changed = False  # the current wait's step record is not written yet

    # --- bookkeeping ----------------------------------------------------------------------

    def _audit(self, action: Action, outcome: Outcome, **kwargs: Any) -> None:
        record(
            actor=actor_of(self.op),
            action=action,
            outcome=outcome,
            target=audit_target(self.op),
            operation_id=str(self.op.pk),
            **kwargs,
        )

    def _save(self, *fields: str) -> None:
        claims.persist(self.lease, self.op, *fields)

    # --- the loop -------------------------------------------------------------------------

    def drive(self) -> None:
        if self.lease.takeover:
            self._note_takeover()
        if self.workflow is None:  # an app that registered this kind is no longer installed
            self._finish(OperationStatus.FAILED, error=f"Unknown kind of operation: {self.op.kind}")
            return
        try:
            client = client_for(self.op.actor, finishing_own_work=True)
        except (NotConnected, CredentialError) as error:
            message = f"{self.op.actor_username}'s BigV credential cannot be used: {error}"
            self._fail(message, client=None)
            return
        with client:
            if self.op.status == OperationStatus.PENDING and not self._start(client):
                return
            self._loop(client)

    def _start(self, client: BigVClient) -> bool:
        """pending → running, re-reading the original state right before the first write."""
        op = self.op
        assert self.workflow is not None
        try:
            op.original = dict(self.workflow.begin(op, client))
        except NotStartable as refusal:
            self._finish(OperationStatus.FAILED, error=str(refusal))
            return False
        op.status, op.started_at = OperationStatus.RUNNING, timezone.now()
        self._save("status", "started_at", "original")
        signals.changed(op)
        return True

    def _loop(self, client: BigVClient) -> None:
        op = self.op
        while not op.is_terminal:
            # A step that already set something going that cannot be recalled (an ACPI
            # shutdown the guest has begun) runs to its end first; then the undo starts.
            cancel = op.status == OperationStatus.RUNNING and self._cancel_requested()
            if cancel and not op.cannot_recall:
                self._interrupt_current()
                self._begin_undo("cancelled", self._cancelled_text(), client)
                continue
            if op.step_index >= len(op.plan):
                return self._complete()
            if (wait := self._run_step(client)) is not None:
                return self._wait(wait)

    def _note_takeover(self) -> None:
        """This run took over from one that stopped without handing over: say so."""
        op = self.op
        event = journal.resumed(op, by=self.lease.owner, last_heard=self.lease.last_heard)
        with transaction.atomic():
            self._save("events")
            params = {"lost_at": event["lost_at"], "by": journal.worker(self.lease.owner)}
            self._audit(Action.OPERATION_RESUMED, Outcome.SUCCEEDED, params=params)
        signals.changed(op)

    def _cancel_requested(self) -> bool:
        flag = Operation.objects.filter(pk=self.op.pk).values_list("cancel_requested", flat=True)
        return bool(flag.first())

    def _interrupt_current(self) -> None:
        """Close the step a cancel caught mid-way (e.g. during a wait)."""
        entry = next((e for e in self.op.step_log if e.get("index") == self.op.step_index), None)
        if entry is None or entry.get("status") != StepStatus.RUNNING:
            return
        _close(entry, StepStatus.FAILED, "cancelled")
        with transaction.atomic():
            self._save("step_log")
            self._audit(Action.OPERATION_STEP, Outcome.CANCELLED, step=entry["step"])

    def _cancelled_text(self) -> str:
        """ "Cancelled during: ACPI shutdown." — or "before" a step that had not begun."""
        op = self.op
        if not 0 <= op.step_index < len(op.plan):
            return "Cancelled at the end."
        label = op.plan[op.step_index].get("label", "")
        return f"Cancelled {'during' if op.current_entry else 'before'}: {label}."

    # --- one step ------------------------------------------------------------------------

    def _entry(self, index: int, step: dict[str, Any]) -> dict[str, Any]:
        for entry in self.op.step_log:
            if entry.get("index") == index:
                return entry
        entry = {
            "index": index,
            "step": step["name"],
            "label": step["label"],
            "status": StepStatus.RUNNING.value,
            "started_at": _now_iso(),
            "finished_at": None,
            "detail": "",
            "state": {},
        }
        self.op.step_log.append(entry)
        with transaction.atomic():
            self._save("step_log")
            self._audit(
                Action.OPERATION_STEP,
                Outcome.STARTED,
                step=step["name"],
                params={"label": step["label"]},
            )
        signals.changed(self.op)
        return entry

    def _run_step(self, client: BigVClient) -> Wait | None:
        op = self.op
        assert self.workflow is not None
        index = op.step_index
        step = op.plan[index]
        entry = self._entry(index, step)
        seen = copy.deepcopy(entry)  # what the row holds of this step now
        met, self._met = looks.met_at(self._met, index, entry), None
        try:
            if met is not None:
                raise met  # the step's outcome, met by the look: not called again
            result = call_step(self.workflow, op=op, lease=self.lease, client=client, entry=entry)
        except claims.Fenced:
            raise
        except StepFailed as error:
            self._step_failed(entry, error.message, client, refused=error.refused)
            return None
        except TRANSIENT as error:
            wait = outage.retry_wait(entry, error)
            entry["raw"] = words.raw(error)  # BigV's own answer, for "details"
            if wait is not None:
                entry["detail"] = f"{words.sentence(error)} Trying again in {wait:.0f} s."
                self._wait_changed = True  # written with the hand-over, as every wait's
                return Wait(wait)
            attempts = int(entry["attempts"])
            tries = f"{attempts} {'try' if attempts == 1 else 'tries'}"
            message = f"{words.sentence(error)} It kept failing after {tries}."
            self._step_failed(entry, message, client, error=error)
            return None
        except ApiError as error:
            entry["raw"] = words.raw(error)
            self._step_failed(entry, words.sentence(error), client, error=error)
            return None
        except Exception as error:  # a bug or an unusable secret: fail, never loop forever
            logger.exception("operation %s: step %s crashed", op.pk, step["name"])
            self._step_failed(entry, f"{type(error).__name__}: {error}", client)
            return None
        outage.got_through(entry)
        if isinstance(result, Wait):
            result.record(entry)
            # Written with the hand-over, and published only when the step's record changed:
            # a wait polls every fraction of a second, and most polls find nothing new (the
            # next one may then only look: looks.py).
            self._wait_changed = entry != seen
            return result
        _close(entry, StepStatus.SKIPPED if result.skipped else StepStatus.DONE, result.note)
        op.step_index = index + 1
        outcome = Outcome.COMPENSATED if step.get("undo") else Outcome.SUCCEEDED
        with transaction.atomic():
            self._save("step_log", "step_index")
            self._audit(
                Action.OPERATION_STEP,
                outcome,
                step=step["name"],
                params={"label": step["label"], "detail": result.note},
            )
        signals.changed(op)
        return None

    def _step_failed(
        self,
        entry: dict[str, Any],
        message: str,
        client: BigVClient | None,
        *,
        error: Exception | None = None,
        refused: bool = False,
    ) -> None:
        _close(entry, StepStatus.FAILED, message)
        refused = refused or (isinstance(error, ApiError) and error.is_refusal)
        status = error.status if isinstance(error, ApiError) else None  # for the audit only
        outcome = Outcome.REFUSED if refused else Outcome.FAILED
        with transaction.atomic():
            self._save("step_log")
            self._audit(
                Action.OPERATION_STEP,
                outcome,
                step=entry["step"],
                api_status=status,
                api_error=message,
            )
        signals.changed(self.op)
        self._fail(message, client)

    # --- endings ----------------------------------------------------------------------------

    def _fail(self, message: str, client: BigVClient | None) -> None:
        if self.op.status == OperationStatus.COMPENSATING or (client is None and self.op.touched):
            self._attention(message, client)
        else:
            self._begin_undo("failed", message, client)

    def _begin_undo(self, reason: str, message: str, client: BigVClient | None) -> None:
        op = self.op
        op.error = message
        if not op.touched:  # nothing reached BigV: nothing to put back
            ending = OperationStatus.CANCELLED if reason == "cancelled" else OperationStatus.FAILED
            self._finish(ending)
            return
        assert self.workflow is not None
        op.compensation_start = len(op.plan)
        op.plan = [*op.plan, *self.workflow.undo(op)]
        op.step_index, op.status = op.compensation_start, OperationStatus.COMPENSATING
        op.undo_reason = reason
        with transaction.atomic():
            self._save("error", "compensation_start", "plan", "step_index", "status", "undo_reason")
            self._audit(
                Action.OPERATION_STEP,
                Outcome.STARTED,
                step="compensate",
                params={"reason": reason},
                api_error=message,
            )
        signals.changed(op)

    def _complete(self) -> None:
        op = self.op
        if op.status == OperationStatus.RUNNING:
            self._finish(OperationStatus.SUCCEEDED)
            return
        _mark_undone(op)
        cancelled = op.undo_reason == "cancelled"
        self._finish(OperationStatus.CANCELLED if cancelled else OperationStatus.ROLLED_BACK)

    def _attention(self, message: str, client: BigVClient | None) -> None:
        assert self.workflow is not None
        self.op.attention = self.workflow.attention(self.op, client, message)
        self._finish(OperationStatus.NEEDS_ATTENTION)

    def _finish(self, status: str, *, error: str | None = None) -> None:
        op = self.op
        if error is not None:
            op.error = error
        op.status, op.finished_at, op.secret_params = status, timezone.now(), ""
        with transaction.atomic():
            claims.release(
                self.lease,
                op,
                "status",
                "finished_at",
                "secret_params",
                "error",
                "attention",
                "step_log",
                "plan",
                "step_index",
            )
            released = holds.release(op, status)  # the other targets it claimed, with it
            params = {"status": status, "summary": op.summary}
            outcome = Outcome(FINISH_OUTCOMES[status])
            detail = op.attention or op.error
            before, after = self._before_after()
            self._audit(
                Action.OPERATION_FINISH,
                outcome,
                params=params,
                api_error=detail,
                before=before,
                after=after,
            )
        for row in [op, *released]:
            signals.changed(row)
        signals.finished(op)

    def _before_after(self) -> tuple[Any, Any]:
        if self.workflow is None or self.workflow.before_after is None:
            return None, None
        return self.workflow.before_after(self.op)

    def _wait(self, wait: Wait) -> None:
        task_id = claims.new_task_id()
        changed, self._wait_changed = self._wait_changed, False
        extra = {"step_log": self.op.step_log} if changed else {}
        claims.hand_over(self.lease, self.op, task_id=task_id, after=wait.seconds, **extra)
        if changed:
            signals.changed(self.op)
        dispatch.send(self.op.pk, task_id=task_id, countdown=wait.seconds, holder=task_id)


def _mark_undone(op: Operation) -> None:
    """After a successful rollback, the forward steps that changed something are undone."""
    end = op.compensation_start or 0
    for entry in op.step_log:
        if entry.get("index", 0) < end and entry["status"] in (StepStatus.DONE, StepStatus.FAILED):
            entry["status"] = StepStatus.COMPENSATED.value
