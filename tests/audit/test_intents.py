"""Audit intents: a write's entry is started before the BigV call and completed after it, so a
crash in between leaves an "outcome unknown" entry — never no entry — and an action that
completes still has exactly one entry."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from panel.audit import Action, Outcome, Target, intent
from panel.audit.intents import PendingSummary, grace_seconds, pending_summary, seal_intents
from panel.audit.models import AuditEntry, AuditIntent
from panel.audit.verify import verify_chain
from panel.bigv import BigVClient
from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key


class Crash(BaseException):
    """Stands in for kill -9 of the process: not an Exception, so nothing catches it and
    nothing after it runs."""


class _FakeApiError(Exception):
    """Duck-typed like panel.bigv's errors: a status, a message, and whether BigV refused."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.is_refusal = 400 <= status < 500


def _age(intent_id: int, seconds: float) -> None:
    """Make an intent that old (intents are an ordinary, mutable table)."""
    AuditIntent.objects.filter(pk=intent_id).update(
        created_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def _crash_in_flight(actor: Actor, **overrides: Any) -> AuditIntent:
    arguments: dict[str, Any] = {
        "actor": actor,
        "action": Action.VM_DELETE,
        "target": Target.vm(3, "db1", "demo", "db"),
        "params": {"purge": False},
        "before": {"power_on": True},
        "operation_id": "op-9",
        "step": "delete",
        **overrides,
    }
    with pytest.raises(Crash), intent(**arguments):
        raise Crash
    return AuditIntent.objects.get()


def _crash_after(method: str) -> Callable[[str, str, int | None], None]:
    """A client hook that kills the "process" once BigV has answered a ``method`` request:
    the write reached BigV, and nothing after the answer runs."""

    def hook(called: str, path: str, status: int | None) -> None:
        if called == method:
            raise Crash

    return hook


@pytest.fixture
def demo_api(sim: Any) -> Iterator[BigVClient]:
    with BigVClient(api_url=sim.api_url, token="apikey.demo-key") as client:
        yield client


@pytest.fixture
def demo_admin(db: Any, sim: Any) -> Actor:
    """A panel user connected as BigV ``demo`` (account_admin on demo): groups are theirs to
    create (the panel refuses anyone else before any call)."""
    user = get_user_model().objects.create_user("alice")
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key="apikey.demo-key")
    return Actor(user_id=user.pk, username="alice", ip="192.0.2.10", request_id="req-0123456789ab")


# --- one entry per action -----------------------------------------------------------------


def test_a_completed_action_is_one_entry_and_leaves_no_intent(db, actor):
    with intent(
        actor=actor,
        action=Action.GROUP_RENAME,
        target=Target.group("", "web", "demo"),
        params={"name": "www"},
    ) as entry:
        # While the call is in flight the intent is there, and nothing is in the chain yet.
        assert AuditIntent.objects.count() == 1
        assert not AuditEntry.objects.exists()
        entry.succeeded(
            target=Target.group(7, "www", "demo"),
            before={"name": "web"},
            after={"id": 7, "name": "www"},
            api_status=200,
        )

    [stored] = AuditEntry.objects.all()
    assert entry.entry is not None and entry.entry.pk == stored.pk
    assert (stored.action, stored.outcome, stored.api_status) == ("group.rename", "succeeded", 200)
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "group",
        "7",
        "www in demo",
    )
    assert (stored.params, stored.before, stored.after) == (
        {"name": "www"},
        {"name": "web"},
        {"id": 7, "name": "www"},
    )
    assert (stored.actor_username, stored.source_ip, stored.request_id) == (
        "alice",
        "192.0.2.10",
        "req-0123456789ab",
    )
    assert not AuditIntent.objects.exists()
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("error", "outcome", "status", "text"),
    [
        (_FakeApiError(403, "You may not"), "refused", 403, "You may not"),
        (_FakeApiError(400, "name: taken"), "refused", 400, "name: taken"),
        (_FakeApiError(503, "Try later"), "failed", 503, "Try later"),
        # Not BigV's: it may have come after BigV applied the write.
        (ValueError("no id in the answer"), "unknown", None, "ValueError: no id in the answer"),
    ],
)
def test_an_exception_is_recorded_as_the_one_entry_and_re_raised(
    db, actor, error, outcome, status, text
):
    target = Target.group("", "web", "demo")
    with pytest.raises(type(error)), intent(actor=actor, action=Action.GROUP_DELETE, target=target):
        raise error

    [stored] = AuditEntry.objects.all()
    assert (stored.action, stored.outcome) == ("group.delete", outcome)
    assert (stored.api_status, stored.api_error) == (status, text)
    assert stored.target_label == "web in demo"
    assert not AuditIntent.objects.exists()
    assert verify_chain().ok


