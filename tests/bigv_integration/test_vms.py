"""VM writes through ``BigVClient`` against the simulator: create, update, the running-VM
rule, power, signals, reimage, move, delete/undelete/purge (docs/bigv-api.md §8, §11). The
world runs slowly (conftest.SPEED), so transitions complete only
when the test advances the clock."""

from __future__ import annotations

import msgspec
import pytest

from panel.bigv import (
    BadRequest,
    BigVClient,
    DiscSpec,
    ImageInstall,
    NotFound,
    ServerError,
    VirtualMachine,
    VirtualMachineSpec,
)
from tests.bigv_integration.conftest import LONG, PROVISION, REBOOT, REIMAGE, SHUTDOWN, Control, Sim

ROOT_PASSWORD = "Root-Pw-7f3kq9-SENTINEL"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISshKeySentinel0123456789 me@laptop"
FIRSTBOOT = "#!/bin/sh\necho firstboot-SENTINEL\n"


def _create(client: BigVClient, group: str, name: str) -> VirtualMachine:
    """A VM with one small disc (``vm_create`` needs at least one)."""
    spec = VirtualMachineSpec(name=name, discs=(DiscSpec(size=2048),))
    return client.vm_create("demo", group, spec)


def _without(vm: VirtualMachine, *keys: str) -> dict[str, object]:
    data: dict[str, object] = msgspec.to_builtins(vm)
    for key in keys:
        data.pop(key)
    return data


# ---- create ------------------------------------------------------------------------------


def test_vm_create_provisions_on_clock_advance(bsim: Sim, demo: BigVClient, ctl: Control) -> None:
    spec = VirtualMachineSpec(
        name="newvm",
        cores=2,
        memory=2048,
        zone_name="manchester",
        hardware_profile="virtio2013",
        discs=(DiscSpec(size=25600), DiscSpec(size=10240, storage_grade="ssd")),
        reimage=ImageInstall(
            distribution="stretch",
            root_password=ROOT_PASSWORD,
            ssh_public_key=SSH_KEY,
            firstboot_script=FIRSTBOOT,
        ),
    )
    assert ROOT_PASSWORD not in repr(spec)
    since = ctl.last_seq()
    created = demo.vm_create("demo", "web", spec)
    (logged,) = ctl.requests(since)
    assert (logged["method"], logged["path"], logged["status"]) == (
        "POST",
        "/accounts/demo/groups/web/vm_create",
        202,
    )
    assert created.name == "newvm" and created.power_on is False
    assert [(d.label, d.size, d.storage_grade) for d in created.discs] == [
        ("disc-1", 25600, "sata"),
        ("disc-2", 10240, "ssd"),
    ]
    # The VM exists at once (by name), powered off, not yet imaged.
    now = demo.vm("demo", "web", "newvm")
    assert now.id == created.id and now.power_on is False and now.last_imaged_with is None
    assert now.zone_name == "manchester" and len(now.discs) == 2 and now.network_interfaces
    assert ctl.vm_state(created.id)["activity"] == "provisioning"

    ctl.advance(PROVISION + 1)
    done = demo.vm("demo", "web", "newvm")
    assert done.power_on is True and done.last_imaged_with == "stretch"
    assert done.autoreboot_on is True and done.head

    # No secret of the install spec is echoed, stored or shown by any later GET.
    token = bsim.login("demo")
    bodies = [
        bsim.raw_get("/accounts/demo/groups/web/virtual_machines/newvm", token),
        bsim.raw_get(
            "/accounts/demo/groups/web/virtual_machines/newvm?view=overview&include_deleted=true",
            token,
        ),
        bsim.raw_get(f"/virtual_machines/{created.id}?view=overview", token),
        bsim.raw_get("/accounts/demo/groups/web/virtual_machines/newvm/discs", token),
        bsim.raw_get("/accounts/demo?view=overview&include_deleted=true", token),
        bsim.raw_get("/accounts/demo/groups/web?view=overview", token),
        bsim.raw_get("/virtual_machines?view=overview", token),
        str(ctl.vm_state(created.id)),
    ]
    for body in bodies:
        assert str(created.id) in body
        for secret in (ROOT_PASSWORD, "SshKeySentinel", "firstboot-SENTINEL"):
            assert secret not in body


