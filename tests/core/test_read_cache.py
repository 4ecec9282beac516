"""panel.core.read_cache in-process: what is kept, for how long, how much, and when not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from panel.core import read_cache, redis_conn

API = "http://brain.test"


@pytest.fixture(autouse=True)
def _empty(settings: Any) -> Any:
    settings.READ_CACHE_SECONDS = 60
    settings.READ_CACHE_MAX_VMS = 10
    read_cache.clear()
    yield
    read_cache.clear()


class Fetch:
    def __init__(self, value: Any = "v") -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def read(fetch: Fetch, *, scope: str = "alice", what: tuple = ("g",), weight: int = 1, **kw: Any):
    return read_cache.read(
        scope=scope, api_url=API, what=what, fetch=fetch, weight=lambda _: weight, **kw
    )


def test_a_second_read_is_served_from_the_cache_with_its_time():
    fetch = Fetch()
    first, second = read(fetch), read(fetch)
    assert (first.cached, second.cached, fetch.calls) == (False, True, 1)
    assert second.value is first.value and second.fetched_at == first.fetched_at


def test_keys_keep_identities_and_reads_apart():
    fetch = Fetch()
    read(fetch), read(fetch, scope="bob"), read(fetch, what=("other",))
    assert fetch.calls == 3


def test_unscoped_reads_and_a_zero_window_are_never_cached(settings):
    fetch = Fetch()
    read(fetch, scope=""), read(fetch, scope="")
    settings.READ_CACHE_SECONDS = 0
    read(fetch), read(fetch)
    assert fetch.calls == 4


def test_fresh_skips_the_lookup_but_refills():
    fetch = Fetch()
    read(fetch)
    fetch.value = "new"
    assert read(fetch, fresh=True).value == "new"
    assert read(fetch).value == "new" and fetch.calls == 2


def test_a_noted_write_makes_every_entry_stale():
    fetch = Fetch()
    read(fetch), read(fetch, scope="bob")
    read_cache.note_write(API)
    read(fetch), read(fetch, scope="bob")
    assert fetch.calls == 4


def test_the_memory_bound_drops_the_oldest_and_refuses_the_oversized():
    a, b, big = Fetch(), Fetch(), Fetch()
    read(a, what=("a",), weight=6)
    read(b, what=("b",), weight=6)  # 12 > 10: "a" goes
    read(big, what=("big",), weight=11)  # larger than the whole budget: not kept
    assert read(b, what=("b",), weight=6).cached
    assert not read(a, what=("a",), weight=6).cached
    assert not read(big, what=("big",), weight=11).cached
    assert (a.calls, b.calls, big.calls) == (2, 1, 2)


def test_errors_are_not_kept():
    def failing() -> Any:
        raise RuntimeError("BigV said no")

    with pytest.raises(RuntimeError):
        read_cache.read(scope="a", api_url=API, what=("g",), fetch=failing, weight=len)
    assert not read(Fetch()).cached


def test_with_redis_down_nothing_is_cached_and_redis_is_left_alone(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    fetch = Fetch()
    assert not read(fetch).cached and not read(fetch).cached
    asked = []
    monkeypatch.setattr(redis_conn, "shared_redis", lambda: asked.append(1))
    read(fetch), read_cache.note_write(API)
    assert fetch.calls == 3 and asked == []  # within the retry pause


@pytest.mark.parametrize(
    ("headers", "query", "fresh"),
    [
        ({}, "", False),
        ({"HTTP_CACHE_CONTROL": "max-age=0"}, "", True),
        ({"HTTP_CACHE_CONTROL": "no-cache"}, "", True),
        ({"HTTP_CACHE_CONTROL": "max-age=60, no-store"}, "", True),
        ({"HTTP_CACHE_CONTROL": "max-age=600"}, "", False),
        ({"HTTP_PRAGMA": "no-cache"}, "", True),
        ({}, "?fresh=1", True),
        ({}, "?fresh=yes", False),
    ],
)
def test_what_counts_as_asking_for_fresh_data(headers, query, fresh):
    request = RequestFactory().get("/vms/" + query, **headers)
    assert read_cache.wants_fresh(request) is fresh
