"""Control endpoints for tests and benchmarks, and a concurrency smoke test."""

from __future__ import annotations

import threading
import time

from tests.simulator.helpers import Client, Control, login, vm_id, vm_path


def test_info_and_clock(ctl: Control) -> None:
    info = ctl.get("").json()
    assert info["speed"] == 50.0 and info["counts"]["accounts"] == 2
    before = ctl.get("/clock").json()["offset"]
    after = ctl.advance(12.5)
    assert after["offset"] == before + 12.5
    assert ctl.post("/clock/advance", {"seconds": -1}).status == 400


def test_vm_state_and_direct_patch(sim, ctl: Control, demo: Client) -> None:
    web2 = vm_id(sim, "web2")
    state = ctl.vm(web2)
    assert state["name"] == "web2" and state["ignore_acpi"] is False and state["pending"] == {}
    assert state["hostname"] == "web2.web.demo.uk0.bigv.io"
    patched = ctl.patch_vm(web2, power_on=False, cores=8)
    assert patched["power_on"] is False and patched["cores"] == 8
    assert demo.get(vm_path("web", "web2")).json()["power_on"] is False
    assert ctl.request("PATCH", f"/vms/{web2}", {"cores": "many"}).status == 400
    assert ctl.request("PATCH", f"/vms/{web2}", {"nonsense": 1}).status == 400
    assert ctl.get("/vms/999999").status == 404


def test_speed_and_timings(ctl: Control, demo: Client) -> None:
    assert (
        ctl.post("/speed", {"speed": 1, "timings": {"acpi_shutdown_seconds": 10}}).json()["speed"]
        == 1.0
    )
    demo.put(vm_path("web", "web3"), {"autoreboot_on": False})
    demo.post(vm_path("web", "web3", "/signal"), {"signal": "powerdown"})
    ctl.advance(9)
    assert demo.get(vm_path("web", "web3")).json()["power_on"] is True
    ctl.advance(1.01)
    assert demo.get(vm_path("web", "web3")).json()["power_on"] is False
    assert ctl.post("/speed", {"speed": 0}).status == 400
    assert ctl.post("/speed", {"timings": {"warp": 1}}).status == 400


def test_populate_and_bench_users(sim, ctl: Control) -> None:
    made = ctl.post(
        "/populate", {"account": "demo", "group": "bulk500", "vms": 500, "power_on_ratio": 0.7}
    )
    assert made.status == 201 and made.json()["vms"] == 500
    added = ctl.post(
        "/users",
        {
            "username": "bench01",
            "password": "bench-pw",
            "api_key": "bench01-key",
            "privileges": [{"level": "group_admin", "account": "demo", "group": "bulk500"}],
        },
    )
    assert added.status == 201
    api = Client(sim.api_url, "apikey.bench01-key")
    vms = api.get("/accounts/demo/groups/bulk500/virtual_machines").json()
    assert len(vms) == 500 and len({v["name"] for v in vms}) == 500
    assert 250 < sum(v["power_on"] for v in vms) < 450
    ips = {
        v["network_interfaces"][0]["ips"][0]
        for v in api.get("/virtual_machines?view=overview").json()
    }
    assert len(ips) == 500
    session = Client(sim.api_url, login(sim, "bench01", "bench-pw"))
    assert session.get("/accounts/demo/groups/web").status == 404
    more = ctl.post("/populate", {"account": "demo", "group": "bulk500", "vms": 10})
    assert more.json()["vms"] == 510
    assert ctl.post("/populate", {"account": "nope", "vms": 1}).status == 404
    assert ctl.post("/users", {"username": "bench01", "password": "x"}).status == 400


def test_fifty_concurrent_clients_on_two_thousand_vms(sim, ctl: Control) -> None:
    ctl.post("/populate", {"account": "demo", "group": "bulk", "vms": 2000})
    token = login(sim, "demo", "demo-password")
    errors: list[object] = []
    statuses: list[int] = []

    def user(n: int) -> None:
        api = Client(sim.api_url, token, log=[])
        try:
            statuses.append(api.get("/accounts/demo/groups/bulk/virtual_machines").status)
            statuses.append(api.get(vm_path("bulk", f"bulk-{n + 1:04d}")).status)
            statuses.append(
                api.put(vm_path("bulk", f"bulk-{n + 1:04d}"), {"cdrom_url": None}).status
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert statuses == [200] * 150
    assert time.monotonic() - started < 10


HOSTILE = '"><img src=x onerror=alert(1)>'


def test_names_the_api_would_refuse_can_be_planted(sim, ctl: Control, demo: Client) -> None:
    web2 = vm_id(sim, "web2")
    assert demo.put(vm_path("web", "web2"), {"name": HOSTILE}).status == 400  # the API's rule
    assert ctl.patch_vm(web2, name=HOSTILE)["name"] == HOSTILE
    # Reachable by id (BigV accepts ids in paths), listed under its new name.
    assert demo.get(f"/virtual_machines/{web2}").json()["name"] == HOSTILE
    names = [vm["name"] for vm in demo.get("/accounts/demo/groups/web/virtual_machines").json()]
    assert HOSTILE in names and "web2" not in names
    # A name taken in the group, or not a name at all, is refused.
    assert ctl.request("PATCH", f"/vms/{web2}", {"name": "web1"}).status == 400
    assert ctl.request("PATCH", f"/vms/{web2}", {"name": ""}).status == 400


def test_groups_can_be_renamed_through_the_control_api(sim, ctl: Control, demo: Client) -> None:
    with sim.world.lock:
        web = sim.world.group_names[sim.world.account_by_name["demo"]]["web"]
    assert ctl.get(f"/groups/{web}").json() == {
        "id": web,
        "account_id": sim.world.account_by_name["demo"],
        "name": "web",
    }
    resp = ctl.request("PATCH", f"/groups/{web}", {"name": HOSTILE})
    assert resp.status == 200 and resp.json()["name"] == HOSTILE
    groups = [g["name"] for g in demo.get("/accounts/demo/groups").json()]
    assert HOSTILE in groups and "web" not in groups
    assert demo.get(f"/accounts/demo/groups/{web}/virtual_machines").status == 200
    assert ctl.request("PATCH", f"/groups/{web}", {"name": "db"}).status == 400
    assert ctl.request("PATCH", f"/groups/{web}", {"colour": "red"}).status == 400
    assert ctl.get("/groups/999999").status == 404
