"""Where a console is reached, and the commands for one's own tools as the CLI prints them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel.console.target import Target, instructions, target


def test_against_bigv_the_console_is_the_management_address_on_port_22(settings) -> None:
    settings.BIGV_CONSOLE_ADDRESSES = ""
    assert target(bigv_username="grease", management_address="213.123.123.123") == Target(
        "213.123.123.123", 22, "grease"
    )


def test_a_gateway_takes_the_address_in_the_login_name(settings) -> None:
    settings.BIGV_CONSOLE_ADDRESSES = "172.16.0.0/12=127.0.0.1:8766, 2001:db8::/32=[::1]:2222"
    assert target(bigv_username="viewer", management_address="172.16.0.1") == Target(
        "127.0.0.1", 8766, "viewer+172.16.0.1"
    )
    assert target(bigv_username="viewer", management_address="2001:db8::5") == Target(
        "::1", 2222, "viewer+2001:db8::5"
    )
    # Outside every network: BigV's own way.
    assert target(bigv_username="viewer", management_address="10.0.0.1").login == "viewer"


@pytest.mark.parametrize("value", ["172.16.0.0/12", "nonsense=127.0.0.1:1", "10.0.0.0/8=host:port"])
def test_a_malformed_mapping_says_what_is_wrong(settings, value) -> None:
    settings.BIGV_CONSOLE_ADDRESSES = value
    with pytest.raises(ImproperlyConfigured, match="NETWORK=HOST:PORT"):
        target(bigv_username="viewer", management_address="10.0.0.1")


def test_the_commands_are_the_clis(settings) -> None:
    settings.BIGV_CONSOLE_ADDRESSES = ""
    four = instructions(bigv_username="grease", management_address="213.123.123.123")
    assert four.serial == "ssh grease@213.123.123.123"
    assert four.vnc_tunnel == "ssh -L 9999:213.123.123.123:5900 grease@213.123.123.123"
    assert four.vnc_url == "vnc://localhost:9999/" and four.gateway_serial == ""
    six = instructions(bigv_username="grease", management_address="2001:db8::1")
    assert six.serial == "ssh grease@[2001:db8::1]"
    assert six.vnc_tunnel == "ssh -L 9999:[2001:db8::1]:5900 grease@[2001:db8::1]"


def test_through_a_gateway_the_command_that_works_here_is_shown_too(settings) -> None:
    settings.BIGV_CONSOLE_ADDRESSES = "172.16.0.0/12=127.0.0.1:8766"
    shown = instructions(bigv_username="viewer", management_address="172.16.0.1")
    assert shown.serial == "ssh viewer@172.16.0.1"
    assert shown.gateway_serial == "ssh -p 8766 viewer+172.16.0.1@127.0.0.1"


def test_make_run_points_the_panel_at_the_simulators_console(tmp_path, monkeypatch) -> None:
    from panel.runtime.stack import simulator_console

    monkeypatch.delenv("BIGV_CONSOLE_ADDRESSES", raising=False)
    args, env = simulator_console(8765, tmp_path, "/var/kh")
    assert args == [
        "--console-port",
        "8766",
        "--console-host-key",
        str(tmp_path / "simulator-console-host-key"),
        "--console-known-hosts",
        "/var/kh",
    ]
    assert env == {"BIGV_CONSOLE_ADDRESSES": "172.16.0.0/12=127.0.0.1:8766"}
    monkeypatch.setenv("BIGV_CONSOLE_ADDRESSES", "10.0.0.0/8=gateway:22")
    assert simulator_console(8765, tmp_path, "/var/kh")[1] == {
        "BIGV_CONSOLE_ADDRESSES": "10.0.0.0/8=gateway:22"
    }
