"""Transport and client-compatibility requirements (docs/bigv-api.md §4, §5, §14)."""

from __future__ import annotations

from tests.simulator.helpers import ALLOWED_STATUSES, Client, vm_id, vm_path


def test_definitions_need_no_auth_and_include_the_additions(anon: Client) -> None:
    resp = anon.get("/definitions")
    assert resp.status == 200
    defs = {d["id"]: d["data"] for d in resp.json()}
    assert set(defs) == {
        "distributions",
        "storage_grades",
        "zone_names",
        "distribution_descriptions",
        "storage_grade_descriptions",
        "hardware_profiles",
        "keymaps",
        "sendkeys",
    }
    for distro in ("stretch", "buster", "bookworm", "symbiosis", "wheezy"):
        assert distro in defs["distributions"]
        assert defs["distribution_descriptions"][distro]
    assert defs["hardware_profiles"] == ["virtio2013", "compatibility2013", "virtio2018"]
    assert defs["storage_grades"] == ["sata", "ssd", "archive"]
    assert "delete" in defs["sendkeys"] and "en-gb" in defs["keymaps"]
    assert anon.get("/definitions.json").json() == resp.json()


def test_brain_needs_a_token(anon: Client) -> None:
    for path in ("/accounts", "/accounts/demo", "/no/such/path", "/virtual_machines"):
        resp = anon.get(path)
        assert resp.status == 401
        assert resp.json()["error"]
        assert resp.headers["www-authenticate"].startswith("Bearer")
    assert anon.with_token("not-a-token").get("/accounts").status == 401
    assert anon.get("/accounts", headers={"Authorization": "Basic ZGVtbzpkZW1v"}).status == 401


def test_accounts_is_an_array_and_every_object_is_typed(demo: Client) -> None:
    accounts = demo.get("/accounts?view=overview").json()
    assert isinstance(accounts, list)
    assert [a["name"] for a in accounts] == ["demo"]
    account = accounts[0]
    assert account["type"] == "application/vnd.bigv.account"
    for group in account["groups"]:
        assert group["type"] == "application/vnd.bigv.group"
        for vm in group["virtual_machines"]:
            assert vm["type"] == "application/vnd.bigv.virtual-machine"
            assert all(d["type"] == "application/vnd.bigv.disc" for d in vm["discs"])
            nics = vm["network_interfaces"]
            assert nics and all(n["type"] == "application/vnd.bigv.network-interface" for n in nics)


def test_hostnames_have_the_documented_form(demo: Client) -> None:
    account = demo.get("/accounts/demo?view=overview&include_deleted=true").json()
    for group in account["groups"]:
        for vm in group["virtual_machines"]:
            assert vm["hostname"] == f"{vm['name']}.{group['name']}.demo.uk0.bigv.io"
            assert len(vm["hostname"].split(".")) >= 2


def test_vm_shape_matches_the_fixture(demo: Client) -> None:
    vm = demo.get(vm_path("web", "web1")).json()
    assert set(vm) >= {
        "autoreboot_on",
        "cdrom_url",
        "cores",
        "deleted",
        "discs",
        "group_id",
        "hardware_profile",
        "hardware_profile_locked",
        "head",
        "hostname",
        "id",
        "keymap",
        "last_imaged_with",
        "management_address",
        "memory",
        "name",
        "network_interfaces",
        "power_on",
        "type",
        "zone_name",
    }
    assert vm["power_on"] is True and vm["head"].startswith("head")
    nic = vm["network_interfaces"][0]
    ipv4, ipv6 = nic["ips"]
    assert ipv4.startswith(("192.0.2.", "198.51.100.", "203.0.113.")) and ":" in ipv6
    assert nic["extra_ips"] == {next(iter(nic["extra_ips"])): ipv4}
    assert len(nic["mac"].split(":")) == 6 and nic["vlan_num"] == 1
    off = demo.get(vm_path("db", "db2")).json()
    assert off["power_on"] is False and off["head"] is None