def test_vm_create_validation_errors_align_with_discs(demo: BigVClient, ctl: Control) -> None:
    spec = VirtualMachineSpec(
        name="Bad_Name",
        cores=99,
        discs=(
            DiscSpec(size=25600),
            DiscSpec(size=10),
            DiscSpec(size=20480, label="vdb"),
            DiscSpec(size=20480, storage_grade="gold"),
        ),
        reimage=ImageInstall(distribution="windows95", root_password=ROOT_PASSWORD),
    )
    since = ctl.last_seq()
    with pytest.raises(BadRequest) as exc:
        demo.vm_create("demo", "default", spec)
    err = exc.value
    assert err.status == 400
    assert err.disc_errors == [
        {},
        {"size": ["must be greater than or equal to 1024"]},
        {"label": ["is reserved"]},
        {"storage_grade": ["is not included in the list"]},
    ]
    assert err.field_errors == {
        "name": ["is invalid"],
        "cores": ["must be less than or equal to 16"],
        "distribution": ["is not included in the list"],
    }
    assert "disc 2 size" in err.message and ROOT_PASSWORD not in err.message + err.body
    assert [r["status"] for r in ctl.requests(since)] == [400]  # POST: never retried
    with pytest.raises(BadRequest) as exc:
        demo.vm_create("demo", "default", VirtualMachineSpec(name="nodiscs"))
    assert "base" in exc.value.field_errors and exc.value.disc_errors == []
    assert "nodiscs" not in [vm.name for vm in demo.vms("demo", "default")]


# ---- update ------------------------------------------------------------------------------


def test_partial_update_changes_only_given_keys(demo: BigVClient, ctl: Control) -> None:
    before = demo.vm("demo", "db", "db2")
    since = ctl.last_seq()
    updated = demo.vm_update("demo", "db", "db2", memory=4096)
    assert updated.memory == 4096
    after = demo.vm("demo", "db", "db2")
    assert _without(after, "memory") == _without(before, "memory")
    updated = demo.vm_update("demo", "db", "db2", cores=2, autoreboot_on=True)
    assert (updated.cores, updated.autoreboot_on, updated.memory) == (2, True, 4096)
    assert updated.power_on is False and updated.name == "db2"
    assert [r["method"] for r in ctl.requests(since)] == ["PUT", "GET", "PUT"]
    # Client-side guards: nothing is sent for an unknown key or an empty update.
    since = ctl.last_seq()
    with pytest.raises(ValueError, match="zone_nmae"):
        demo.vm_update("demo", "db", "db2", zone_nmae="york")
    with pytest.raises(ValueError):
        demo.vm_update("demo", "db", "db2")
    assert ctl.requests(since) == []


def test_rename(demo: BigVClient, ids: dict[str, int]) -> None:
    renamed = demo.vm_update("demo", "web", "web3", name="web3b")
    assert renamed.name == "web3b" and renamed.id == ids["web3"]
    assert renamed.hostname == "web3b.web.demo.uk0.bigv.io"
    assert demo.vm("demo", "web", "web3b").id == ids["web3"]
    with pytest.raises(BadRequest) as exc:
        demo.vm_update("demo", "web", "web3b", name="web2")
    assert exc.value.field_errors == {"name": ["has already been taken"]}
    with pytest.raises(BadRequest) as exc:
        demo.vm_update("demo", "web", "web3b", name="no.dots")
    assert exc.value.field_errors == {"name": ["is invalid"]}
    # BC always sends group_id with a rename: the current group is a no-op.
    again = demo.vm_update("demo", "web", "web3b", name="web3", group_id=ids["group:web"])
    assert again.name == "web3" and again.group_id == ids["group:web"]


def test_cdrom_set_clear_and_invalid_url(demo: BigVClient) -> None:
    iso = "https://example.com/images/rescue.iso"
    assert demo.vm_update("demo", "web", "web2", cdrom_url=iso).cdrom_url == iso
    assert demo.vm("demo", "web", "web2").cdrom_url == iso
    assert demo.vm_update("demo", "web", "web2", cdrom_url=None).cdrom_url is None
    assert demo.vm("demo", "default", "builder").cdrom_url  # seeded netinst CD
    assert demo.vm_update("demo", "default", "builder", cdrom_url="").cdrom_url is None
    # Contract (BC's mapping): an invalid cdrom_url is a 500.
    with pytest.raises(ServerError) as exc:
        demo.vm_update("demo", "web", "web2", cdrom_url="ftp://example.com/x.iso")
    assert exc.value.status == 500
    with pytest.raises(ServerError):
        demo.vm_update("demo", "web", "web2", cdrom_url="not a url")
    assert demo.vm("demo", "web", "web2").cdrom_url is None


