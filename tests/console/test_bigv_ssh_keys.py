"""The client's SSH-key calls: the exact requests, as the CLI's ``add key`` / ``delete key``
make them (read the user, PUT the whole user back)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from panel.bigv import BigVClient
from panel.bigv.ssh_keys import AmbiguousKey, KeyNotListed

API = "https://brain.test"
ONE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl a@b"
TWO = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 work"
THREE = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQD8 work"
USER = {"id": 5, "username": "grease", "email": "grease@jeff.jeff", "authorized_keys": ONE}


@pytest.fixture
def rsps() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def client() -> BigVClient:
    return BigVClient(api_url=API, token="t0ken")


def put_body(rsps: Any) -> Any:
    return json.loads(rsps.calls[-1].request.body)


def test_adding_a_key_puts_the_whole_user_back_with_the_key_appended(rsps) -> None:
    rsps.get(f"{API}/users/grease", json=USER)
    rsps.put(f"{API}/users/grease", json={**USER, "authorized_keys": f"{ONE}\n{TWO}"})
    user = client().authorized_key_add("grease", f"  {TWO}\n")
    assert put_body(rsps) == {
        "id": 5,
        "username": "grease",
        "email": "grease@jeff.jeff",
        "authorized_keys": f"{ONE}\n{TWO}",
    }
    assert user.authorized_keys == f"{ONE}\n{TWO}"


def test_adding_a_key_that_is_there_writes_nothing(rsps) -> None:
    rsps.get(f"{API}/users/grease", json=USER)
    assert client().authorized_key_add("grease", ONE.replace("a@b", "other comment")).id == 5
    assert [call.request.method for call in rsps.calls] == ["GET"]


def test_deleting_by_key_or_by_a_unique_comment(rsps) -> None:
    both = {**USER, "authorized_keys": f"{ONE}\n\n{TWO}\n"}
    rsps.get(f"{API}/users/grease", json=both)
    rsps.put(f"{API}/users/grease", json=USER)
    client().authorized_key_delete("grease", TWO)
    assert put_body(rsps)["authorized_keys"] == ONE
    rsps.get(f"{API}/users/grease", json=both)
    rsps.put(f"{API}/users/grease", json=USER)
    client().authorized_key_delete("grease", "work")
    assert put_body(rsps)["authorized_keys"] == ONE


def test_the_last_key_can_go_too(rsps) -> None:
    rsps.get(f"{API}/users/grease", json=USER)
    rsps.put(f"{API}/users/grease", json={**USER, "authorized_keys": ""})
    client().authorized_key_delete("grease", ONE)
    assert put_body(rsps)["authorized_keys"] == ""


def test_an_ambiguous_comment_or_an_unknown_key_is_refused_before_writing(rsps) -> None:
    rsps.get(f"{API}/users/grease", json={**USER, "authorized_keys": f"{TWO}\n{THREE}"})
    with pytest.raises(AmbiguousKey):
        client().authorized_key_delete("grease", "work")
    rsps.get(f"{API}/users/grease", json=USER)
    with pytest.raises(KeyNotListed):
        client().authorized_key_delete("grease", TWO)
    assert all(call.request.method == "GET" for call in rsps.calls)
