"""Helpers for the accounts tests: reading the pages and driving the simulator."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from panel.credentials.clients import count_api_calls
from tests.credentials.helpers import connect_key, make_user, sim_call

HTMX = {"HTTP_HX_REQUEST": "true"}


def get_counted(client: Client, url: str, **extra: Any) -> tuple[Any, int]:
    """GET ``url`` and return the response with the number of BigV API calls it made."""
    with count_api_calls() as calls:
        response = client.get(url, **extra)
    return response, len(calls)


def post_counted(client: Client, url: str, data: dict[str, Any], **extra: Any) -> tuple[Any, int]:
    with count_api_calls() as calls:
        response = client.post(url, data, **extra)
    return response, len(calls)


def text(response: Any) -> str:
    return response.content.decode()


def vm_names(response: Any) -> list[str]:
    """The VM rows of the table, in order."""
    return re.findall(r'<tr class="vm-row[^"]*" data-vm="([^"]*)"', text(response))


def group_rows(response: Any) -> dict[str, dict[str, int]]:
    """The account page's groups table: {group: {live, running, off, deleted}}."""
    rows = {}
    for name, body in re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', text(response), re.S):
        rows[name] = {
            key: int(value) for key, value in re.findall(r'class="num count-(\w+)">(\d+)<', body)
        }
    return rows


def add_fault(sim: Any, **spec: Any) -> None:
    sim_call(sim, "POST", "/faults", spec)


def sim_vm_id(sim: Any, account: str, group: str, name: str) -> int:
    """A VM's id, read as the ``demo`` user over the real API (the control API takes ids)."""
    from panel.credentials.clients import client_with_token

    found = client_with_token("apikey.demo-key").group(
        account, group, overview=True, include_deleted=True
    )
    return next(vm.id for vm in found.virtual_machines if vm.name == name)


def connected_client(username: str, api_key: str | None) -> Client:
    """A logged-in test client for a new panel user, connected with ``api_key`` if given."""
    user = make_user(username)
    if api_key is not None:
        connect_key(user, api_key)
    client = Client()
    client.force_login(user)
    return client
