"""The people and objects the security tests use, taken from the simulator's demo world.

Roles: a panel role, and the person's own BigV credential (each sees and does what theirs
allows):

* ``anonymous`` — not logged in;
* ``outsider`` — operator, BigV ``otheruser`` (account_admin on ``other``): nothing in ``demo``;
* ``viewer`` — operator, BigV ``viewer`` (vm_console on ``demo/web/web1``): may see web1 (and
  so its group and account) and open its console, change nothing;
* ``groupadmin`` — operator, BigV ``webadmin`` (group_admin on ``demo/web``);
* ``accountadmin`` — operator, BigV ``demo`` (account_admin on ``demo``);
* ``auditor`` — auditor (sees every operation and audit entry, changes nothing), BigV ``demo``;
* ``owner`` — superuser (the team's administrator: admin pages, anyone's work), BigV ``demo``.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from panel.core.actor import Actor
from panel.credentials.services import credentials_connect_api_key, credentials_connect_password

ROLES = ("anonymous", "outsider", "viewer", "groupadmin", "accountadmin", "auditor", "owner")
API_KEYS = {
    "viewer": "apikey.viewer-key",
    "groupadmin": "apikey.webadmin-key",
    "accountadmin": "apikey.demo-key",
    "auditor": "apikey.demo-key",
    "owner": "apikey.demo-key",
}
PANEL_PASSWORD = "matrix-panel-pw-7d1e"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def panel_user(role: str, *, username: str | None = None) -> Any:
    """A panel user in ``role``, connected to BigV with their own credential."""
    username = username or f"{role}-person"
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = get_user_model().objects.create_user(
        username,
        password=PANEL_PASSWORD,
        is_staff=role == "owner",
        is_superuser=role == "owner",
    )
    if role == "auditor":
        user.groups.set([Group.objects.get(name="auditor")])
    actor = Actor.system()
    if role in API_KEYS:
        credentials_connect_api_key(actor=actor, user=user, api_key=API_KEYS[role])
    elif role == "outsider":
        credentials_connect_password(
            actor=actor, user=user, username="otheruser", password="other-password"
        )
    return user


def client_for(role: str, **client_options: Any) -> Client:
    client = Client(**client_options)
    if role != "anonymous":
        client.force_login(panel_user(role))
    return client


@dataclass(frozen=True)
class DemoObjects:
    """Ids the URL parameters are filled from (names are as BigV has them)."""

    web1_id: int
    web1_disc_ids: tuple[int, ...]
    web1_extra_ip: str
    web_group_id: int


def demo_objects(sim: Any) -> DemoObjects:
    world = sim.world
    with world.lock:
        demo = world.accounts[world.account_by_name["demo"]]
        web = world.groups[world.group_names[demo.id]["web"]]
        web1 = world.vms[world.vm_names[web.id]["web1"]]
        discs = tuple(disc.id for disc in world.vm_discs_of(web1))
        extra = next(ip for nic in world.vm_nics_of(web1) for ip in nic.extra_ips)
        if "spare" not in world.group_names[demo.id]:
            # An empty group: the only kind BigV lets anyone delete.
            world.add_group(demo, "spare")
    return DemoObjects(
        web1_id=web1.id, web1_disc_ids=discs, web1_extra_ip=extra, web_group_id=web.id
    )


# --- the simulator's request log ------------------------------------------------------------


def _control(sim: Any, method: str, path: str) -> Any:
    request = urllib.request.Request(f"{sim.control_url}{path}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw.strip() else None


def clear_api_log(sim: Any) -> None:
    _control(sim, "DELETE", "/requests")


def api_requests(sim: Any) -> list[dict[str, Any]]:
    """Brain and auth requests since the log was cleared (the control API is never logged)."""
    return list(_control(sim, "GET", "/requests")["requests"])


def writes(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests if r["method"] in WRITE_METHODS and r.get("service") != "auth"]
