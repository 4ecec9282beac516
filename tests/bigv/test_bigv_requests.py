"""Every BigVClient method: the exact request it sends and the type it returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from bigv_helpers import API, TOKEN
from test_bigv_grants import CASES as GRANTS  # privileges and API keys, run here too

from panel.bigv import (
    Account,
    BigVClient,
    ClientConfig,
    Definitions,
    Disc,
    DiscSpec,
    Group,
    ImageInstall,
    Ip,
    Privilege,
    User,
    VirtualMachine,
    VirtualMachineSpec,
)

VM = {
    "id": 7,
    "name": "web1",
    "group_id": 3,
    "cores": 1,
    "memory": 1024,
    "power_on": True,
    "autoreboot_on": True,
}
GROUP = {"id": 3, "account_id": 1, "name": "default"}
ACCOUNT = {"id": 1, "name": "acme", "suspended": False}
DISC = {"id": 9, "label": "disc-2", "size": 20480, "storage_grade": "ssd"}
IP = {"address": "192.0.2.1", "rdns": "web1.example.com"}
PRIV = {"id": 4, "level": "vm_admin", "username": "alice", "virtual_machine_id": 7}
USER = {"id": 5, "username": "alice", "email": "a@example.com", "authorized_keys": ""}
DEFS = [{"id": "distributions", "data": ["stretch"]}]
VMP = "/accounts/acme/groups/default/virtual_machines/web1"
SPEC = VirtualMachineSpec(
    name="newvm",
    cores=2,
    memory=2048,
    zone_name="york",
    discs=(DiscSpec(size=51200, storage_grade="archive"), DiscSpec(size=10240, label="data")),
    reimage=ImageInstall("stretch", root_password="hunter2"),
)

Call = Callable[[BigVClient], Any]

# A table, one case per row (ruff would spread each row over a dozen lines):
# (call, method, path, query, body sent, reply body, reply status, expected result check)
CASES: list[tuple[str, Call, str, str, str, Any, Any, int, Callable[[Any], bool]]] = [
    ("definitions", lambda c: c.definitions(), "GET", "/definitions", "", None, DEFS, 200,
     lambda r: isinstance(r, Definitions) and r.distributions == ("stretch",)),
    ("accounts", lambda c: c.accounts(), "GET", "/accounts", "", None, [ACCOUNT], 200,
     lambda r: r == [Account(id=1, name="acme")]),
    ("accounts:overview", lambda c: c.accounts(overview=True, include_deleted=True), "GET",
     "/accounts", "view=overview&include_deleted=true", None, [ACCOUNT], 200,
     lambda r: isinstance(r[0], Account)),
    ("account", lambda c: c.account("acme"), "GET", "/accounts/acme", "", None, ACCOUNT, 200,
     lambda r: isinstance(r, Account)),
    ("account:id_overview", lambda c: c.account(1, overview=True), "GET", "/accounts/1",
     "view=overview", None, ACCOUNT, 200, lambda r: r.name == "acme"),
    ("groups", lambda c: c.groups("acme"), "GET", "/accounts/acme/groups", "", None, [GROUP],
     200, lambda r: r == [Group(id=3, account_id=1, name="default")]),
    ("group", lambda c: c.group("acme", "default", overview=True, include_deleted=True), "GET",
     "/accounts/acme/groups/default", "view=overview&include_deleted=true", None, GROUP, 200,
     lambda r: isinstance(r, Group)),
    ("group_create", lambda c: c.group_create("acme", name="web"), "POST",
     "/accounts/acme/groups", "", {"name": "web"}, GROUP, 200, lambda r: isinstance(r, Group)),
    ("group_rename", lambda c: c.group_rename("acme", 3, name="prod"), "PUT",
     "/accounts/acme/groups/3", "", {"name": "prod"}, GROUP, 200,
     lambda r: isinstance(r, Group)),
    ("group_delete", lambda c: c.group_delete("acme", "old"), "DELETE",
     "/accounts/acme/groups/old", "", None, None, 204, lambda r: r is None),
    ("vms", lambda c: c.vms("acme", "default", include_deleted=True), "GET",
     "/accounts/acme/groups/default/virtual_machines", "include_deleted=true", None, [VM], 200,
     lambda r: isinstance(r[0], VirtualMachine)),
    ("vm", lambda c: c.vm("acme", "default", "web1"), "GET", VMP, "view=overview", None, VM,
     200, lambda r: r.name == "web1"),
    ("vm:plain_deleted", lambda c: c.vm("acme", "default", "web1", overview=False,
     include_deleted=True), "GET", VMP, "include_deleted=true", None, VM, 200,
     lambda r: isinstance(r, VirtualMachine)),
    ("vm_by_id", lambda c: c.vm_by_id(7), "GET", "/virtual_machines/7", "view=overview", None,
     VM, 200, lambda r: r.id == 7),
    ("vm_by_id:deleted", lambda c: c.vm_by_id(7, include_deleted=True), "GET",
     "/virtual_machines/7", "view=overview&include_deleted=true", None, VM, 200,
     lambda r: r.id == 7),
    ("vm_create", lambda c: c.vm_create("acme", "default", SPEC), "POST",
     "/accounts/acme/groups/default/vm_create", "", {
         "virtual_machine": {"name": "newvm", "cores": 2, "memory": 2048, "zone_name": "york",
                             "autoreboot_on": True},
         "discs": [{"label": "disc-1", "storage_grade": "archive", "size": 51200},
                   {"label": "data", "storage_grade": "sata", "size": 10240}],
         "reimage": {"distribution": "stretch", "root_password": "hunter2",
                     "ssh_public_key": "", "firstboot_script": ""},
     }, {"virtual_machine": VM, "discs": [DISC]}, 202,
     lambda r: r.name == "web1" and r.discs == (Disc.from_json(DISC),)),
    ("vm_update", lambda c: c.vm_update("acme", "default", "web1", cores=2, memory=2048), "PUT",
     VMP, "", {"cores": 2, "memory": 2048}, VM, 200, lambda r: isinstance(r, VirtualMachine)),
    ("vm_start", lambda c: c.vm_start("acme", "default", "web1"), "PUT", VMP, "",
     {"autoreboot_on": True, "power_on": True}, VM, 200, lambda r: r.id == 7),
    ("vm_stop", lambda c: c.vm_stop("acme", "default", "web1"), "PUT", VMP, "",
     {"autoreboot_on": False, "power_on": False}, VM, 200, lambda r: r.id == 7),
    ("vm_restart", lambda c: c.vm_restart("acme", "default", "web1"), "PUT", VMP, "",
     {"autoreboot_on": True, "power_on": False}, VM, 200, lambda r: r.id == 7),
    ("vm_undelete", lambda c: c.vm_undelete("acme", "default", "web1"), "PUT", VMP,
     "include_deleted=true", {"deleted": False}, VM, 200, lambda r: r.id == 7),
    ("vm_move", lambda c: c.vm_move("acme", "default", "web1", group_id=5), "PUT", VMP, "",
     {"group_id": 5}, VM, 200, lambda r: r.id == 7),
    ("vm_delete", lambda c: c.vm_delete("acme", "default", "web1"), "DELETE", VMP, "", None,
     None, 204, lambda r: r is None),
    ("vm_delete:purge", lambda c: c.vm_delete("acme", "default", "web1", purge=True), "DELETE", VMP,
     "purge=true", None, None, 204, lambda r: r is None),
    ("vm_signal", lambda c: c.vm_signal("acme", "default", "web1", "powerdown"), "POST",
     VMP + "/signal", "", {"signal": "powerdown"}, {"signal": "powerdown"}, 200,
     lambda r: r is None),
    ("vm_signal:sendkey", lambda c: c.vm_signal("acme", "default", "web1", "sendkey",
     data="ctrl-alt-delete"), "POST", VMP + "/signal", "",
     {"signal": "sendkey", "data": "ctrl-alt-delete"}, {"signal": "sendkey"}, 200,
     lambda r: r is None),
    ("vm_reimage", lambda c: c.vm_reimage("acme", "default", "web1",
     ImageInstall("stretch", root_password="pw", ssh_public_key="ssh-ed25519 AAA me")),
     "POST", VMP + "/reimage", "", {"distribution": "stretch", "root_password": "pw",
     "ssh_public_key": "ssh-ed25519 AAA me", "firstboot_script": ""}, {}, 200,
     lambda r: r is None),
    ("disc", lambda c: c.disc("acme", "default", "web1", "disc-2"), "GET",
     VMP + "/discs/disc-2", "", None, DISC, 200, lambda r: r.size == 20480),
    ("disc_create", lambda c: c.disc_create("acme", "default", "web1", size=20480,
     storage_grade="ssd", label="data"), "POST", VMP + "/discs", "",
     {"label": "data", "storage_grade": "ssd", "size": 20480}, DISC, 201,
     lambda r: isinstance(r, Disc)),
    ("disc_resize", lambda c: c.disc_resize("acme", "default", "web1", 9, size=30720), "PUT",
     VMP + "/discs/9", "", {"size": 30720}, DISC, 200, lambda r: isinstance(r, Disc)),
    ("disc_delete", lambda c: c.disc_delete("acme", "default", "web1", "disc-2"), "DELETE",
     VMP + "/discs/disc-2", "purge=true", None, None, 204, lambda r: r is None),
    ("ip", lambda c: c.ip("192.0.2.1"), "GET", "/ips/192.0.2.1", "", None, IP, 200,
     lambda r: r == Ip("192.0.2.1", "web1.example.com")),
    ("ip:v6", lambda c: c.ip("2001:db8::1"), "GET", "/ips/2001%3Adb8%3A%3A1", "", None,
     {"ip": "2001:db8::1", "rdns": None}, 200, lambda r: r.address == "2001:db8::1"),
    ("ip_set_rdns", lambda c: c.ip_set_rdns("192.0.2.1", "web1.example.com"), "PUT",
     "/ips/192.0.2.1", "", {"rdns": "web1.example.com"}, IP, 200,
     lambda r: isinstance(r, Ip)),
    ("privileges", lambda c: c.privileges(), "GET", "/privileges", "", None, [PRIV], 200,
     lambda r: isinstance(r[0], Privilege) and r[0].virtual_machine_id == 7),
    ("user", lambda c: c.user("alice"), "GET", "/users/alice", "", None, USER, 200,
     lambda r: isinstance(r, User) and r.username == "alice"),
    ("vm:segments_quoted", lambda c: c.vm("my acct/x", 3, "a?b#c", overview=False), "GET",
     "/accounts/my%20acct%2Fx/groups/3/virtual_machines/a%3Fb%23c", "", None, VM, 200,
     lambda r: r.id == 7),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body", "reply", "status", "check"),
    [case[1:] for case in (*CASES, *GRANTS)],
    ids=[case[0] for case in (*CASES, *GRANTS)],
)
def test_request_sent_and_result(
    client: BigVClient,
    rsps: responses.RequestsMock,
    call: Call,
    method: str,
    path: str,
    query: str,
    body: Any,
    reply: Any,
    status: int,
    check: Callable[[Any], bool],
) -> None:
    kwargs: dict[str, Any] = {"status": status}
    if reply is not None:
        kwargs["json"] = reply
    rsps.add(method, API + path, **kwargs)

    result = call(client)

    assert check(result), result
    assert len(rsps.calls) == 1
    request = rsps.calls[0].request
    url = urlsplit(request.url)
    assert (request.method, url.path, url.query) == (method, path, query)
    assert (json.loads(request.body) if request.body else None) == body
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "bigv-panel/0.1"
    if path == "/definitions":
        assert "Authorization" not in request.headers
    else:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_every_public_method_is_covered() -> None:
    from test_bigv_backups_requests import CASES as BACKUPS  # backups and schedules
    from test_bigv_moves_requests import CASES as MOVES  # addresses, moves, rescue boots

    covered = {name.split(":")[0] for name, *_ in (*CASES, *MOVES, *GRANTS, *BACKUPS)}
    # Read-modify-write of the user (GET then PUT): tests/console/test_bigv_ssh_keys.py.
    covered |= {"authorized_keys", "authorized_key_add", "authorized_key_delete"}
    public = {
        name
        for name in dir(BigVClient)
        if not name.startswith("_") and callable(getattr(BigVClient, name))
    }
    assert public - covered == {"close", "answered"}  # neither calls the API


def test_answered_collects_what_the_api_answered_inside_its_block(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("GET", API + VMP, json=VM)
    rsps.add("PUT", API + VMP, json=VM, status=200)
    hooks_before = list(client.on_request)

    client.vm("acme", "default", "web1")  # before the block: not collected
    with client.answered() as answer:
        client.vm_update("acme", "default", "web1", cores=2)
    assert (answer.statuses, answer.status) == ([200], 200)
    assert client.on_request == hooks_before  # the block's hook is gone again

    rsps.reset()
    retried = BigVClient(api_url=API, token=TOKEN, config=ClientConfig(backoff_base=0.0))
    rsps.add("GET", API + VMP, status=503, json={"error": "busy"})
    rsps.add("GET", API + VMP, json=VM)
    with retried, retried.answered() as answer:
        retried.vm("acme", "default", "web1")
    # Every attempt, retries included; the result came from the last one.
    assert (answer.statuses, answer.status) == ([503, 200], 200)


def test_disc_create_without_label_reads_the_vm_first(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    existing = [
        {"id": 1, "label": "vda", "size": 25600, "storage_grade": "sata"},
        {"id": 2, "label": "disc-3", "size": 1024, "storage_grade": "sata"},
    ]
    rsps.add("GET", API + VMP, json={**VM, "discs": existing})
    rsps.add("POST", API + VMP + "/discs", json=DISC, status=201)

    disc = client.disc_create("acme", "default", "web1", size=20480)

    assert isinstance(disc, Disc)
    get, post = (call.request for call in rsps.calls)
    assert (get.method, urlsplit(get.url).query) == ("GET", "view=overview")
    # BC's rule: max(N of disc-N labels = 3, disc count = 2) + 1.
    assert json.loads(post.body) == {"label": "disc-4", "storage_grade": "sata", "size": 20480}


def test_vm_update_rejects_unknown_keys_before_any_request(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    with pytest.raises(ValueError, match="cpus"):
        client.vm_update("acme", "default", "web1", cpus=2)
    with pytest.raises(ValueError):
        client.vm_update("acme", "default", "web1")
    assert len(rsps.calls) == 0


def test_vm_signal_validates_data(client: BigVClient, rsps: responses.RequestsMock) -> None:
    with pytest.raises(ValueError):
        client.vm_signal("acme", "default", "web1", "sendkey")
    with pytest.raises(ValueError):
        client.vm_signal("acme", "default", "web1", "reset", data="x")
    with pytest.raises(ValueError):
        client.vm_signal("acme", "default", "web1", "explode")  # type: ignore[arg-type]
    assert len(rsps.calls) == 0


def test_vm_create_accepts_a_flat_vm_body(client: BigVClient, rsps: responses.RequestsMock) -> None:
    rsps.add("POST", API + "/accounts/acme/groups/default/vm_create", json=VM, status=202)
    assert client.vm_create("acme", "default", SPEC).id == 7


def test_on_request_hooks_see_every_attempt(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    seen: list[tuple[str, str, int | None]] = []
    client.on_request.append(lambda *args: seen.append(args))
    client.on_request.append(lambda *args: 1 / 0)  # a broken hook must not break the call
    rsps.add("GET", API + "/accounts", json=[ACCOUNT])
    rsps.add("GET", API + "/accounts/acme", status=404)

    client.accounts(overview=True)
    with pytest.raises(Exception, match="not found"):
        client.account("acme")

    assert seen == [("GET", "/accounts", 200), ("GET", "/accounts/acme", 404)]


def test_trailing_slash_and_scheme() -> None:
    assert BigVClient(api_url="http://h:1/", token=None).api_url == "http://h:1"
    with pytest.raises(ValueError):
        BigVClient(api_url="ftp://h", token=None)


def test_no_token_sends_no_authorization(rsps: responses.RequestsMock) -> None:
    rsps.add("GET", API + "/accounts", json=[])
    with BigVClient(api_url=API, token=None) as c:
        assert c.accounts() == []
    assert "Authorization" not in rsps.calls[0].request.headers