def test_failed_records_an_error_without_raising_it(db, actor):
    with intent(actor=actor, action=Action.VM_RESET) as entry:
        entry.failed(_FakeApiError(404, "No such VM"))

    assert list(AuditEntry.objects.values_list("outcome", "api_status")) == [("refused", 404)]
    assert not AuditIntent.objects.exists()


def test_a_block_that_records_no_outcome_is_recorded_as_unknown(db, actor, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="panel.audit.intents"),
        intent(actor=actor, action=Action.VM_RESET),
    ):
        pass

    [stored] = AuditEntry.objects.all()
    assert (stored.outcome, stored.api_error) == (
        "unknown",
        "the action ended without recording its result",
    )
    assert "ended without an outcome" in caplog.text
    assert not AuditIntent.objects.exists()


def test_an_outcome_is_recorded_once(db, actor):
    with (
        pytest.raises(RuntimeError, match="already recorded"),
        intent(actor=actor, action=Action.VM_RESET) as entry,
    ):
        entry.succeeded(api_status=200)
        entry.failed(_FakeApiError(500, "late"))

    assert list(AuditEntry.objects.values_list("outcome", flat=True)) == ["succeeded"]


def test_an_unknown_action_is_refused_before_anything_is_written(db, actor):
    with pytest.raises(ValueError), intent(actor=actor, action="vm.poweroff"):
        pytest.fail("the block must not run")  # pragma: no cover
    assert not AuditIntent.objects.exists()


# --- a crash between the call and its entry ---------------------------------------------


def test_a_crash_between_intent_and_completion_leaves_the_intent(db, actor):
    left = _crash_in_flight(actor)

    assert not AuditEntry.objects.exists()
    assert (left.action, left.target_type, left.target_id, left.target_label) == (
        "vm.delete",
        "vm",
        "3",
        "db1 in demo/db",
    )
    assert (left.params, left.before) == ({"purge": False}, {"power_on": True})
    assert (left.actor_username, left.source_ip, left.request_id) == (
        "alice",
        "192.0.2.10",
        "req-0123456789ab",
    )
    assert (left.operation_id, left.step) == ("op-9", "delete")
    assert left.process.endswith(f":{os.getpid()}")
    assert left.outcome == "unknown" and not left.sealing_due


def test_sealing_appends_an_unknown_entry_once_the_grace_period_has_passed(db, actor):
    left = _crash_in_flight(actor)

    assert seal_intents() == 0  # it may still be in flight
    _age(left.pk, grace_seconds() + 1)
    assert AuditIntent.objects.get().sealing_due
    assert seal_intents() == 1

    [sealed] = AuditEntry.objects.all()
    assert (sealed.action, sealed.outcome, sealed.api_status) == ("vm.delete", "unknown", None)
    assert (sealed.target_id, sealed.target_label) == ("3", "db1 in demo/db")
    assert (sealed.params, sealed.before, sealed.after) == (
        {"purge": False},
        {"power_on": True},
        None,
    )
    assert (sealed.operation_id, sealed.step, sealed.actor_username) == ("op-9", "delete", "alice")
    assert sealed.api_error.startswith("Outcome unknown: started ")
    assert f"by process {left.process}" in sealed.api_error
    assert "may have stopped after calling BigV" in sealed.api_error
    assert not AuditIntent.objects.exists()
    assert seal_intents() == 0  # sealed once
    assert verify_chain().ok


