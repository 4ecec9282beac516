"""Read paths of ``BigVClient`` against the simulator: definitions, accounts, groups, VMs,
privileges and users (docs/bigv-api.md §7.1-§7.4, §7.7, §7.8)."""

from __future__ import annotations

import pytest

from panel.bigv import BigVClient, Credentials, NotFound, Unauthorized
from tests.bigv_integration.conftest import Control, Sim

DEMO_GROUPS = ["default", "web", "db"]


def test_definitions_need_no_auth(bsim: Sim, ctl: Control) -> None:
    since = ctl.last_seq()
    anonymous = bsim.client(None)
    defs = anonymous.definitions()
    assert "stretch" in defs.distributions and "bookworm" in defs.distributions
    assert set(defs.storage_grades) == {"sata", "ssd", "archive"}
    assert set(defs.zone_names) == {"manchester", "york"}
    assert "virtio2013" in defs.hardware_profiles
    assert "en-gb" in defs.keymaps and "delete" in defs.sendkeys
    assert defs.distribution_descriptions["stretch"].startswith("Debian")
    assert defs.storage_grade_descriptions["ssd"] == "Premium SSD"
    # Even a client holding a token does not send it to /definitions.
    bsim.client("not-a-valid-token").definitions()
    logged = ctl.requests(since)
    assert [(r["path"], r["status"], r["user"]) for r in logged] == [
        ("/definitions", 200, None),
        ("/definitions", 200, None),
    ]


def test_other_endpoints_need_a_token(bsim: Sim) -> None:
    with pytest.raises(Unauthorized):
        bsim.client(None).accounts()
    with pytest.raises(Unauthorized):
        bsim.client("bogus-token").accounts()


def test_accounts_list_and_get(demo: BigVClient) -> None:
    accounts = demo.accounts()
    # otheruser's account "other" is invisible to demo.
    assert [a.name for a in accounts] == ["demo"]
    assert accounts[0].groups == ()  # no overview, no children
    account = demo.account("demo")
    assert account.id == accounts[0].id and not account.suspended and account.groups == ()
    assert demo.account(account.id).name == "demo"  # id or name
    with pytest.raises(NotFound):
        demo.account("other")


def test_accounts_overview_and_include_deleted(demo: BigVClient) -> None:
    overview = demo.accounts(overview=True)[0]
    assert [g.name for g in overview.groups] == DEMO_GROUPS
    default = next(g for g in overview.groups if g.name == "default")
    names = [vm.name for vm in default.virtual_machines]
    assert names == ["mail", "monitor", "builder", "bastion", "legacy"]
    assert "staging" not in names
    # Embedded VMs carry their discs and NICs.
    mail = default.virtual_machines[0]
    assert mail.discs and mail.network_interfaces and mail.ips

    with_deleted = demo.account("demo", overview=True, include_deleted=True)
    default = next(g for g in with_deleted.groups if g.name == "default")
    staging = next(vm for vm in default.virtual_machines if vm.name == "staging")
    assert staging.deleted is True
    listed = demo.accounts(overview=True, include_deleted=True)[0]
    assert "staging" in {vm.name for g in listed.groups for vm in g.virtual_machines}
    assert "staging" not in {
        vm.name for g in demo.account("demo", overview=True).groups for vm in g.virtual_machines
    }


def test_groups_list_and_get(demo: BigVClient, ids: dict[str, int]) -> None:
    groups = demo.groups("demo")
    assert [g.name for g in groups] == DEMO_GROUPS
    assert {g.account_id for g in groups} == {ids["demo"]}
    web = demo.group("demo", "web")
    assert web.id == ids["group:web"] and web.virtual_machines == ()
    by_id = demo.group(ids["demo"], ids["group:web"], overview=True)
    assert [vm.name for vm in by_id.virtual_machines] == ["web1", "web2", "web3"]
    default = demo.group("demo", "default", overview=True)
    assert "staging" not in [vm.name for vm in default.virtual_machines]
    default = demo.group("demo", "default", overview=True, include_deleted=True)
    assert "staging" in [vm.name for vm in default.virtual_machines]
    with pytest.raises(NotFound):
        demo.group("demo", "nosuchgroup")