def test_every_2xx_but_delete_has_a_json_body(demo: Client, sim) -> None:
    web1 = vm_path("web", "web1")
    calls = [
        ("GET", "/accounts", None),
        ("GET", "/accounts/demo/groups", None),
        ("GET", web1 + "/discs", None),
        ("GET", web1 + "/nics", None),
        ("GET", "/privileges", None),
        ("GET", "/users", None),
        ("GET", "/api_keys?view=overview", None),
        ("POST", "/accounts/demo/groups", {"name": "fresh"}),
        ("PUT", "/accounts/demo/groups/fresh", {"name": "fresher"}),
        ("PUT", web1, {"cores": 3}),
        ("POST", web1 + "/signal", {"signal": "reset"}),
        ("POST", web1 + "/discs", {"size": 10240}),
        ("PUT", web1 + "/discs/disc-3", {"size": 20480}),
        ("POST", f"{web1}/nics/{vm_id(sim, 'web1')}/ip_create", {"addresses": 1, "family": "ipv4"}),
        ("POST", "/accounts/demo/groups/web/virtual_machines", {"name": "bare"}),
        ("POST", "/api_keys", {"label": "ci"}),
    ]
    for method, path, body in calls:
        resp = demo.request(method, path, body) if body is not None else demo.request(method, path)
        assert 200 <= resp.status < 300, (method, path, resp.status, resp.text)
        assert resp.body and resp.headers["content-type"].startswith("application/json")
        assert resp.json() is not None
    deleted = demo.delete(web1 + "/discs/disc-3?purge=true")
    assert deleted.status == 204 and deleted.body == b""


def test_only_documented_status_codes(demo: Client, anon: Client, viewer: Client) -> None:
    probes = [
        demo.get("/nowhere"),
        demo.request("PATCH", "/accounts"),
        demo.get("/accounts/nope"),
        demo.put(vm_path("web", "web1"), {"memory": 1}),
        demo.delete(vm_path("web", "web1", "/discs/disc-1")),
        demo.put(vm_path("web", "web1"), {"cdrom_url": "ftp://x/y.iso"}),
        viewer.put(vm_path("web", "web1"), {"cores": 4}),
        anon.get("/accounts"),
        demo.put(
            vm_path("web", "web1"), raw=b"{not json", headers={"Content-Type": "application/json"}
        ),
    ]
    assert {p.status for p in probes} == {400, 401, 403, 404, 500}
    assert all(p.status in ALLOWED_STATUSES for p in probes)