def test_sealing_takes_only_the_old_ones(db, actor):
    old = _crash_in_flight(actor)
    _age(old.pk, grace_seconds() + 1)
    with pytest.raises(Crash), intent(actor=actor, action=Action.VM_RESET):
        raise Crash

    assert seal_intents() == 1
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["vm.delete"]
    assert list(AuditIntent.objects.values_list("action", flat=True)) == ["vm.reset"]
    young = AuditIntent.objects.get()
    assert pending_summary() == PendingSummary(count=1, overdue=0, oldest=young.created_at)


def test_a_result_that_comes_after_sealing_is_kept_as_well(db, actor, caplog):
    # A call that outlived the grace period: two true entries rather than a lost one.
    with (
        caplog.at_level(logging.WARNING, logger="panel.audit.intents"),
        intent(actor=actor, action=Action.VM_RESET) as entry,
    ):
        _age(entry.intent_id, grace_seconds() + 1)
        assert seal_intents() == 1
        entry.succeeded(api_status=200)

    assert list(AuditEntry.objects.order_by("seq").values_list("outcome", flat=True)) == [
        "unknown",
        "succeeded",
    ]
    assert "sealed as outcome unknown before its result came" in caplog.text
    assert not AuditIntent.objects.exists()
    assert verify_chain().ok


def test_secrets_reach_neither_the_intent_nor_the_sealed_entry(db, actor):
    left = _crash_in_flight(
        actor,
        action=Action.VM_REIMAGE,
        params={
            "root_password": "Hunter2-Sentinel",
            "note": "pw Hunter2-Sentinel",
            "k": "apikey.x1",
        },
        secrets=["Hunter2-Sentinel"],
    )
    stored = repr(AuditIntent.objects.filter(pk=left.pk).values().get())
    assert "Hunter2-Sentinel" not in stored and "apikey.x1" not in stored
    assert left.params == {
        "root_password": "[redacted]",
        "note": "pw [redacted]",
        "k": "[redacted]",
    }

    _age(left.pk, grace_seconds() + 1)
    seal_intents()
    sealed = repr(AuditEntry.objects.values().get())
    assert "Hunter2-Sentinel" not in sealed and "apikey.x1" not in sealed


def test_the_intent_is_committed_before_the_call_and_outlives_the_crash(audit_table_cleanup, actor):
    seen: list[int] = []

    def look_from_another_connection() -> None:
        def look() -> None:
            try:
                seen.append(AuditIntent.objects.filter(action="vm.reset").count())
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()

    with pytest.raises(Crash), intent(actor=actor, action=Action.VM_RESET):
        look_from_another_connection()  # where the BigV call would be
        raise Crash
    look_from_another_connection()

    assert seen == [1, 1]
    assert not AuditEntry.objects.exists()


# --- the three places that write to BigV --------------------------------------------------


def test_group_create_reaching_bigv_before_a_crash_leaves_an_intent(demo_admin, demo_api):
    from panel.inventory.services import group_create

    demo_api.on_request.append(_crash_after("POST"))
    with pytest.raises(Crash):
        group_create(actor=demo_admin, client=demo_api, account="demo", name="crashed")
    demo_api.on_request.clear()

    assert demo_api.group("demo", "crashed").name == "crashed"  # the write reached BigV
    assert not AuditEntry.objects.filter(action="group.create").exists()
    [left] = AuditIntent.objects.filter(action="group.create")
    assert (left.target_type, left.target_label) == ("group", "crashed in demo")
    assert left.params == {"account": "demo", "name": "crashed"}


def test_group_create_that_completes_is_one_entry(demo_admin, demo_api):
    from panel.inventory.services import group_create

    group = group_create(actor=demo_admin, client=demo_api, account="demo", name="complete")

    [entry] = AuditEntry.objects.filter(action="group.create")
    assert (entry.outcome, entry.target_id) == ("succeeded", str(group.id))
    assert not AuditIntent.objects.exists()


