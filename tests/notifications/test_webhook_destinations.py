"""Webhooks reach public addresses only (and the private networks an operator lists): a URL
that names another address is refused when saved, and a name that leads to one is refused on
the connected socket, before a byte is sent."""

from __future__ import annotations

import re
import socket
import threading
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel import webhooks
from panel.core.settings_env import env_networks
from panel.webhooks import Destinations

STRICT = Destinations()
PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "192.168.1.10",
        "172.16.0.1",
        "127.0.0.1",
        "169.254.169.254",  # a cloud's metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::1",
        "fd00::1",
        "fe80::1%eth0",
        "::ffff:10.0.0.1",  # IPv4 in IPv6 clothing
        "not an address",
    ],
)
def test_only_public_addresses_by_default(address: str) -> None:
    assert not STRICT.allows(address)


def test_public_addresses_listed_networks_and_anywhere() -> None:
    assert STRICT.allows(PUBLIC) and STRICT.allows("2606:4700::1111")
    office = Destinations.of(("10.20.0.0/16", "fd00:1::/64"), anywhere=False)
    assert office.allows("10.20.1.5") and office.allows("fd00:1::5") and office.allows(PUBLIC)
    assert not office.allows("10.21.0.1") and not office.allows("127.0.0.1")
    assert Destinations(anywhere=True).allows("127.0.0.1")


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.1/hook", "https://[::1]:8443/hook", "https://169.254.169.254/latest"],
)
def test_a_url_naming_another_address_is_refused_when_saved(url: str) -> None:
    with pytest.raises(webhooks.InvalidWebhookUrl, match="not a public address"):
        webhooks.check_url(url, destinations=STRICT)


def test_names_and_listed_networks_pass_the_check() -> None:
    webhooks.check_url("https://hooks.slack.com/services/T/B/x", destinations=STRICT)
    office = Destinations.of(("10.20.0.0/16",), anywhere=False)
    webhooks.check_url("https://10.20.1.5/hook", destinations=office)


def test_a_name_leading_to_this_machine_is_refused_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            received.append(conn.recv(1024))  # b"" once the sender has hung up

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    resolve = socket.getaddrinfo

    def rebound(host: Any, *args: Any, **kwargs: Any) -> Any:
        # A public-looking name whose DNS answer is this machine.
        return resolve("127.0.0.1" if host == "hooks.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    try:
        with pytest.raises(webhooks.InvalidWebhookUrl, match=re.escape("leads to 127.0.0.1")):
            webhooks.post(
                f"https://hooks.example.org:{port}/hook",
                b"{}",
                secret="s3cret",
                delivery_id="d-1",
                destinations=STRICT,
            )
        server.join(10)
    finally:
        listener.close()
    assert received == [b""]  # connected, checked, hung up: nothing was sent


def test_the_setting_is_a_list_of_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_WEBHOOK_PRIVATE_NETWORKS", " 10.20.0.0/16 ,fd00:1::/64,")
    assert env_networks("PANEL_WEBHOOK_PRIVATE_NETWORKS") == ("10.20.0.0/16", "fd00:1::/64")
    monkeypatch.setenv("PANEL_WEBHOOK_PRIVATE_NETWORKS", "10.20.0.0/16, office")
    with pytest.raises(ImproperlyConfigured, match="'office' is not a network"):
        env_networks("PANEL_WEBHOOK_PRIVATE_NETWORKS")
