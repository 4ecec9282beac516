"""People who leave stop their work: deactivation and disconnection cancel what they started.

No worker here: a queued operation must end before any forward step — nothing reaches BigV.
(What a worker does with a running one is tests/operations' cancel behaviour.)
"""

from __future__ import annotations

import pytest

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.clients import NotConnected, client_for
from panel.credentials.models import BigVCredential
from panel.credentials.services import credentials_disconnect
from panel.operations import signals
from panel.operations.models import Operation
from panel.vm_changes.services import plan_spec_change
from tests.operations.helpers import brain_requests, plan_and_start, ref, sim_call


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Started operations stay queued: no task reaches a worker another test may run."""
    monkeypatch.setattr("panel.operations.dispatch.send", lambda *args, **kwargs: None)


def test_a_deactivated_persons_queued_operation_never_makes_a_forward_call(alice, sim):
    op = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)
    sim_call(sim, "DELETE", "/requests")

    alice.is_active = False
    alice.save()

    ended = Operation.objects.get(pk=op.pk)
    assert ended.status == "cancelled"
    assert "alice was deactivated" in ended.error
    assert [r for r in brain_requests(sim) if r["method"] != "GET"] == []
    cancel = AuditEntry.objects.get(action="operation.cancel")
    assert (cancel.actor_username, cancel.params["reason"]) == (
        "system",
        "Stopped: alice was deactivated",
    )


def test_disconnecting_stops_queued_work_and_forgets_the_credential(alice, sim):
    op = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)

    assert credentials_disconnect(actor=Actor.system(), user=alice)

    assert Operation.objects.get(pk=op.pk).status == "cancelled"
    assert not BigVCredential.objects.filter(user=alice).exists()


def test_a_credential_is_kept_for_putting_back_what_it_already_changed(alice, sim):
    op = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)
    # As if a worker had already sent its first write.
    Operation.objects.filter(pk=op.pk).update(status="running", touched=True)

    credentials_disconnect(actor=Actor.system(), user=alice)

    kept = BigVCredential.objects.get(user=alice)
    assert kept.status == "retiring"
    assert Operation.objects.get(pk=op.pk).cancel_requested is True
    # Pages can no longer use it; the engine still can, for alice's own operation.
    with pytest.raises(NotConnected):
        client_for(alice)
    with client_for(alice, finishing_own_work=True):
        pass
    # When it ends, the credential goes.
    Operation.objects.filter(pk=op.pk).update(status="rolled_back")
    signals.finished(Operation.objects.get(pk=op.pk))
    assert not BigVCredential.objects.filter(user=alice).exists()
