"""Groups, discs, NICs and IPs through ``BigVClient`` against the simulator
(docs/bigv-api.md §7.3, §7.5, §7.6, §9)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from panel.bigv import BadRequest, BigVClient, DiscSpec, NotFound, VirtualMachineSpec
from tests.bigv_integration.conftest import Control, Sim

# ---- groups ------------------------------------------------------------------------------


def test_group_create_rename_delete(demo: BigVClient, ids: dict[str, int], ctl: Control) -> None:
    since = ctl.last_seq()
    created = demo.group_create("demo", name="staging-area")
    assert created.name == "staging-area" and created.account_id == ids["demo"]
    assert ctl.requests(since)[0]["status"] == 200  # POST groups -> 200 (docs/bigv-api.md §13, C10)
    assert "staging-area" in [g.name for g in demo.groups("demo")]

    renamed = demo.group_rename("demo", "staging-area", name="qa")
    assert renamed.id == created.id and renamed.name == "qa"
    assert demo.group("demo", created.id).name == "qa"
    with pytest.raises(NotFound):
        demo.group("demo", "staging-area")

    for bad, message in (("web", "has already been taken"), ("Not_A_Label", "is invalid")):
        with pytest.raises(BadRequest) as exc:
            demo.group_create("demo", name=bad)
        assert exc.value.field_errors == {"name": [message]}
    with pytest.raises(BadRequest) as exc:
        demo.group_rename("demo", "qa", name="db")
    assert exc.value.field_errors == {"name": ["has already been taken"]}

    # An empty group deletes.
    demo.group_delete("demo", "qa")
    with pytest.raises(NotFound):
        demo.group("demo", created.id)
    assert [g.name for g in demo.groups("demo")] == ["default", "web", "db"]


def test_group_delete_refused_while_it_holds_vms(demo: BigVClient) -> None:
    with pytest.raises(BadRequest) as exc:
        demo.group_delete("demo", "web")
    err = exc.value
    # 400 text/plain, the generic "failed DELETE" shape, no field errors (§13, C6).
    assert err.status == 400 and err.field_errors == {} and err.disc_errors == []
    assert err.message == "Group still contains virtual machines"
    assert err.body == "Group still contains virtual machines"
    assert demo.group("demo", "web").name == "web"

    # Soft-deleted VMs still count; once purged the group can go.
    demo.group_create("demo", name="temp")
    demo.vm_create("demo", "temp", VirtualMachineSpec(name="tmp1", discs=(DiscSpec(size=2048),)))
    demo.vm_delete("demo", "temp", "tmp1")
    with pytest.raises(BadRequest):
        demo.group_delete("demo", "temp")
    demo.vm_delete("demo", "temp", "tmp1", purge=True)
    demo.group_delete("demo", "temp")
    assert "temp" not in [g.name for g in demo.groups("demo")]


# ---- discs -------------------------------------------------------------------------------


def test_discs_list_and_get(demo: BigVClient, ids: dict[str, int]) -> None:
    discs = demo.vm("demo", "web", "web1").discs
    assert [(d.label, d.size, d.storage_grade) for d in discs] == [
        ("disc-1", 25600, "ssd"),
        ("disc-2", 51200, "sata"),
    ]
    assert all(d.virtual_machine_id == ids["web1"] and d.storage_pool for d in discs)
    assert demo.disc("demo", "web", "web1", "disc-2") == discs[1]
    assert demo.disc("demo", "web", "web1", discs[0].id) == discs[0]  # label or id
    with pytest.raises(NotFound):
        demo.disc("demo", "web", "web1", "disc-9")
    with pytest.raises(NotFound):
        demo.disc("demo", "web", "web2", discs[0].id)  # another VM's disc


def test_disc_create_labels_and_refusals(demo: BigVClient, ctl: Control) -> None:
    hooks: list[tuple[str, str, int | None]] = []
    demo.on_request.append(lambda method, path, status: hooks.append((method, path, status)))
    since = ctl.last_seq()
    disc = demo.disc_create("demo", "web", "web1", size=20480, storage_grade="ssd")
    assert (disc.label, disc.size, disc.storage_grade) == ("disc-3", 20480, "ssd")
    # Without a label the client reads the VM first to pick BC's next disc-N, then POSTs.
    vm_path = "/accounts/demo/groups/web/virtual_machines/web1"
    logged = [(r["method"], r["path"], r["query"], r["status"]) for r in ctl.requests(since)]
    assert logged == [
        ("GET", vm_path, "view=overview", 200),
        ("POST", vm_path + "/discs", "", 201),  # POST discs -> 201 (§13, C10)
    ]
    assert hooks == [("GET", vm_path, 200), ("POST", vm_path + "/discs", 201)]

    named = demo.disc_create("demo", "web", "web1", size=10240, label="scratch")
    assert (named.label, named.storage_grade) == ("scratch", "sata")
    # BC's rule: max(N of disc-N labels, disc count) + 1, counting other labels too.
    assert demo.disc_create("demo", "web", "web1", size=10240).label == "disc-5"

    for label in ("vdb", "sda", "hdc"):
        with pytest.raises(BadRequest) as exc:
            demo.disc_create("demo", "web", "web1", size=10240, label=label)
        assert exc.value.field_errors == {"label": ["is reserved"]}
    with pytest.raises(BadRequest) as exc:
        demo.disc_create("demo", "web", "web1", size=10240, label="scratch")
    assert exc.value.field_errors == {"label": ["has already been taken"]}
    with pytest.raises(BadRequest) as exc:
        demo.disc_create("demo", "web", "web1", size=10, storage_grade="gold", label="x1")
    assert exc.value.field_errors == {
        "size": ["must be greater than or equal to 1024"],
        "storage_grade": ["is not included in the list"],
    }
    assert len(demo.vm("demo", "web", "web1").discs) == 5


def test_disc_resize_grow_only(demo: BigVClient) -> None:
    grown = demo.disc_resize("demo", "web", "web1", "disc-1", size=30720)
    assert grown.size == 30720 and grown.label == "disc-1"
    assert demo.disc("demo", "web", "web1", "disc-1").size == 30720
    with pytest.raises(BadRequest) as exc:
        demo.disc_resize("demo", "web", "web1", "disc-1", size=25600)
    assert exc.value.field_errors == {"size": ["cannot be reduced"]}
    assert demo.disc("demo", "web", "web1", "disc-1").size == 30720


def test_disc_delete_purges(demo: BigVClient, ctl: Control) -> None:
    since = ctl.last_seq()
    demo.disc_delete("demo", "web", "web1", "disc-2")
    (logged,) = ctl.requests(since)
    assert (logged["method"], logged["query"], logged["status"]) == ("DELETE", "purge=true", 204)
    assert [d.label for d in demo.vm("demo", "web", "web1").discs] == ["disc-1"]
    with pytest.raises(NotFound):
        demo.disc_delete("demo", "web", "web1", "disc-2")
    # Discs of a deleted VM cannot change.
    demo.vm_delete("demo", "web", "web2")
    with pytest.raises(BadRequest) as exc:
        demo.disc_delete("demo", "web", "web2", "disc-1")
    assert list(exc.value.field_errors) == ["deleted"]


def test_disc_delete_without_purge_is_a_500(bsim: Sim, demo: BigVClient) -> None:
    """Why ``disc_delete`` always sends ``purge=true``: without it the brain answers 500
    (documented quirk), checked here outside the client."""
    request = urllib.request.Request(
        bsim.api_url + "/accounts/demo/groups/web/virtual_machines/web1/discs/disc-2",
        method="DELETE",
        headers={"Authorization": f"Bearer {bsim.login('demo')}"},
    )
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(request, timeout=10)
    assert exc.value.code == 500
    assert len(demo.vm("demo", "web", "web1").discs) == 2


def test_concurrent_disc_creates_pick_the_same_label(
    bsim: Sim, demo: BigVClient, ctl: Control
) -> None:
    """disc_create's documented race: two creates without a label both compute ``disc-3``;
    the brain refuses the second with a 400 instead of creating a duplicate label. A
    simulator barrier holds the first POST until the second has finished."""
    other = bsim.user("demo")  # one client per thread: BigVClient is not thread-safe
    ctl.call(
        "POST",
        "/barriers",
        {"name": "first-post", "method": "POST", "path": "/web1/discs$", "times": 1},
    )
    outcome: list[object] = []

    def first() -> None:
        try:
            outcome.append(other.disc_create("demo", "web", "web1", size=10240))
        except BadRequest as exc:
            outcome.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        held = ctl.call("POST", "/barriers/first-post/wait", {"timeout": 5})
        assert held.get("timeout") is not True and held["waiting"] == 1
        second = demo.disc_create("demo", "web", "web1", size=20480)
        assert second.label == "disc-3" and second.size == 20480
    finally:
        ctl.call("POST", "/barriers/first-post/release")
        thread.join(timeout=10)
    (result,) = outcome
    assert isinstance(result, BadRequest)
    assert result.field_errors == {"label": ["has already been taken"]}
    assert [d.label for d in demo.vm("demo", "web", "web1").discs] == [
        "disc-1",
        "disc-2",
        "disc-3",
    ]


# ---- NICs and IPs ------------------------------------------------------------------------


def test_nics_embedded_in_the_vm(demo: BigVClient, ids: dict[str, int]) -> None:
    (nic,) = demo.vm("demo", "web", "web1").network_interfaces
    assert nic.virtual_machine_id == ids["web1"] and nic.mac
    v4, v6 = nic.ips
    assert "." in v4 and ":" in v6
    assert list(nic.extra_ips.values()) == [v4]  # routed via the primary IPv4


def test_ip_get_and_rdns(demo: BigVClient) -> None:
    (nic,) = demo.vm("demo", "web", "web1").network_interfaces
    primary, v6 = nic.ips
    ip = demo.ip(primary)
    assert ip.address == primary and ip.rdns == "web1.web.demo.uk0.bigv.io"
    assert demo.ip(v6).address == v6  # IPv6 through an escaped path segment
    updated = demo.ip_set_rdns(primary, "www.example.com")
    assert updated.address == primary and updated.rdns == "www.example.com"
    assert demo.ip(primary).rdns == "www.example.com"
    for bad in ("not a hostname", "localhost", "-bad-.example.com"):
        with pytest.raises(BadRequest) as exc:
            demo.ip_set_rdns(primary, bad)
        assert exc.value.field_errors == {"rdns": ["is invalid"]}
    assert demo.ip(primary).rdns == "www.example.com"
    # An empty rDNS goes back to the default, the VM's hostname.
    assert demo.ip_set_rdns(primary, "").rdns == "web1.web.demo.uk0.bigv.io"
    with pytest.raises(NotFound):
        demo.ip("198.18.0.1")  # not ours / not allocated
