"""Large answers equal byte for byte to one decoded a moment before are not decoded again
(panel/bigv/_kept_answers.py), and what they give is what decoding them gives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from bigv_helpers import API

from bench.decode import group_body
from panel.bigv import BigVClient, Group, VirtualMachine
from panel.bigv._attempt import Reply
from panel.bigv._decode import KEPT, typed_parser
from panel.bigv._json import list_of
from panel.bigv._kept_answers import KeptAnswers
from panel.bigv.transport import Transport


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, content: bytes) -> Any:
        self.calls += 1
        return json.loads(content)


def body(size: int, fill: str = "a") -> bytes:
    return json.dumps({"pad": fill * size}).encode()


def test_an_equal_body_gives_the_value_decoded_before():
    kept, decode = KeptAnswers(min_bytes=100), Counting()
    first = kept.decoded(body(500), decode)
    again = kept.decoded(bytes(body(500)), decode)  # equal bytes, another object
    assert again is first
    assert decode.calls == 1


def test_a_different_body_of_the_same_length_and_ends_is_decoded_anew():
    kept, decode = KeptAnswers(min_bytes=100), Counting()
    one = b'{"pad": "' + b"a" * 600 + b"b" * 10 + b"a" * 600 + b'"}'
    other = one.replace(b"b" * 10, b"c" * 10)
    assert kept.decoded(one, decode)["pad"].count("b") == 10
    assert kept.decoded(other, decode)["pad"].count("c") == 10
    assert kept.decoded(other, decode)["pad"].count("c") == 10
    assert decode.calls == 2  # the second body took the first one's place, and serves


def test_each_reader_keeps_its_own():
    kept, group, vm = KeptAnswers(min_bytes=100), Counting(), Counting()
    first = kept.decoded(body(500), group)
    assert kept.decoded(body(500), vm) is not first
    assert group.calls == vm.calls == 1


def test_small_bodies_are_decoded_every_time():
    kept, decode = KeptAnswers(min_bytes=1000), Counting()
    kept.decoded(body(100), decode)
    kept.decoded(body(100), decode)
    assert decode.calls == 2


def test_the_least_recently_used_go_first_when_the_bodies_outgrow_the_limit():
    size = len(body(500))
    kept, decode = KeptAnswers(min_bytes=100, max_bytes=2 * size), Counting()
    a, b, c = body(500, "a"), body(500, "b"), body(500, "c")
    kept.decoded(a, decode)
    kept.decoded(b, decode)
    kept.decoded(a, decode)  # a is now the most recently used
    kept.decoded(c, decode)  # three bodies do not fit: b goes
    assert decode.calls == 3
    kept.decoded(a, decode)
    assert decode.calls == 3
    kept.decoded(b, decode)
    assert decode.calls == 4


def test_a_body_larger_than_the_limit_is_never_kept():
    kept, decode = KeptAnswers(min_bytes=10, max_bytes=100), Counting()
    kept.decoded(body(500), decode)
    kept.decoded(body(500), decode)
    assert decode.calls == 2


def test_a_refused_body_keeps_nothing():
    kept, calls = KeptAnswers(min_bytes=10), []

    def refuse(content: bytes) -> Any:
        calls.append(content)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            kept.decoded(body(100), refuse)
    assert len(calls) == 2


# --- through the client -------------------------------------------------------------------


@pytest.fixture
def transport() -> Iterator[Transport]:
    KEPT.clear()
    with BigVClient(api_url=API, token="tok-kept-answers") as client:
        yield client._transport


def answering(transport: Transport, content: bytes) -> list[int]:
    """Each request ``transport`` makes from now on answers ``content``; counts them."""
    calls: list[int] = []

    def request(*args: Any, **kwargs: Any) -> Reply:
        calls.append(1)
        return Reply(200, {}, content)

    transport.request = request  # type: ignore[method-assign]
    return calls


def test_a_large_group_read_again_unchanged_is_the_same_value(transport):
    calls = answering(transport, group_body(300))
    first = transport.call("GET", "/groups/7", Group.from_json)
    again = transport.call("GET", "/groups/7", Group.from_json)
    assert len(calls) == 2  # BigV is asked each time: only the decode is spared
    assert again is first
    assert len(first.virtual_machines) == 300


def test_a_large_group_that_changed_is_read_as_it_now_is(transport):
    content = group_body(300)
    answering(transport, content)
    first = transport.call("GET", "/groups/7", Group.from_json)
    answering(transport, content.replace(b'"cores": 1', b'"cores": 3'))
    changed = transport.call("GET", "/groups/7", Group.from_json)
    assert 1 in {vm.cores for vm in first.virtual_machines}
    assert 1 not in {vm.cores for vm in changed.virtual_machines}
    assert changed == Group.from_json(json.loads(content.replace(b'"cores": 1', b'"cores": 3')))


def test_each_caller_of_a_kept_list_gets_a_list_of_its_own(transport):
    read = typed_parser(list_of(VirtualMachine.from_json, "virtual_machines"))
    assert read is not None
    content = json.dumps(json.loads(group_body(300))["virtual_machines"]).encode()
    first, again = read(content), read(content)
    assert first == again and first is not again
    assert all(a is b for a, b in zip(first, again, strict=True))  # the frozen VMs are shared
    first.clear()
    assert len(read(content)) == 300
