"""The operations list, an operation's page, polling (286 at the end), cancel, batch page,
the header indicator, and the VM page fragment."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panel.access.levels import Level
from panel.access.policy import Abilities
from panel.audit import Action, Outcome, record
from panel.core.actor import Actor
from panel.operations.models import Batch, Operation
from tests.operations.helpers import operation_row

HTMX = {"HTTP_HX_REQUEST": "true"}
PLAN = [
    {"name": "power_off", "label": "ACPI shutdown (up to 60 s, then hard off)", "args": {}},
    {"name": "apply_spec", "label": "cores 2→4", "args": {}},
    {"name": "power_on", "label": "power on", "args": {}},
    {"name": "verify", "label": "verify", "args": {}},
]


@pytest.fixture
def user(db: Any) -> Any:
    return get_user_model().objects.create_user(username="carol", password="pw-ui-9f3k")


@pytest.fixture
def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def make_op(user: Any, **overrides: Any) -> Operation:
    now = timezone.now()
    values: dict[str, Any] = {
        "vm_id": 101,
        "target_key": f"vm:{uuid.uuid4().int % 10**9}",
        "params": {"cores": 4},
        "original": {"power_on": True, "autoreboot_on": True, "cores": 2, "memory": 2048},
        "plan": PLAN,
        "step_index": 1,
        "started_at": now,
        "enqueued_at": None,
    }
    return operation_row(user, **(values | overrides))


def text(response: Any) -> str:
    return response.content.decode()


# --- polling -------------------------------------------------------------------------------


def test_polling_an_active_operation_keeps_polling(client, user):
    op = make_op(user)
    response = client.get(reverse("operations:progress", args=[op.pk]), **HTMX)
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in text(response)
    assert "cores 2→4" in text(response)


def test_polling_a_finished_operation_answers_286_and_stops(client, user):
    op = make_op(user, status="succeeded", step_index=4, finished_at=timezone.now())
    response = client.get(reverse("operations:progress", args=[op.pk]) + "?view=detail", **HTMX)
    assert response.status_code == 286  # htmx stops polling on 286
    assert "every 2s" not in text(response)
    assert "Succeeded" in text(response)


def test_the_live_fragment_connects_while_active_and_falls_back_to_polling(user):
    op = make_op(user)
    html = render_to_string("_components/progress.html", {"op": op})
    assert f'sse-connect="{reverse("operations:events", args=[op.pk])}"' in html
    assert 'sse-swap="progress"' in html and 'sse-close="done"' in html
    assert 'hx-trigger="opstreamfailed once"' in html
    assert f'hx-get="{reverse("operations:progress", args=[op.pk])}"' in html
    assert re.search(r'<progress class="op-bar" max="100" value="25"', html)


def test_a_finished_fragment_opens_no_stream(user):
    op = make_op(user, status="rolled_back", finished_at=timezone.now())
    html = render_to_string("_components/progress.html", {"op": op})
    assert "sse-connect" not in html and "hx-get" not in html
    assert "Rolled back" in html


# --- operation page --------------------------------------------------------------------------


def test_the_operation_page_shows_plan_steps_timings_and_audit(client, user):
    started = timezone.now() - dt.timedelta(seconds=75)
    op = make_op(
        user,
        step_index=2,
        started_at=started,
        step_log=[
            {
                "index": 0,
                "step": "power_off",
                "label": PLAN[0]["label"],
                "status": "done",
                "started_at": started.isoformat(),
                "finished_at": (started + dt.timedelta(seconds=12)).isoformat(),
                "detail": "",
            },
            {
                "index": 1,
                "step": "apply_spec",
                "label": "cores 2→4",
                "status": "done",
                "started_at": (started + dt.timedelta(seconds=12)).isoformat(),
                "finished_at": (started + dt.timedelta(seconds=14)).isoformat(),
                "detail": "",
            },
            {
                "index": 2,
                "step": "power_on",
                "label": "power on",
                "status": "running",
                "started_at": (started + dt.timedelta(seconds=14)).isoformat(),
                "finished_at": None,
                "detail": "",
            },
        ],
    )
    actor = Actor(user_id=user.pk, username=user.username, ip="192.0.2.1", request_id="req-ui-1")
    record(
        actor=actor,
        action=Action.OPERATION_START,
        outcome=Outcome.STARTED,
        params={"plan": "x"},
        operation_id=str(op.pk),
    )

    response = client.get(reverse("operations:detail", args=[op.pk]))

    page = text(response)
    assert response.status_code == 200
    assert "Change spec" in page
    assert re.search(r"✓</span> Done", page)
    assert 'aria-current="step"' in page
    assert "12 s" in page  # the first step's duration
    assert "1 min 15 s" in page  # elapsed so far
    assert "Cancel operation" in page
    assert "?view=detail" in page  # the live part streams the detailed body
    assert "operation.start" in page  # the audit entry


def test_cancel_asks_first_without_javascript_then_requests_the_cancel(client, user):
    op = make_op(user)
    url = reverse("operations:cancel", args=[op.pk])
    question = client.get(url)
    assert question.status_code == 200
    assert "Cancel “Change spec" in text(question)

    response = client.post(url)

    assert response.status_code == 302
    assert Operation.objects.get(pk=op.pk).cancel_requested is True


def test_cancel_with_htmx_answers_with_the_live_body(client, user):
    op = make_op(user)
    response = client.post(reverse("operations:cancel", args=[op.pk]), **HTMX)
    assert response.status_code == 200
    assert "Cancel requested" in text(response)
    assert "Cancel operation" not in text(response)


# --- list ------------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_filters_by_user_vm_and_status(client, user):
    # An auditor sees every operation (an operator would see only what their BigV user
    # can see: tests/access).
    user.groups.add(Group.objects.get(name="auditor"))
    other = get_user_model().objects.create_user(username="dave", password="pw-ui-9f3k")
    old = timezone.now() - dt.timedelta(hours=1)
    make_op(user, vm_name="web1", created_at=old, status="succeeded", finished_at=old)
    make_op(other, vm_name="db1", actor_username="dave")
    make_op(user, vm_name="web2", status="failed", finished_at=timezone.now())

    def vms(query: str = "") -> list[str]:
        page = text(client.get(reverse("operations:list") + query, **HTMX))
        return re.findall(r'<th scope="row">([\w-]+)<br>', page)

    assert vms() == ["web2", "db1", "web1"]
    assert vms("?user=dave") == ["db1"]
    assert vms("?vm=web") == ["web2", "web1"]
    assert vms("?status=active") == ["db1"]
    assert vms("?status=finished") == ["web2", "web1"]
    assert vms("?status=failed") == ["web2"]
    assert vms("?status=nonsense") == ["web2", "db1", "web1"]  # junk is ignored


def test_the_list_paginates(client, user):
    for index in range(30):
        make_op(user, vm_name=f"vm{index:02d}", status="succeeded", finished_at=timezone.now())
    first = text(client.get(reverse("operations:list")))
    assert "Page 1 of 2" in first and "page=2" in first
    second = text(client.get(reverse("operations:list") + "?page=2"))
    assert second.count('class="op-row') == 5


@pytest.mark.parametrize(
    "name, args",
    [
        ("operations:list", []),
        ("operations:detail", ["op"]),
        ("operations:running", []),
        ("vm_changes:batch_new", []),
    ],
)
def test_pages_need_a_login(db, user, name, args):
    op = make_op(user)
    url = reverse(name, args=[op.pk if a == "op" else a for a in args])
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- header, batch, VM page ------------------------------------------------------------------


def test_every_page_has_the_running_now_indicator(client, user):
    make_op(user, vm_name="web3")
    page = text(client.get(reverse("operations:list")))
    assert 'id="running-now"' in page
    assert f'sse-connect="{reverse("operations:team_events")}"' in page
    assert ">1</span> running now" in page
    assert "web3" in page
    assert 'href="/operations/"' in page  # the nav link


def test_the_running_now_poll_keeps_polling(client, user):
    make_op(user)
    response = client.get(reverse("operations:running"), **HTMX)
    assert response.status_code == 200 and 'hx-trigger="every 10s"' in text(response)


def test_the_batch_page_shows_each_vm_live_and_stops_polling_when_done(client, user):
    batch = Batch.objects.create(
        actor=user,
        actor_username=user.username,
        kind="power_on",
        concurrency=2,
        stop_after_failures=1,
    )
    make_op(user, vm_name="web1", batch=batch)
    make_op(user, vm_name="web2", batch=batch, status="succeeded", finished_at=timezone.now())

    page = text(client.get(reverse("operations:batch", args=[batch.pk])))
    assert f'sse-connect="{reverse("operations:batch_events", args=[batch.pk])}"' in page
    assert "web1" in page and "web2" in page
    assert "1 active, 1 succeeded" in page

    Operation.objects.filter(batch=batch).update(status="succeeded", finished_at=timezone.now())
    Batch.objects.filter(pk=batch.pk).update(status="finished", finished_at=timezone.now())
    polled = client.get(reverse("operations:batch_progress", args=[batch.pk]), **HTMX)
    assert polled.status_code == 286


def test_the_vm_fragment_shows_the_buttons_and_the_current_operation(user):
    from panel.bigv import VirtualMachine
    from panel.vms.refs import VmRef
    from panel.vms.views._context import action_urls

    vm = VirtualMachine(
        id=101, name="web1", group_id=1, cores=2, memory=2048, power_on=True, autoreboot_on=True
    )
    ref = VmRef(account="demo", group="web", vm="web1", vm_id=101)
    make_op(user, target_key="vm:101")
    # What an account_admin is offered (the page offers only what one's level allows).
    can = Abilities(level=Level.ACCOUNT_ADMIN, may_change=True)
    context = {"vm": vm, "can": can, "urls": action_urls(ref)}  # as the VM page gives it
    html = render_to_string("vm_changes/_vm_actions.html", context)
    for label in ("Change spec", "Move", "Reimage", "Graceful restart", "Graceful shutdown"):
        assert label in html
    assert reverse("vm_changes:spec_change", args=["demo", "web", "web1"]) in html
    assert "sse-connect" in html and "cores 2→4" in html


def test_the_vm_fragment_without_an_operation_has_no_stream(user):
    from panel.bigv import VirtualMachine
    from panel.vms.refs import VmRef
    from panel.vms.views._context import action_urls

    vm = VirtualMachine(
        id=202, name="db2", group_id=2, cores=4, memory=8192, power_on=False, autoreboot_on=False
    )
    ref = VmRef(account="demo", group="db", vm="db2", vm_id=202)
    html = render_to_string("vm_changes/_vm_actions.html", {"vm": vm, "urls": action_urls(ref)})
    assert "sse-connect" not in html
    assert "Graceful restart" not in html  # it is off
