import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from panel.audit import Action, Outcome, Target, record, record_failure
from panel.audit.models import AuditEntry
from panel.audit.verify import verify_chain
from panel.core.actor import Actor


def test_record_stores_every_field(db, actor):
    entry = record(
        actor=actor,
        action=Action.VM_POWER_OFF,
        outcome=Outcome.SUCCEEDED,
        target=Target.vm(42, "web1", "demo", "web"),
        params={"force": False},
        before={"power_on": True},
        after={"power_on": False},
        api_status=200,
        operation_id="op-1",
        step="power_off",
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.seq == 1
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert (stored.actor_username, stored.source_ip) == ("alice", "192.0.2.10")
    assert stored.request_id == "req-0123456789ab"
    assert (stored.action, stored.outcome) == ("vm.power_off", "succeeded")
    assert (stored.target_type, stored.target_id) == ("vm", "42")
    assert stored.target_label == "web1 in demo/web"
    assert stored.params == {"force": False}
    assert (stored.before, stored.after) == ({"power_on": True}, {"power_on": False})
    assert (stored.api_status, stored.api_error) == (200, "")
    assert (stored.operation_id, stored.step) == ("op-1", "power_off")
    assert stored.prev_hash == "0" * 64
    assert len(stored.entry_hash) == 64


def test_entries_chain_in_order(db, actor):
    first = record(actor=actor, action="auth.login", outcome="succeeded")
    second = record(actor=actor, action="auth.logout", outcome="succeeded")

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.entry_hash
    assert verify_chain().ok


def test_target_helpers_label_things_readably():
    assert Target.vm(1, "web1", "demo", "web").label == "web1 in demo/web"
    assert Target.group(7, "web", "demo") == Target("group", "7", "web in demo")
    assert Target.account(3, "demo") == Target("account", "3", "demo")
    assert Target.user(5, "bob") == Target("user", "5", "bob")
    assert Target.operation("abc", "Resize web1") == Target("operation", "abc", "Resize web1")


def test_every_action_has_a_label():
    assert all(action.label for action in Action)
    assert Action.VM_POWERDOWN == "vm.acpi_powerdown"
    assert {o.value for o in Outcome} == {
        "started",
        "succeeded",
        "failed",
        "refused",
        "denied",
        "compensated",
        "cancelled",
        "unknown",
    }
    assert Outcome.UNKNOWN.label == "Outcome unknown"
    assert Outcome.SUCCEEDED.label == "Succeeded"


def test_unknown_action_or_outcome_is_refused(db, actor):
    with pytest.raises(ValueError):
        record(actor=actor, action="vm.poweroff", outcome="succeeded")
    with pytest.raises(ValueError):
        record(actor=actor, action="vm.power_off", outcome="ok")
    assert not AuditEntry.objects.exists()


def test_system_actor_and_odd_ip(db):
    entry = record(
        actor=Actor(user_id=None, username="system", ip="not-an-ip", request_id="-"),
        action=Action.OPERATION_STEP,
        outcome=Outcome.STARTED,
    )
    v6 = record(
        actor=Actor(user_id=3, username="bob", ip="2001:DB8:0:0::1", request_id="r" * 200),
        action=Action.AUTH_LOGIN,
        outcome=Outcome.SUCCEEDED,
    )

    assert entry.source_ip is None
    assert AuditEntry.objects.get(pk=v6.pk).source_ip == "2001:db8::1"
    assert len(v6.request_id) == 64
    assert verify_chain().ok


@dataclasses.dataclass
class _Spec:
    cores: int
    memory: float


def test_unusual_values_are_stored_in_a_form_that_still_verifies(db, actor):
    record(
        actor=actor,
        action=Action.VM_UPDATE,
        outcome=Outcome.SUCCEEDED,
        target=Target.vm(1, "nul\x00name", "demo", "web"),
        params={
            "big": 1e20,
            "half": 0.5,
            "whole": 2.0,
            "tiny": 1.5e-7,
            "nan": float("nan"),
            "decimal": Decimal("2.50"),
            "when": dt.datetime(2026, 11, 27, 14, 3, tzinfo=dt.UTC),
            "tuple": (1, 2),
            "set": {"b", "a"},
            "spec": _Spec(cores=2, memory=1024.0),
            "blob": b"\x00\x01secret",
            "nested": {"deep": [{"x": "\x00"}]},
            3: "int key",
        },
    )

    stored = AuditEntry.objects.get()
    assert stored.target_label == "nul\u2400name in demo/web"
    assert stored.params["big"] == 10**20
    assert stored.params["whole"] == 2
    assert stored.params["nan"] == "nan"
    assert stored.params["set"] == ["a", "b"]
    assert stored.params["spec"] == {"cores": 2, "memory": 1024}
    assert stored.params["blob"] == "[8 bytes]"
    assert stored.params["3"] == "int key"
    assert verify_chain().ok


class _FakeApiError(Exception):
    """Duck-typed like panel.bigv's ApiError: a status, a message, and whether it refused."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.is_refusal = 400 <= status < 500


class TimedOut(Exception):
    pass


@pytest.mark.parametrize(
    ("error", "outcome", "status", "text"),
    [
        (_FakeApiError(403, "You may not"), "refused", 403, "You may not"),
        (_FakeApiError(404, "No such VM"), "refused", 404, "No such VM"),
        (_FakeApiError(400, "cores: too many"), "refused", 400, "cores: too many"),
        (_FakeApiError(500, "Internal error"), "failed", 500, "Internal error"),
        (_FakeApiError(503, "Try later"), "failed", 503, "Try later"),
        (TimedOut("read timed out"), "failed", None, "TimedOut: read timed out"),
    ],
)
def test_record_failure_maps_errors(db, actor, error, outcome, status, text):
    entry = record_failure(
        actor=actor, action=Action.VM_POWER_ON, error=error, target=Target.vm(1, "a", "b", "c")
    )

    assert (entry.outcome, entry.api_status, entry.api_error) == (outcome, status, text)


def test_record_failure_with_the_real_client_errors(db, actor):
    errors = pytest.importorskip("panel.bigv.errors", reason="panel.bigv not written yet")
    forbidden = errors.Forbidden(403, "nope") if _takes_args(errors.Forbidden) else None
    if forbidden is None:
        pytest.skip("panel.bigv.errors.Forbidden has an unexpected constructor")

    entry = record_failure(actor=actor, action=Action.VM_POWER_ON, error=forbidden)

    assert (entry.outcome, entry.api_status) == ("refused", 403)


def _takes_args(cls: type) -> bool:
    try:
        cls(403, "nope")
    except TypeError:
        return False
    return True
