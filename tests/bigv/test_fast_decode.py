"""Answers read straight from bytes (panel/bigv/_decode.py) are what ``json.loads`` and
``from_json`` made of them: equal values, and the same errors, word for word.

Every body here goes through ``Transport.call`` itself (its ``request`` stubbed to answer the
bytes), and is compared with the reference reading: ``parse(json.loads(body))``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest
from bigv_helpers import API, FIXTURES_DIR

from bench.decode import group_body
from panel.bigv import (
    Account,
    Appliance,
    Backup,
    BigVClient,
    Definitions,
    Disc,
    Group,
    InvalidResponse,
    NetworkInterface,
    Privilege,
    VirtualMachine,
)
from panel.bigv._attempt import Reply
from panel.bigv._decode import _READ_DIRECTLY, Refused, typed_parser
from panel.bigv._json import list_of
from panel.bigv.transport import Transport
from panel.bigv.types import BackupSchedule

Parse = Callable[[Any], Any]
PATH = "/measured"


def field_names(cls: type[Any]) -> list[str]:
    """The fields of a typed value (a msgspec Struct, or a dataclass)."""
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls)]
    return [f.name for f in msgspec.structs.fields(cls)]


@pytest.fixture
def transport() -> Iterator[Transport]:
    with BigVClient(api_url=API, token="tok-fast-decode") as client:
        yield client._transport


def read(transport: Transport, parse: Parse, body: bytes) -> tuple[str, Any]:
    """What the client makes of ``body``: ("ok", value) or ("error", message)."""
    transport.request = lambda *args, **kwargs: Reply(200, {}, body)  # type: ignore[method-assign]
    try:
        return "ok", transport.call("GET", PATH, parse)
    except InvalidResponse as exc:
        return "error", exc.message


def reference(parse: Parse, body: bytes) -> tuple[str, Any]:
    """What the client made of ``body`` before: ``json.loads`` and ``from_json``."""
    try:
        return "ok", parse(json.loads(body))
    except InvalidResponse as exc:
        return "error", f"GET {PATH}: unexpected response: {exc.message}"


def assert_read_alike(transport: Transport, parse: Parse, data: Any) -> Any:
    body = json.dumps(data).encode()
    outcome = read(transport, parse, body)
    assert outcome == reference(parse, body)
    return outcome[1]


def assert_read_directly(parse: Parse, data: Any) -> Any:
    """Read by msgspec itself, not by the fallback, and equal to the reference."""
    typed = typed_parser(parse)
    assert typed is not None
    body = json.dumps(data).encode()
    value = typed(body)
    assert value == parse(json.loads(body))
    return value


def fixture(name: str) -> Any:
    return json.loads((FIXTURES_DIR / name).read_text())


# ---- the published payloads and a generated group ---------------------------------------


def fixture_cases() -> Iterator[tuple[str, Parse, Any]]:
    """Every fixture, read as every type it holds, alone and as an array."""
    account = fixture("account_overview.json")
    group = account["groups"][0]
    vm = fixture("virtual_machine.json")
    yield "account", Account.from_json, account
    yield "accounts", list_of(Account.from_json, "accounts"), [account]
    yield "group", Group.from_json, group
    yield "groups", list_of(Group.from_json, "groups"), account["groups"]
    for source, each in (("overview", group["virtual_machines"][0]), ("vm", vm)):
        yield f"{source} vm", VirtualMachine.from_json, each
        yield f"{source} vms", list_of(VirtualMachine.from_json, "virtual_machines"), [each]
        yield f"{source} discs", list_of(Disc.from_json, "discs"), each["discs"]
        for disc in each["discs"]:
            yield f"{source} disc {disc['id']}", Disc.from_json, disc
        for nic in each["network_interfaces"]:
            yield f"{source} nic {nic['id']}", NetworkInterface.from_json, nic


CASES = list(fixture_cases())


@pytest.mark.parametrize(("parse", "data"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fixtures_are_read_directly_and_alike(
    transport: Transport, parse: Parse, data: Any
) -> None:
    assert assert_read_directly(parse, data) == assert_read_alike(transport, parse, data)


@pytest.mark.parametrize(
    ("name", "parse"),
    [
        ("definitions.json", Definitions.from_json),
        ("privileges.json", list_of(Privilege.from_json, "privileges")),
    ],
)
def test_other_answers_keep_the_reference_path(
    transport: Transport, name: str, parse: Parse
) -> None:
    assert typed_parser(parse) is None
    assert assert_read_alike(transport, parse, fixture(name))


def test_a_generated_group_of_500_is_read_directly_and_alike(transport: Transport) -> None:
    body = group_body(500)
    group = typed_parser(Group.from_json)(body)  # type: ignore[misc]
    assert group == Group.from_json(json.loads(body))
    assert len(group.virtual_machines) == 500
    assert read(transport, Group.from_json, body) == ("ok", group)
    # Values as from_json makes them: tuples for sequences, frozen and hashable.
    vm = group.virtual_machines[0]
    assert type(group.virtual_machines) is tuple and type(vm.discs) is tuple
    assert type(vm.network_interfaces[0].ips) is tuple
    assert hash(group) == hash(Group.from_json(json.loads(body)))


# ---- each rule, through the transport ------------------------------------------------


def overview_vm() -> dict[str, Any]:
    """A VM with every nested kind: a disc with a schedule, a NIC with extra IPs, an
    appliance."""
    vm = copy.deepcopy(fixture("virtual_machine.json"))
    vm["appliance"] = {"name": "rescue", "permanent": False}
    vm["backup_count"] = 2
    vm["discs"][0]["backup_schedules"] = [
        {"id": 5, "start_at": "2024-01-01T00:00:00Z", "interval_seconds": 86400, "capacity": 7}
    ]
    return vm


def test_unknown_keys_are_ignored(transport: Transport) -> None:
    vm = overview_vm()
    plain = assert_read_directly(VirtualMachine.from_json, vm)
    vm["future"] = {"nested": [1, {"x": None}]}
    vm["discs"][0]["future"] = True
    vm["network_interfaces"][0]["future"] = "x"
    vm["appliance"]["future"] = 1
    assert assert_read_directly(VirtualMachine.from_json, vm) == plain
    assert assert_read_alike(transport, VirtualMachine.from_json, vm) == plain


@pytest.mark.parametrize(
    ("where", "key", "value", "message"),
    [
        ((), "cores", "2", "virtual_machine.cores: expected int, got str"),
        ((), "name", 7, "virtual_machine.name: expected str, got int"),
        ((), "power_on", 1, "virtual_machine.power_on: expected bool, got int"),
        (("discs", 0), "size", "1", "disc.size: expected int, got str"),
        (
            ("network_interfaces", 0),
            "ips",
            "1.2.3.4",
            "network_interface.ips: expected list, got str",
        ),
        (("appliance",), "name", 1, "appliance.name: expected str, got int"),
    ],
)
def test_a_known_key_of_the_wrong_type_is_refused_by_name(
    transport: Transport, where: tuple[str | int, ...], key: str, value: Any, message: str
) -> None:
    vm = overview_vm()
    node: Any = vm
    for step in where:
        node = node[step]
    node[key] = value
    outcome = assert_read_alike(transport, VirtualMachine.from_json, vm)
    assert outcome == f"GET {PATH}: unexpected response: {message}"


@pytest.mark.parametrize("number", [True, False, 2.0, 1e2])
def test_json_true_and_floats_are_never_numbers(transport: Transport, number: Any) -> None:
    vm = overview_vm()
    vm["cores"] = number
    kind = type(number).__name__
    assert assert_read_alike(transport, VirtualMachine.from_json, vm) == (
        f"GET {PATH}: unexpected response: virtual_machine.cores: expected int, got {kind}"
    )


def test_null_and_missing_read_as_the_documented_defaults(transport: Transport) -> None:
    vm = overview_vm()
    vm["power_on"] = None
    del vm["autoreboot_on"]
    vm["discs"][0]["label"] = None
    vm["discs"][1]["backup_schedules"] = None
    del vm["network_interfaces"][0]["label"]
    vm["network_interfaces"][0]["extra_ips"] = None
    vm["appliance"]["permanent"] = None
    got = assert_read_alike(transport, VirtualMachine.from_json, vm)
    assert (got.power_on, got.autoreboot_on) == (False, False)
    assert got.discs[0].label == "" and got.discs[1].backup_schedules == ()
    assert got.network_interfaces[0].label is None
    assert got.network_interfaces[0].extra_ips == {}
    assert got.appliance.permanent is False


@pytest.mark.parametrize(
    ("where", "key", "message"),
    [
        ((), "name", "virtual_machine.name is missing"),
        (("discs", 0), "id", "disc.id is missing"),
        (("appliance",), "name", "appliance.name is missing"),
    ],
)
@pytest.mark.parametrize("absent", ["null", "missing"])
def test_a_missing_required_key_is_refused_by_name(
    transport: Transport, where: tuple[str | int, ...], key: str, message: str, absent: str
) -> None:
    vm = overview_vm()
    node: Any = vm
    for step in where:
        node = node[step]
    if absent == "null":
        node[key] = None
    else:
        del node[key]
    outcome = assert_read_alike(transport, VirtualMachine.from_json, vm)
    assert outcome == f"GET {PATH}: unexpected response: {message}"


def test_a_schedule_with_only_start_date_is_read_as_from_json_reads_it(
    transport: Transport,
) -> None:
    vm = overview_vm()
    schedule = vm["discs"][0]["backup_schedules"][0]
    schedule["start_date"] = schedule.pop("start_at")
    with pytest.raises(Refused):
        typed_parser(VirtualMachine.from_json)(json.dumps(vm).encode())  # type: ignore[misc]
    got = assert_read_alike(transport, VirtualMachine.from_json, vm)
    assert got.discs[0].backup_schedules[0].start_at == "2024-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "body",
    [b'{"id": 1, "id": 2, "size": 3, "label": "a", "storage_grade": "s"}', b"\xef\xbb\xbf{}"],
    ids=["duplicate key", "BOM"],
)
def test_json_oddities_are_read_as_json_loads_reads_them(transport: Transport, body: bytes) -> None:
    assert read(transport, Disc.from_json, body) == reference(Disc.from_json, body)


def test_malformed_json_keeps_its_message(transport: Transport) -> None:
    kind, message = read(transport, Group.from_json, b'{"id": 1,')
    assert kind == "error" and message.startswith(f"GET {PATH}: response body is not valid JSON")


# ---- every key, every odd value ------------------------------------------------------

ODD_VALUES = [None, True, False, 0, -1, 2**70, 1.5, 2.0, "", "x", [], ["x"], [1], {}, {"a": "b"}]


def account_with_everything() -> dict[str, Any]:
    group = fixture("account_overview.json")["groups"][0]
    group["virtual_machines"].append(overview_vm())
    return {"id": 1, "name": "acme", "suspended": False, "groups": [group]}


KINDS: dict[str, type[Any]] = {
    "account": Account,
    "group": Group,
    "vm": VirtualMachine,
    "disc": Disc,
    "schedule": BackupSchedule,
    "nic": NetworkInterface,
    "appliance": Appliance,
}


def odd_accounts() -> Iterator[tuple[str, dict[str, Any]]]:
    """The account with one key of one object absent, or set to one odd value, for every key
    the types have (``start_date`` too) and every kind of object in it."""
    base = account_with_everything()
    objects: dict[str, tuple[str | int, ...]] = {
        "account": (),
        "group": ("groups", 0),
        "vm": ("groups", 0, "virtual_machines", 1),
        "disc": ("groups", 0, "virtual_machines", 1, "discs", 0),
        "schedule": ("groups", 0, "virtual_machines", 1, "discs", 0, "backup_schedules", 0),
        "nic": ("groups", 0, "virtual_machines", 1, "network_interfaces", 0),
        "appliance": ("groups", 0, "virtual_machines", 1, "appliance"),
    }
    for name, where in objects.items():
        node: Any = base
        for step in where:
            node = node[step]
        keys = {*node, "start_date", *field_names(KINDS[name])}
        for key in sorted(keys):
            for index, value in enumerate(["<absent>", *ODD_VALUES]):
                account = copy.deepcopy(base)
                target: Any = account
                for step in where:
                    target = target[step]
                if value == "<absent>":
                    target.pop(key, None)
                else:
                    target[key] = value
                yield f"{name}.{key}={index}", account


ODD = list(odd_accounts())


@pytest.mark.parametrize("account", [c[1] for c in ODD], ids=[c[0] for c in ODD])
def test_every_odd_value_is_read_as_before(transport: Transport, account: Any) -> None:
    body = json.dumps(account).encode()
    before = reference(Account.from_json, body)
    assert read(transport, Account.from_json, body) == before
    # Whatever msgspec reads by itself, the reference reads to an equal value.
    try:
        direct = typed_parser(Account.from_json)(body)  # type: ignore[misc]
    except Refused:
        return
    assert before == ("ok", direct)


BACKUP = {
    "id": 9,
    "label": "nightly",
    "size": 1024,
    "storage_grade": "iceberg",
    "parent_disc_id": 3,
    "manual": True,
    "created_at": "2024-01-01T00:00:00Z",
    "storage_pool": "tail1-iceberg1",
    "virtual_machine_id": 4,
    "future": [],
}


def test_backups_are_read_alike(transport: Transport) -> None:
    backup = BACKUP
    parse = list_of(Backup.from_json, "backups")
    assert assert_read_directly(parse, [backup]) == assert_read_alike(transport, parse, [backup])
    for key in backup:
        for value in ODD_VALUES:
            assert_read_alike(transport, parse, [{**backup, key: value}])


# ---- what makes reading into the typed values exact --------------------------------


def samples() -> dict[type[Any], tuple[Parse, dict[str, Any]]]:
    vm = overview_vm()
    account = account_with_everything()
    return {
        Account: (Account.from_json, account),
        Group: (Group.from_json, account["groups"][0]),
        VirtualMachine: (VirtualMachine.from_json, vm),
        Disc: (Disc.from_json, vm["discs"][0]),
        NetworkInterface: (NetworkInterface.from_json, vm["network_interfaces"][0]),
        Appliance: (Appliance.maybe, vm["appliance"]),
        Backup: (Backup.from_json, BACKUP),
    }


def test_every_type_read_directly_is_checked_here() -> None:
    read_directly = {cls for cls, _ in _READ_DIRECTLY.values()}
    assert read_directly <= samples().keys()


@pytest.mark.parametrize("cls", list(samples()), ids=lambda cls: cls.__name__)
def test_from_json_reads_one_key_per_field_and_no_other(cls: type[Any]) -> None:
    """msgspec fills each field from the key of its name: exact only while ``from_json``
    reads those keys and no other (a schedule's start_date is checked for apart)."""
    parse, data = samples()[cls]
    read_keys: list[str] = []

    class Recording(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            read_keys.append(key)
            return super().get(key, default)

    parse(Recording(data))
    assert sorted(read_keys) == sorted(field_names(cls))