def test_a_vm_action_reaching_bigv_before_a_crash_leaves_an_intent(db, actor, demo_api):
    # What every direct VM action runs its one write through (panel.vms.services._guard
    # reads the VM and checks access first; that is not what this test is about).
    from panel.audit.selectors import entries_for_target
    from panel.vms.refs import VmRef
    from panel.vms.services._common import audited

    demo_api.on_request.append(_crash_after("PUT"))
    with pytest.raises(Crash):
        audited(
            actor=actor,
            action=Action.VM_POWER_OFF,
            client=demo_api,
            ref=VmRef("demo", "web", "web1", vm_id=1),
            call=lambda: demo_api.vm_stop("demo", "web", "web1"),
            before={"power_on": True},
        )
    demo_api.on_request.clear()

    assert demo_api.vm("demo", "web", "web1").power_on is False  # the write reached BigV
    assert not AuditEntry.objects.filter(action="vm.power_off").exists()
    [left] = AuditIntent.objects.filter(action="vm.power_off")
    assert (left.target_type, left.target_id, left.target_label) == ("vm", "1", "web1 in demo/web")
    assert left.before == {"power_on": True}

    _age(left.pk, grace_seconds() + 1)
    assert seal_intents() == 1
    [history] = entries_for_target("vm", 1)
    assert (history.action, history.outcome) == ("vm.power_off", "unknown")


def test_a_vm_action_that_completes_is_one_entry(db, actor, demo_api):
    from panel.vms.refs import VmRef
    from panel.vms.services._common import audited

    vm = audited(
        actor=actor,
        action=Action.VM_POWER_OFF,
        client=demo_api,
        ref=VmRef("demo", "web", "web1", vm_id=1),
        call=lambda: demo_api.vm_stop("demo", "web", "web1"),
        after=lambda vm: {"power_on": vm.power_on},
    )

    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.api_status) == ("vm.power_off", "succeeded", 200)
    assert entry.after == {"power_on": vm.power_on}
    assert not AuditIntent.objects.exists()


def _step_context(demo_api: BigVClient) -> Any:
    from django.contrib.auth import get_user_model

    from panel.operations import claims
    from panel.operations.models import Operation
    from panel.operations.steps import StepContext

    user = get_user_model().objects.create_user("olga")
    op = Operation.objects.create(
        kind="spec_change",
        actor=user,
        actor_username="olga",
        account="demo",
        group="web",
        vm_name="web1",
        vm_id=1,
        target_key="vm:1",
        params={"cores": 4},
        plan=[{"name": "power_off", "label": "power off", "args": {}}],
        enqueued_at=timezone.now(),
        lease_owner=claims.resume_token("t1"),
        lease_expires_at=timezone.now() + dt.timedelta(seconds=60),
    )
    lease = claims.claim(op.pk, "t1")
    assert lease is not None
    op.refresh_from_db()
    entry: dict[str, Any] = {"index": 0, "step": "power_off", "status": "running", "state": {}}
    op.step_log = [entry]
    return StepContext(op=op, lease=lease, client=demo_api, args={}, entry=entry)


def test_a_step_write_reaching_bigv_before_a_crash_leaves_an_intent(db, demo_api):
    ctx = _step_context(demo_api)
    demo_api.on_request.append(_crash_after("PUT"))

    with pytest.raises(Crash):
        ctx.write(Action.VM_POWER_OFF, "stop web1", lambda: demo_api.vm_stop("demo", "web", "web1"))
    demo_api.on_request.clear()

    ctx.op.refresh_from_db()
    assert ctx.op.step_log[0]["state"]["pending"] == "stop web1"  # the fence came first
    assert not AuditEntry.objects.exists()
    [left] = AuditIntent.objects.all()
    assert (left.action, left.operation_id, left.step) == (
        "vm.power_off",
        str(ctx.op.pk),
        "power_off",
    )
    assert (left.actor_username, left.params) == ("olga", {"call": "stop web1"})


def test_a_step_write_that_completes_is_one_entry(db, demo_api):
    ctx = _step_context(demo_api)

    ctx.write(Action.VM_POWER_OFF, "stop web1", lambda: demo_api.vm_stop("demo", "web", "web1"))

    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.operation_id) == (
        "vm.power_off",
        "succeeded",
        str(ctx.op.pk),
    )
    assert not AuditIntent.objects.exists()


def test_a_step_write_that_bigv_refuses_is_one_refused_entry(db, demo_api):
    from panel.bigv import NotFound

    ctx = _step_context(demo_api)

    with pytest.raises(NotFound):
        ctx.write(Action.VM_POWER_OFF, "stop nope", lambda: demo_api.vm_stop("demo", "web", "nope"))

    [entry] = AuditEntry.objects.all()
    assert (entry.outcome, entry.api_status) == ("refused", 404)
    assert not AuditIntent.objects.exists()


