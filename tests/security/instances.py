"""Concrete URLs for URL patterns: path parameters filled from the simulator's demo world."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from panel.audit import Action, Outcome, record
from panel.core.actor import Actor
from panel.credentials.clients import client_for as bigv_client_for
from panel.operations.models import Batch, Operation
from panel.operations.services import operation_start
from panel.vm_changes import services
from panel.vms.refs import VmRef
from tests.security.urlconf import UrlPatternInfo
from tests.security.world import DemoObjects, panel_user


def _operation_and_batch(values: dict[str, str]) -> None:
    """An operation and a batch a teammate started on web1 (never run: no worker here)."""
    existing = Operation.objects.filter(actor__username="teammate-ops").first()
    if existing is not None:  # one per test: a second start on web1 would be "busy"
        batch = Batch.objects.get(actor_id=existing.actor_id)
        values.update(operation_id=str(existing.pk), batch_id=str(batch.pk))
        return
    teammate = panel_user("accountadmin", username="teammate-ops")
    actor = Actor(user_id=teammate.pk, username=teammate.username, ip=None, request_id="-")
    ref = VmRef(account="demo", group="web", vm="web1")
    with bigv_client_for(teammate) as client:
        plan = services.plan_graceful(client=client, ref=ref, restart=True)
        operation = operation_start(actor=actor, plan=plan)
        batch = services.batch_start(
            actor=actor,
            client=client,
            refs=[VmRef(account="demo", group="web", vm="web2")],
            kind="graceful_restart",
            params={"grace_seconds": 60},
            concurrency=1,
            stop_after_failures=0,
        )
    values.update(operation_id=str(operation.pk), batch_id=str(batch.pk))


def url_values(
    objects: DemoObjects, info: UrlPatternInfo, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """Every parameter a URL of the panel may have, for ``info``; ``overrides`` last."""
    teammate = panel_user("anonymous", username="teammate")  # a panel user with no BigV
    values = {
        "account": "demo",
        "group": "web",
        "vm": "web1",
        "web1_id": str(objects.web1_id),
        "vm_id": str(objects.web1_id),
        "disc": str(objects.web1_disc_ids[-1]),
        "address": objects.web1_extra_ip,
        "fmt": "csv",
        "app_label": "auth",
        "url": "nope/",
        "id": str(teammate.pk),
        "content_type_id": "4",
        "object_id": str(teammate.pk),
    }
    if {"operation_id", "batch_id"} & set(info.params):
        _operation_and_batch(values)
    entry = record(
        actor=Actor.system(),
        action=Action.AUTH_LOGIN_FAILED,
        outcome=Outcome.REFUSED,
        params={"username": "someone"},
    )
    values["seq"] = str(entry.seq)
    if "auth/group" in info.route or "auth_group" in info.key:
        values["object_id"] = str(Group.objects.get_or_create(name="on-call")[0].pk)
    elif "audit" in info.route and "object_id" in info.params:
        values["object_id"] = str(entry.pk)
    values.update(overrides or {})
    return values


def url_path(info: UrlPatternInfo, values: dict[str, str]) -> str:
    kwargs = {name: values[name] for name in info.params}
    if info.name:
        return reverse(info.name, kwargs=kwargs)
    path = info.route.removeprefix("^").removesuffix("$")
    for name, value in kwargs.items():
        path = path.replace(f"<path:{name}>", value).replace(f"(?P<{name}>.*)", value)
    return "/" + path