def test_keymap(demo: BigVClient) -> None:
    assert demo.vm_update("demo", "web", "web1", keymap="de").keymap == "de"
    assert demo.vm("demo", "web", "web1").keymap == "de"
    assert demo.vm_update("demo", "default", "monitor", keymap=None).keymap is None
    with pytest.raises(BadRequest) as exc:
        demo.vm_update("demo", "web", "web1", keymap="klingon")
    assert exc.value.field_errors == {"keymap": ["is not included in the list"]}


def test_hardware_profile_and_lock(demo: BigVClient) -> None:
    # Locking is accepted while running.
    locked = demo.vm_update("demo", "web", "web1", hardware_profile_locked=True)
    assert locked.hardware_profile_locked is True and locked.power_on is True
    assert demo.vm_update("demo", "web", "web1", hardware_profile_locked=False).power_on
    # Changing the profile needs the VM off (db2 is off).
    changed = demo.vm_update(
        "demo", "db", "db2", hardware_profile="virtio2018", hardware_profile_locked=True
    )
    assert (changed.hardware_profile, changed.hardware_profile_locked) == ("virtio2018", True)
    with pytest.raises(BadRequest) as exc:
        demo.vm_update("demo", "db", "db2", hardware_profile="virtio1999")
    assert exc.value.field_errors == {"hardware_profile": ["is not included in the list"]}
    unlocked = demo.vm_update("demo", "default", "legacy", hardware_profile_locked=False)
    assert unlocked.hardware_profile_locked is False
    assert unlocked.hardware_profile == "compatibility2013"


def test_running_vm_rule(demo: BigVClient, ctl: Control, ids: dict[str, int]) -> None:
    web1 = demo.vm("demo", "web", "web1")
    assert web1.power_on and (web1.cores, web1.memory) == (2, 2048)
    # Increases are accepted while running and reported at once, pending until a power cycle.
    grown = demo.vm_update("demo", "web", "web1", cores=4, memory=4096)
    assert (grown.cores, grown.memory, grown.power_on) == (4, 4096, True)
    pending = ctl.vm_state(ids["web1"])["pending"]
    assert pending["cores"] == {"running": 2, "configured": 4}
    assert pending["memory"] == {"running": 2048, "configured": 4096}

    refusals = {
        "cores": {"cores": 1},
        "memory": {"memory": 1024},
        "hardware_profile": {"hardware_profile": "compatibility2013"},
        "group_id": {"group_id": ids["group:db"]},
    }
    for field, change in refusals.items():
        with pytest.raises(BadRequest) as exc:
            demo.vm_update("demo", "web", "web1", **change)
        assert list(exc.value.field_errors) == [field], change
        assert "while the virtual machine is powered on" in exc.value.field_errors[field][0]
        assert field in exc.value.message
    with pytest.raises(BadRequest) as exc:
        demo.vm_move("demo", "web", "web1", group_id=ids["group:db"])
    assert list(exc.value.field_errors) == ["group_id"]
    # ... even when the same body powers it off (power off first).
    with pytest.raises(BadRequest):
        demo.vm_update("demo", "web", "web1", cores=1, power_on=False)
    after = demo.vm("demo", "web", "web1")
    assert (after.cores, after.memory, after.power_on, after.group_id) == (
        4,
        4096,
        True,
        ids["group:web"],
    )

    # A reset signal does not apply pending changes; a power cycle does.
    demo.vm_signal("demo", "web", "web1", "reset")
    assert ctl.vm_state(ids["web1"])["pending"]["cores"]["running"] == 2
    demo.vm_restart("demo", "web", "web1")
    ctl.advance(REBOOT + 1)
    assert demo.vm("demo", "web", "web1").power_on is True
    assert ctl.vm_state(ids["web1"])["pending"] == {}

    # Once off, decreases, profile changes and moves are all accepted.
    demo.vm_stop("demo", "web", "web1")
    smaller = demo.vm_update(
        "demo", "web", "web1", cores=1, memory=1024, hardware_profile="compatibility2013"
    )
    assert (smaller.cores, smaller.memory, smaller.hardware_profile) == (
        1,
        1024,
        "compatibility2013",
    )


# ---- power -------------------------------------------------------------------------------