# --- where intents show ---------------------------------------------------------------------


@pytest.fixture
def reader(client, django_user_model):
    # An auditor: reads the whole trail, pending intents included.
    dave = django_user_model.objects.create_user("dave")
    dave.groups.set([Group.objects.get(name="auditor")])
    client.force_login(dave)
    return client


def test_the_audit_page_shows_intents_as_outcome_unknown_not_in_the_chain(reader, actor):
    from panel.audit import record

    record(actor=actor, action=Action.VM_RESET, outcome=Outcome.SUCCEEDED)
    stale = _crash_in_flight(actor, target=Target.vm(3, "db1\n<b>x</b>", "demo", "db"))
    _age(stale.pk, grace_seconds() + 1)
    with pytest.raises(Crash), intent(actor=actor, action=Action.VM_RESET):
        raise Crash

    response = reader.get(reverse("audit:list"))

    page = response.context["page"]
    assert [i.action for i in page.pending] == ["vm.reset", "vm.delete"]  # newest first
    assert [e.seq for e in page.entries] == [1]  # the chain holds only the completed one
    html = response.content.decode()
    assert "Outcome unknown: not in the chain yet" in html
    assert "no result yet (may still be running)" in html
    assert "its process may have stopped after calling BigV" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"outcome": "unknown"}, ["vm.delete"]),
        ({"outcome": "succeeded"}, []),
        ({"actor": "ALICE"}, ["vm.delete"]),
        ({"actor": "bob"}, []),
        ({"action": "vm.delete"}, ["vm.delete"]),
        ({"action": "vm.reset"}, []),
        ({"q": "db1"}, ["vm.delete"]),
        ({"q": "purge"}, ["vm.delete"]),
        ({"target_type": "vm", "target_id": "3"}, ["vm.delete"]),
        ({"operation": "op-9"}, ["vm.delete"]),
        ({"request": "req-0123456789ab"}, ["vm.delete"]),
        ({"request": "req-other"}, []),
        ({"before": "1"}, []),  # an older page: intents are the newest, shown on the first
    ],
)
def test_intents_follow_the_page_filters(reader, actor, query, shown):
    from panel.audit import record

    record(actor=actor, action=Action.AUTH_LOGIN, outcome=Outcome.SUCCEEDED)
    _crash_in_flight(actor)

    response = reader.get(reverse("audit:list"), query)

    assert [i.action for i in response.context["page"].pending] == shown


# --- the beat task and the command --------------------------------------------------------


def test_celery_beat_runs_the_sealing_task(db, actor, settings):
    from panel.audit import tasks
    from panel.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE["seal-audit-intents"]
    assert schedule["task"] == tasks.seal_intents.name == "panel.audit.seal_intents"
    assert "panel.audit.seal_intents" in app.tasks
    assert 0 < schedule["schedule"] <= settings.PANEL_AUDIT_INTENT_GRACE_SECONDS
    # An in-flight call is never sealed: the grace period is well past the longest call.
    assert settings.PANEL_AUDIT_INTENT_GRACE_SECONDS > settings.BIGV_DEADLINE

    left = _crash_in_flight(actor)
    assert tasks.seal_intents() == 0
    _age(left.pk, grace_seconds() + 1)
    assert tasks.seal_intents() == 1
    assert AuditEntry.objects.get().outcome == "unknown"


def test_audit_seal_command(db, actor, capsys):
    left = _crash_in_flight(actor)
    _age(left.pk, grace_seconds() + 1)
    with pytest.raises(Crash), intent(actor=actor, action=Action.VM_RESET):
        raise Crash

    call_command("audit_seal")

    assert capsys.readouterr().out.strip() == (
        "Sealed 1 intent(s) as outcome unknown; 1 younger one(s) left."
    )
    assert list(AuditEntry.objects.values_list("action", "outcome")) == [("vm.delete", "unknown")]
    with pytest.raises(CommandError, match="at least the grace period"):
        call_command("audit_seal", "--older-than", "1")
