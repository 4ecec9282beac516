"""Who sees, cancels and stops which operations: each person's own BigV rights decide.

No worker runs here: started operations stay pending, which is all these rules need.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from panel.access.policy import Denied
from panel.audit.models import AuditEntry
from panel.credentials.clients import client_for
from panel.operations.models import Batch, Operation
from panel.vm_changes.services import batch_start, change_start, plan_graceful, plan_spec_change
from tests.access.conftest import browser
from tests.operations.helpers import actor_for, brain_requests, plan_and_start, ref, sim_call

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Started operations stay queued: no task reaches a worker another test may run."""
    monkeypatch.setattr("panel.operations.dispatch.send", lambda *args, **kwargs: None)


def _names(html: str, vm: str) -> bool:
    """Whether the page names the VM: as a word of its own, since an operation's id in a link
    (``…-4db1-…``) may hold the same letters."""
    return re.search(rf"\b{re.escape(vm)}\b", html) is not None


def listed(client: Any) -> list[str]:
    page = client.get(reverse("operations:list"), **HTMX).content.decode()
    return re.findall(r'<th scope="row">([\w-]+)<br>', page)


def test_a_console_only_person_does_not_see_work_on_vms_they_cannot_see(alice, bob, sim):
    db1 = plan_and_start(alice, plan_spec_change, ref=ref("db1"), cores=2)
    web1 = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)
    as_bob = browser(bob)

    assert listed(as_bob) == ["web1"]
    assert as_bob.get(reverse("operations:detail", args=[db1.pk])).status_code == 404
    assert as_bob.get(reverse("operations:progress", args=[db1.pk]), **HTMX).status_code == 404
    assert as_bob.get(reverse("operations:detail", args=[web1.pk])).status_code == 200
    running = as_bob.get(reverse("operations:running"), **HTMX).content.decode()
    assert "web1" in running and not _names(running, "db1")
    # alice sees both (account_admin on demo)
    assert sorted(listed(browser(alice))) == ["db1", "web1"]


def test_an_auditor_sees_everything_and_changes_nothing(alice, audrey, sim):
    db1 = plan_and_start(alice, plan_spec_change, ref=ref("db1"), cores=2)
    as_audrey = browser(audrey)
    assert listed(as_audrey) == ["db1"]
    page = as_audrey.get(reverse("operations:detail", args=[db1.pk])).content.decode()
    assert "Cancel operation" not in page
    refused = as_audrey.post(reverse("operations:cancel", args=[db1.pk]))
    assert refused.status_code == 403
    assert Operation.objects.get(pk=db1.pk).cancel_requested is False


def test_only_the_starter_or_someone_who_may_change_the_vm_cancels(alice, bob, wes, sim):
    op = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)
    url = reverse("operations:cancel", args=[op.pk])

    as_bob = browser(bob)  # vm_console on web1: may look, not cancel
    assert (
        "Cancel operation"
        not in as_bob.get(reverse("operations:detail", args=[op.pk])).content.decode()
    )
    refused = as_bob.post(url)
    assert refused.status_code == 403 and "can cancel this" in refused.content.decode()
    assert Operation.objects.get(pk=op.pk).status == "pending"
    denied = AuditEntry.objects.filter(action="operation.cancel", outcome="denied").get()
    assert denied.actor_username == "bob" and denied.operation_id == str(op.pk)

    # wes is group_admin on web: his own BigV level allows changing web1.
    assert browser(wes).post(url).status_code == 302
    ended = Operation.objects.get(pk=op.pk)
    assert ended.status == "cancelled" and "wes" in ended.error
    [cancel] = AuditEntry.objects.filter(action="operation.cancel", outcome="succeeded")
    assert cancel.actor_username == "wes"


def test_a_batch_shows_only_the_vms_one_may_see_and_only_its_starter_stops_it(alice, bob, sim):
    with client_for(alice) as c:
        batch = batch_start(
            actor=actor_for(alice),
            client=c,
            refs=[ref("web1"), ref("db1")],
            kind="graceful_restart",
            params={"grace_seconds": 30},
            concurrency=1,
            stop_after_failures=0,
        )
    as_bob = browser(bob)
    page = as_bob.get(reverse("operations:batch", args=[batch.pk])).content.decode()
    assert "web1" in page and not _names(page, "db1") and "Stop the batch" not in page
    assert as_bob.post(reverse("operations:batch_stop", args=[batch.pk])).status_code == 403
    assert Batch.objects.get(pk=batch.pk).status == "running"


def test_a_person_without_the_level_is_refused_before_any_api_call(alice, bob, sim):
    with client_for(bob) as c:
        plan = plan_graceful(client=c, ref=ref("web1"), restart=True)
    sim_call(sim, "DELETE", "/requests")
    with client_for(bob) as c:
        try:
            change_start(actor=actor_for(bob), client=c, plan=plan)
        except Denied as refusal:
            assert "vm_console" in refusal.message
        else:
            raise AssertionError("bob may not restart web1")
    assert brain_requests(sim) == []
    assert not Operation.objects.exists()
    assert AuditEntry.objects.get(action="operation.start").outcome == "denied"


def test_the_live_streams_show_only_what_one_may_see(alice, bob, sim, redis_url, settings):
    settings.REDIS_URL = redis_url
    db1 = plan_and_start(alice, plan_spec_change, ref=ref("db1"), cores=2)
    web1 = plan_and_start(alice, plan_spec_change, ref=ref("web1"), cores=4)

    async def scenario() -> tuple[int, str]:
        client = AsyncClient()
        await client.aforce_login(bob)
        hidden = await client.get(reverse("operations:events", args=[db1.pk]))
        team = await client.get(reverse("operations:team_events"))
        stream = aiter(team.streaming_content)
        chunks = [await anext(stream) for _ in range(2)]  # retry:, then count and list
        await team.streaming_content.aclose()
        return hidden.status_code, b"".join(chunks).decode()

    status, team = async_to_sync(scenario)()
    assert status == 404
    assert "web1" in team and not _names(team, "db1") and ">1</span> running now" in team
    assert reverse("operations:detail", args=[web1.pk]) in team