def test_vms_nested_list_and_get(demo: BigVClient, ids: dict[str, int]) -> None:
    web = demo.vms("demo", "web")
    assert [vm.name for vm in web] == ["web1", "web2", "web3"]
    assert all(vm.discs == () for vm in web)  # plain lists do not embed
    assert [vm.name for vm in demo.vms("demo", "default")] == [
        "mail",
        "monitor",
        "builder",
        "bastion",
        "legacy",
    ]
    assert "staging" in [vm.name for vm in demo.vms("demo", "default", include_deleted=True)]

    web1 = demo.vm("demo", "web", "web1")
    assert web1.id == ids["web1"]
    assert (web1.cores, web1.memory, web1.power_on) == (2, 2048, True)
    assert [d.label for d in web1.discs] == ["disc-1", "disc-2"]
    assert [d.size for d in web1.discs] == [25600, 51200]
    assert web1.hostname == "web1.web.demo.uk0.bigv.io"
    assert web1.head and web1.management_address
    assert len(web1.network_interfaces) == 1 and len(web1.network_interfaces[0].extra_ips) == 1
    assert web1.last_imaged_with == "bookworm"
    # by id, in every segment
    assert demo.vm(ids["demo"], ids["group:web"], ids["web1"]) == web1
    # seeded extras
    assert demo.vm("demo", "default", "monitor").keymap == "en-gb"
    builder = demo.vm("demo", "default", "builder")
    assert builder.cdrom_url and builder.cdrom_url.endswith(".iso") and not builder.power_on
    assert builder.head is None
    legacy = demo.vm("demo", "default", "legacy")
    assert legacy.hardware_profile == "compatibility2013" and legacy.hardware_profile_locked

    with pytest.raises(NotFound):
        demo.vm("demo", "default", "staging")
    assert demo.vm("demo", "default", "staging", include_deleted=True).deleted is True
    with pytest.raises(NotFound):
        demo.vm("demo", "default", "web1")  # wrong group


def test_vm_by_id(demo: BigVClient, ids: dict[str, int]) -> None:
    mail = demo.vm_by_id(ids["mail"])
    assert mail.name == "mail" and mail.discs and mail.network_interfaces
    with pytest.raises(NotFound):
        demo.vm_by_id(ids["staging"])
    assert demo.vm_by_id(ids["staging"], include_deleted=True).name == "staging"
    with pytest.raises(NotFound):
        demo.vm_by_id(999_999)


def test_privileges_of_demo_viewer_and_api_key(bsim: Sim, ids: dict[str, int]) -> None:
    (demo_priv,) = bsim.user("demo").privileges()
    assert demo_priv.level == "account_admin" and demo_priv.account_id == ids["demo"]
    assert demo_priv.username == "demo" and demo_priv.api_key_id is None

    (viewer_priv,) = bsim.user("viewer").privileges()
    assert viewer_priv.level == "vm_console"
    assert viewer_priv.virtual_machine_id == ids["web1"]

    key = Credentials.api_key("demo-key")
    assert key == "apikey.demo-key"
    (key_priv,) = bsim.client(key).privileges()
    assert key_priv.level == "account_admin" and key_priv.account_id == ids["demo"]
    assert key_priv.api_key_id is not None and key_priv.password_required is False

    (webadmin_priv,) = bsim.user("webadmin").privileges()
    assert webadmin_priv.level == "group_admin" and webadmin_priv.group_id == ids["group:web"]


def test_user_get(demo: BigVClient) -> None:
    me = demo.user("demo")
    assert me.username == "demo" and me.email == "demo@example.com"
    assert me.authorized_keys.startswith("ssh-ed25519 ")
    assert demo.user(me.id) == me
    # Other users are invisible (404), like anything the caller cannot read.
    with pytest.raises(NotFound):
        demo.user("viewer")


def test_client_handle_never_shows_the_token(bsim: Sim) -> None:
    token = bsim.login("demo")
    with BigVClient(api_url=bsim.api_url + "/", token=token) as client:
        assert client.api_url == bsim.api_url  # trailing slash dropped
        assert token not in repr(client)
        assert client.account("demo").name == "demo"
    auth = bsim.auth()
    assert bsim.auth_url in repr(auth) and token not in repr(auth)