def test_start_stop_restart_bodies_and_effects(
    demo: BigVClient, ctl: Control, ids: dict[str, int]
) -> None:
    """The simulator does not log bodies, so each PUT starts from the opposite values: the
    effect shows that both ``autoreboot_on`` and ``power_on`` were sent, as BC sends them."""
    hooks: list[tuple[str, str, int | None]] = []
    demo.on_request.append(lambda method, path, status: hooks.append((method, path, status)))
    since = ctl.last_seq()

    assert ctl.vm_state(ids["db2"])["autoreboot_on"] is False
    started = demo.vm_start("demo", "db", "db2")
    assert started.power_on is True and started.autoreboot_on is True
    ctl.advance(LONG)
    assert demo.vm("demo", "db", "db2").power_on is True

    stopped = demo.vm_stop("demo", "db", "db2")
    assert stopped.power_on is False and stopped.autoreboot_on is False
    ctl.advance(LONG)  # a hard stop stays off
    assert demo.vm("demo", "db", "db2").power_on is False

    demo.vm_start("demo", "db", "db2")
    ctl.patch_vm(ids["db2"], autoreboot_on=False)  # through the control API: not logged
    restarted = demo.vm_restart("demo", "db", "db2")
    # {"autoreboot_on":true,"power_on":false}: off for the reboot, then the brain brings it back.
    assert restarted.power_on is False and restarted.autoreboot_on is True
    assert ctl.vm_state(ids["db2"])["activity"] == "rebooting"
    ctl.advance(REBOOT + 1)
    back = demo.vm("demo", "db", "db2")
    assert back.power_on is True and back.head

    vm_path = "/accounts/demo/groups/db/virtual_machines/db2"
    assert [(r["method"], r["path"], r["status"]) for r in ctl.requests(since)] == [
        ("PUT", vm_path, 200),
        ("GET", vm_path, 200),
        ("PUT", vm_path, 200),
        ("GET", vm_path, 200),
        ("PUT", vm_path, 200),
        ("PUT", vm_path, 200),
        ("GET", vm_path, 200),
    ]
    assert hooks[0] == ("PUT", vm_path, 200) and len(hooks) == 7


def test_signal_powerdown_is_timed(demo: BigVClient, ctl: Control, ids: dict[str, int]) -> None:
    demo.vm_signal("demo", "web", "web2", "powerdown")
    assert demo.vm("demo", "web", "web2").power_on is True  # ACPI takes a while
    assert ctl.vm_state(ids["web2"])["activity"] == "shutting_down"
    ctl.advance(SHUTDOWN + REBOOT / 2)
    # autoreboot_on is true (seeded running VM): off for a moment, then back on.
    assert demo.vm("demo", "web", "web2").power_on is False
    ctl.advance(REBOOT)
    assert demo.vm("demo", "web", "web2").power_on is True

    # The CLI's shutdown: autoreboot off, then powerdown -> stays off.
    demo.vm_update("demo", "web", "web2", autoreboot_on=False)
    demo.vm_signal("demo", "web", "web2", "powerdown")
    ctl.advance(SHUTDOWN + 1)
    assert demo.vm("demo", "web", "web2").power_on is False
    ctl.advance(LONG)
    assert demo.vm("demo", "web", "web2").power_on is False


def test_signal_powerdown_ignored_with_ignore_acpi(
    demo: BigVClient, ctl: Control, ids: dict[str, int]
) -> None:
    ctl.patch_vm(ids["web3"], ignore_acpi=True)
    demo.vm_update("demo", "web", "web3", autoreboot_on=False)
    demo.vm_signal("demo", "web", "web3", "powerdown")
    ctl.advance(LONG)
    assert demo.vm("demo", "web", "web3").power_on is True
    # A hard stop still works.
    assert demo.vm_stop("demo", "web", "web3").power_on is False


def test_signal_reset_sendkey_and_refusals(demo: BigVClient, ctl: Control) -> None:
    since = ctl.last_seq()
    demo.vm_signal("demo", "web", "web1", "reset")
    demo.vm_signal("demo", "web", "web1", "sendkey", data="ctrl-alt-delete")
    demo.vm_signal(
        "demo", "web", "web1", "sendkey", data="ctrl-alt-del"
    )  # the "del" alias (§13, C20)
    assert [r["status"] for r in ctl.requests(since)] == [200, 200, 200]
    assert demo.vm("demo", "web", "web1").power_on is True

    with pytest.raises(BadRequest) as exc:
        demo.vm_signal("demo", "web", "web1", "sendkey", data="ctrl-alt-bogus")
    assert exc.value.field_errors == {"data": ["is invalid"]}
    # Signals only reach a powered-on VM (db2 is off).
    for name, data in (("powerdown", None), ("reset", None), ("sendkey", "ret")):
        with pytest.raises(BadRequest) as exc:
            demo.vm_signal("demo", "db", "db2", name, data=data)  # type: ignore[arg-type]
        assert exc.value.field_errors == {
            "signal": ["cannot be sent while the virtual machine is powered off"]
        }
    # Client-side guards send nothing.
    since = ctl.last_seq()
    with pytest.raises(ValueError):
        demo.vm_signal("demo", "web", "web1", "sendkey")
    with pytest.raises(ValueError):
        demo.vm_signal("demo", "web", "web1", "reset", data="ret")
    with pytest.raises(ValueError):
        demo.vm_signal("demo", "web", "web1", "halt")  # type: ignore[arg-type]
    assert ctl.requests(since) == []


