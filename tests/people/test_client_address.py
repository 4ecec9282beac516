"""Who the client is (panel.core.client_address): the one answer the throttle and the audit
trail use. X-Forwarded-For counts only from a trusted proxy, read from the right; nothing a
client sends can make it fail or overflow a 45-character column.

(Here beside the login throttle, which is what it protects.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from panel.core.actor import Actor
from panel.core.client_address import (
    TrustedProxyMiddleware,
    client_address,
    parse_trusted_proxies,
)

PROXY = "172.31.255.1"
CLIENT, FORGED = "198.51.100.20", "203.0.113.66"


def _request(remote_addr: object = CLIENT, forwarded: str | None = None, proto: str = ""):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    if proto:
        headers["X-Forwarded-Proto"] = proto
    request = RequestFactory().get("/", headers=headers)
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    return request


@pytest.fixture
def trust(settings):
    def set_(*proxies: str) -> None:
        settings.PANEL_TRUSTED_PROXIES = parse_trusted_proxies(proxies)

    return set_


@pytest.mark.parametrize("forwarded", [FORGED, f"{FORGED}, {CLIENT}", "unknown", ""])
def test_with_no_trusted_proxy_the_header_changes_nothing(settings, forwarded: str) -> None:
    assert settings.PANEL_TRUSTED_PROXIES == []  # the default, and `make run`'s
    assert client_address(_request(CLIENT, forwarded)) == CLIENT


def test_a_header_from_a_peer_that_is_not_the_proxy_is_ignored(trust) -> None:
    trust(PROXY)
    assert client_address(_request(FORGED, CLIENT)) == FORGED


def test_from_the_trusted_proxy_the_right_most_address_is_the_client(trust) -> None:
    trust(PROXY)
    assert client_address(_request(PROXY, CLIENT)) == CLIENT
    # Whatever the client wrote in front of what the proxy added is never read.
    assert client_address(_request(PROXY, f"{FORGED}, {CLIENT}")) == CLIENT
    assert client_address(_request(PROXY, f"garbage, {FORGED}, {CLIENT}")) == CLIENT


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(trust) -> None:
    trust(PROXY, "10.0.0.0/24")
    chain = f"{FORGED}, {CLIENT}, 10.0.0.7, 10.0.0.8"
    assert client_address(_request(PROXY, chain)) == CLIENT
    # All of them trusted: the farthest one we can vouch for.
    assert client_address(_request(PROXY, "10.0.0.7, 10.0.0.8")) == "10.0.0.7"
    # No header at all: the proxy itself asked (a health check, say).
    assert client_address(_request(PROXY)) == PROXY


@pytest.mark.parametrize(
    "forwarded",
    [
        "x" * 100_000,
        "1" * 46,
        ", " * 50_000,
        "not-an-ip",
        "198.51.100.20:443",
        "[2001:db8::1]",
        "fe80::1%eth0",
        "fe80::1%" + "e" * 200,
        "999.1.1.1",
        "\x00\xff",
        ",",
    ],
    ids=lambda value: value[:20],
)
def test_garbage_from_the_proxy_falls_back_to_the_proxy(trust, forwarded: str) -> None:
    trust(PROXY)
    assert client_address(_request(PROXY, forwarded)) == PROXY


def test_an_over_long_header_is_read_only_at_its_end(trust) -> None:
    trust(PROXY)
    forged = ", ".join(["203.0.113.1"] * 20_000)
    assert client_address(_request(PROXY, f"{forged}, {CLIENT}")) == CLIENT


@pytest.mark.parametrize(
    ("remote_addr", "expected"),
    [
        (None, None),
        ("", None),
        ("garbage", None),
        ("x" * 1000, None),
        ("fe80::1%eth0", None),
        (12345, None),
        ("::ffff:198.51.100.20", CLIENT),  # IPv4-mapped: one client, one key
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        (" 198.51.100.20 ", CLIENT),
    ],
)
def test_the_peer_address_is_canonical_or_none(remote_addr: object, expected: str | None) -> None:
    assert client_address(_request(remote_addr)) == expected


def test_every_answer_fits_the_audit_column(trust) -> None:
    trust(PROXY, "::/1")
    longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"  # 45 characters as typed
    for forwarded in (longest, f"{longest}, {longest}", "8000::1"):
        address = client_address(_request(PROXY, forwarded))
        assert address is not None and len(address) <= 45


def test_the_actor_takes_its_address_from_the_same_function(trust, alice) -> None:
    trust(PROXY)
    request = _request(PROXY, f"{FORGED}, {CLIENT}")
    request.user = alice
    assert Actor.from_request(request).ip == CLIENT


@pytest.mark.parametrize(
    "value", ["*", "0.0.0.0/0", "::/0", "proxy.example.com", "10.0.0.1/33", "10.0.0.1,"]
)
def test_trusting_everyone_or_nonsense_is_refused_at_start_up(value: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_trusted_proxies([value])


def test_trusted_proxies_are_kept_canonical() -> None:
    assert parse_trusted_proxies([" 172.31.255.1 ", "10.0.0.5/24", "::1"]) == [
        "172.31.255.1/32",
        "10.0.0.0/24",
        "::1/128",
    ]


def test_a_forwarded_scheme_counts_only_from_the_trusted_proxy(trust) -> None:
    trust(PROXY)
    seen: list[bool] = []

    def view(request) -> HttpResponse:
        seen.append(request.is_secure())
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware(_request(FORGED, proto="https"))
    middleware(_request(PROXY, proto="https"))
    middleware(_request(PROXY, proto="http"))
    assert seen == [False, True, False]