def test_bad_bodies_are_400(demo: Client) -> None:
    path = vm_path("web", "web1")
    bad_json = demo.put(path, raw=b"{nope", headers={"Content-Type": "application/json"})
    assert bad_json.status == 400 and "request" in bad_json.json()
    not_object = demo.put(path, [1, 2])
    assert not_object.status == 400
    wrong_type = demo.put(
        path, raw=b"cores=2", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert wrong_type.status == 400 and "Content-Type" in wrong_type.text


def test_names_and_ids_in_every_segment(demo: Client, sim) -> None:
    web1 = vm_id(sim, "web1")
    by_names = demo.get(vm_path("web", "web1")).json()
    with sim.world.lock:
        account_id = sim.world.account_by_name["demo"]
        group_id = sim.world.vms[web1].group_id
    by_ids = demo.get(f"/accounts/{account_id}/groups/{group_id}/virtual_machines/{web1}").json()
    assert by_names == by_ids
    assert demo.get(f"/virtual_machines/{web1}").json() == by_names
    disc = by_names["discs"][0]
    assert demo.get(vm_path("web", "web1", f"/discs/{disc['id']}")).json() == disc
    assert demo.get(vm_path("web", "web1", "/discs/disc-1")).json() == disc
    # A VM in another group is not found through this group's path.
    assert demo.get(f"/accounts/demo/groups/db/virtual_machines/{web1}").status == 404


def test_plus_and_percent_encoded_segments(demo: Client) -> None:
    created = demo.post(vm_path("web", "web1", "/discs"), {"label": "my data", "size": 2048})
    assert created.status == 201 and created.json()["label"] == "my data"
    assert demo.get(vm_path("web", "web1", "/discs/my+data")).json()["label"] == "my data"
    assert demo.get(vm_path("web", "web1", "/discs/my%20data")).json()["label"] == "my data"
    plus = demo.post(vm_path("web", "web1", "/discs"), {"label": "a+b", "size": 2048})
    assert plus.status == 201
    assert demo.get(vm_path("web", "web1", "/discs/a%2Bb")).json()["label"] == "a+b"
    assert demo.get("/accounts/demo/groups/web/virtual_machines/web1/").status == 200


def test_numeric_vm_name_routes_to_id_and_deleted_needs_include_deleted(demo: Client, sim) -> None:
    staging = vm_id(sim, "staging")
    assert demo.get(f"/virtual_machines/{staging}").status == 404
    assert demo.get(vm_path("default", "staging")).status == 404
    vm = demo.get(f"/virtual_machines/{staging}?include_deleted=true&view=overview").json()
    assert vm["deleted"] is True and vm["name"] == "staging" and vm["discs"]
    nested = demo.get(vm_path("default", "staging", "?include_deleted=true&view=overview"))
    assert nested.json()["deleted"] is True


def test_unknown_query_parameters_are_ignored(demo: Client) -> None:
    assert demo.get("/accounts?colour=blue").status == 200
    assert demo.get(vm_path("web", "web1", "?frobnicate=1")).status == 200


def test_overview_and_include_deleted(demo: Client) -> None:
    plain = demo.get("/accounts/demo").json()
    assert "groups" not in plain
    overview = demo.get("/accounts/demo?view=overview").json()
    names = {v["name"] for g in overview["groups"] for v in g["virtual_machines"]}
    assert "staging" not in names and "web1" in names
    with_deleted = demo.get("/accounts?view=overview&include_deleted=true").json()[0]
    names = {v["name"] for g in with_deleted["groups"] for v in g["virtual_machines"]}
    assert "staging" in names
    group = demo.get("/accounts/demo/groups/web?view=overview").json()
    assert [v["name"] for v in group["virtual_machines"]] == ["web1", "web2", "web3"]
    assert "virtual_machines" not in demo.get("/accounts/demo/groups/web").json()
    listed = demo.get("/accounts/demo/groups/web/virtual_machines").json()
    assert "discs" not in listed[0]
    listed = demo.get("/accounts/demo/groups/web/virtual_machines?view=overview").json()
    assert listed[0]["discs"]


def test_non_nested_filters(demo: Client, sim) -> None:
    with sim.world.lock:
        web_id = sim.world.group_names[sim.world.account_by_name["demo"]]["web"]
    by_group = demo.get(f"/virtual_machines?group_id={web_id}").json()
    assert [v["name"] for v in by_group] == ["web1", "web2", "web3"]
    by_name = demo.get("/virtual_machines?account_name=demo&group_name=db").json()
    assert [v["name"] for v in by_name] == ["db1", "db2", "db-replica"]
    everything = demo.get("/virtual_machines").json()
    assert len(everything) == 11  # twelve in demo, one of them deleted; none from "other"
    assert len(demo.get("/virtual_machines?include_deleted=true").json()) == 12
    assert demo.get("/virtual_machines?account_id=abc").json() == []
    groups = demo.get("/groups?account_name=demo").json()
    assert [g["name"] for g in groups] == ["default", "web", "db"]
    assert demo.get(f"/groups/{web_id}").json()["name"] == "web"
    web1 = vm_id(sim, "web1")
    assert [d["label"] for d in demo.get(f"/discs?vm_id={web1}").json()] == ["disc-1", "disc-2"]
    disc_id = demo.get(f"/discs?vm_id={web1}").json()[0]["id"]
    assert demo.get(f"/discs/{disc_id}").json()["virtual_machine_id"] == web1
    assert [n["virtual_machine_id"] for n in demo.get(f"/nics?vm_id={web1}").json()] == [web1]