def test_reimage(demo: BigVClient, ctl: Control, ids: dict[str, int]) -> None:
    image = ImageInstall(distribution="bookworm", root_password=ROOT_PASSWORD)
    with pytest.raises(BadRequest) as exc:
        demo.vm_reimage("demo", "db", "db1", image)  # running
    assert exc.value.field_errors == {"power_on": ["must be false to reimage"]}

    db2 = demo.vm("demo", "db", "db2")
    assert not db2.power_on and db2.last_imaged_with == "stretch"
    demo.vm_reimage("demo", "db", "db2", image)
    assert ctl.vm_state(ids["db2"])["activity"] == "reimaging"
    assert demo.vm("demo", "db", "db2").power_on is False
    with pytest.raises(BadRequest) as exc:  # the brain owns the power state meanwhile
        demo.vm_start("demo", "db", "db2")
    assert "power_on" in exc.value.field_errors
    ctl.advance(REIMAGE + 1)
    done = demo.vm("demo", "db", "db2")
    assert done.power_on is True and done.autoreboot_on is False
    assert done.last_imaged_with == "bookworm"

    with pytest.raises(BadRequest) as exc:
        demo.vm_reimage("demo", "default", "legacy", ImageInstall(distribution="dos6"))
    assert exc.value.field_errors == {"distribution": ["is not included in the list"]}


def test_move_when_off(demo: BigVClient, ids: dict[str, int]) -> None:
    moved = demo.vm_move("demo", "db", "db2", group_id=ids["group:web"])
    assert moved.group_id == ids["group:web"] and moved.hostname == "db2.web.demo.uk0.bigv.io"
    assert demo.vm("demo", "web", "db2").id == ids["db2"]
    assert "db2" not in [vm.name for vm in demo.vms("demo", "db")]
    # group_id must be readable: another account's group is "invalid".
    with pytest.raises(BadRequest) as exc:
        demo.vm_move("demo", "web", "db2", group_id=999_999)
    assert exc.value.field_errors == {"group_id": ["is invalid"]}


# ---- delete / undelete / purge -------------------------------------------------------------


def test_delete_undelete_purge(demo: BigVClient, ctl: Control, ids: dict[str, int]) -> None:
    demo.vm_delete("demo", "web", "web3")
    with pytest.raises(NotFound):
        demo.vm("demo", "web", "web3")
    gone = demo.vm("demo", "web", "web3", include_deleted=True)
    assert gone.deleted is True and gone.power_on is False
    assert "web3" not in [vm.name for vm in demo.vms("demo", "web")]
    assert "web3" in [vm.name for vm in demo.vms("demo", "web", include_deleted=True)]
    demo.vm_delete("demo", "web", "web3")  # deleting again is a harmless no-op
    # A soft-deleted VM keeps its name and refuses other changes.
    with pytest.raises(BadRequest):
        _create(demo, "web", "web3")
    with pytest.raises(BadRequest) as exc:
        demo.vm_update("demo", "web", "web3", cores=2)
    assert list(exc.value.field_errors) == ["deleted"]

    back = demo.vm_undelete("demo", "web", "web3")
    assert back.deleted is False and back.power_on is False and back.id == ids["web3"]
    assert demo.vm("demo", "web", "web3").deleted is False

    # Purge: gone for good (even with include_deleted), its name free again.
    demo.vm_delete("demo", "default", "staging", purge=True)
    with pytest.raises(NotFound):
        demo.vm("demo", "default", "staging", include_deleted=True)
    with pytest.raises(NotFound):
        demo.vm_by_id(ids["staging"], include_deleted=True)
    again = _create(demo, "default", "staging")
    assert again.id != ids["staging"] and again.deleted is False
    # A live VM can be purged directly.
    demo.vm_delete("demo", "web", "web3", purge=True)
    assert "web3" not in [vm.name for vm in demo.vms("demo", "web", include_deleted=True)]
    assert _create(demo, "web", "web3").name == "web3"
