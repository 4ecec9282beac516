"""With the real Celery worker: an operation that fails on BigV ends in a signed webhook,
sent by the worker — to a receiver that is down at first and comes up while the worker
backs off (PANEL_NOTIFY_RETRY_SECONDS is 0.3 s for the test worker)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from panel.audit.models import AuditEntry
from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key
from panel.notifications.models import Delivery
from panel.vm_changes.services import plan_spec_change
from tests.notifications.conftest import choose
from tests.notifications.receiver import signature_ok
from tests.operations.helpers import fault, plan_and_start, ref, wait_for, wait_terminal, write_path

pytestmark = pytest.mark.xdist_group("celery")

REFUSED = {
    "status": 400,
    "body": json.dumps({"cores": ["refused by the test"]}),
    "content_type": "application/json",
    "times": 2,
}


@pytest.fixture
def alice(transactional_db: Any, sim: Any) -> Any:
    user = get_user_model().objects.create_user(username="alice", email="alice@example.org")
    credentials_connect_api_key(actor=Actor.system(), user=user, api_key="apikey.demo-key")
    return user


def test_a_failed_operation_reaches_a_receiver_that_was_down(worker, alice, sim, receiver):
    secret = choose(alice, webhook_enabled=True, webhook_url=receiver.url).new_secret
    fault(sim, "PUT", write_path("web1"), **REFUSED)  # the first write: nothing changes
    op = plan_and_start(
        alice, plan_spec_change, ref=ref("web1"), cores=4, memory=4096, grace_seconds=5
    )
    op = wait_terminal(op)
    assert op.status == "failed", (op.status, op.error)

    tried = wait_for(
        lambda: Delivery.objects.filter(user=alice, attempts__gte=1, status="retrying").first(),
        message="a first try that finds the receiver down",
    )
    assert tried.event_key == f"operation:{op.pk}" and "Could not reach" in tried.last_error
    receiver.start()
    delivered = wait_for(
        lambda: Delivery.objects.filter(pk=tried.pk, status="delivered").first(),
        message="the delivery once the receiver is up",
    )
    assert delivered.attempts >= 2
    [got] = receiver.received
    assert signature_ok(secret, got.headers, got.body)
    body = json.loads(got.body)
    assert body["panel"]["operation"] == str(op.pk) and body["panel"]["status"] == "failed"
    assert body["text"].startswith("Failed (nothing was changed): ")
    entry = AuditEntry.objects.get(action="notification.send")
    assert entry.outcome == "succeeded" and entry.params["attempts"] == delivered.attempts
