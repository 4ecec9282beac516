"""Who may say where a request comes from, wherever the panel runs.

The panel alone decides (``PANEL_TRUSTED_PROXIES``, panel.core.client_address): every place
that starts uvicorn turns its own proxy-header handling off — by default uvicorn believes
X-Forwarded-For from 127.0.0.1, i.e. from every local client of `make run` — and the compose
deployment trusts exactly the address the host's reverse proxy arrives from.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from panel.runtime.management.commands import runstack
from panel.runtime.supervisor import Child, Stack

REPO = Path(__file__).resolve().parents[2]
PROXY_OPTIONS = ("--proxy-headers", "--no-proxy-headers", "--forwarded-allow-ips")


def _compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _env_example() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _default(interpolated: str) -> str:
    match = re.fullmatch(r"\$\{[A-Z_]+:-([^}]*)\}", interpolated)
    assert match, interpolated
    return match.group(1)


def _compose_web_argv() -> list[str]:
    return [str(arg) for arg in _compose()["services"]["web"]["command"]]


def _dockerfile_argv() -> list[str]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    [cmd] = re.findall(r"^CMD (\[.*\])$", text, re.MULTILINE)
    return json.loads(cmd)


def _runstack_web_argv(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What `make run` starts as its web server, captured instead of started."""
    spawned: dict[str, list[str]] = {}

    def spawn(self: Stack, name: str, args: list[str]) -> Child:
        spawned[name] = args
        return Child(name=name, args=args)

    monkeypatch.setattr(Stack, "spawn", spawn)
    monkeypatch.setattr(Stack, "wait", lambda self: 0)
    monkeypatch.setattr(runstack, "redis_reachable", lambda url: True)
    monkeypatch.setattr(runstack, "wait_for_http", lambda *args, **kwargs: None)
    monkeypatch.setattr(runstack, "wait_for_worker", lambda *args, **kwargs: None)
    monkeypatch.setattr(runstack, "wait_for_beat", lambda *args, **kwargs: None)
    monkeypatch.setattr(runstack, "people_exist", lambda: True)
    monkeypatch.setattr(runstack, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(runstack.subprocess, "run", lambda *args, **kwargs: None)
    with pytest.raises(SystemExit):
        runstack.Command().handle(host="127.0.0.1", port=8000, sim_port=8765, sim_speed=1.0)
    return spawned["web"]


def _proxy_options(argv: list[str]) -> list[str]:
    return [arg for arg in argv if arg.split("=")[0] in PROXY_OPTIONS]


@pytest.fixture
def launchers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    return {
        "docker-compose.yml web": _compose_web_argv(),
        "Dockerfile CMD": _dockerfile_argv(),
        "make run (runstack)": _runstack_web_argv(monkeypatch),
    }


def test_every_uvicorn_we_start_leaves_proxy_headers_to_the_panel(launchers) -> None:
    for where, argv in launchers.items():
        # uvicorn's own options, read by uvicorn's command line (panel.runtime.web_server).
        assert "panel.runtime.web_server" in argv, where
        assert _proxy_options(argv) == ["--no-proxy-headers"], where


def _echo_client_app() -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = json.dumps({"client": scope["client"][0], "scheme": scope["scheme"]}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run uvicorn in a thread with the given command-line options; answer what it told the
    application about a request carrying forged forwarded headers."""
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    servers: list[uvicorn.Server] = []

    def run(options: list[str]) -> dict[str, str]:
        params = uvicorn.main.make_context("uvicorn", ["app:app", *options]).params
        port = _free_port()
        config = uvicorn.Config(
            _echo_client_app(),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            proxy_headers=params["proxy_headers"],
            forwarded_allow_ips=params["forwarded_allow_ips"],
        )
        server = uvicorn.Server(config)
        servers.append(server)
        threading.Thread(target=server.run, daemon=True).start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "GET", "/", headers={"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}
        )
        answer = json.loads(connection.getresponse().read())
        connection.close()
        return answer

    yield run
    for server in servers:
        server.should_exit = True


def test_uvicorn_as_we_start_it_passes_the_real_peer_on(serve, launchers) -> None:
    # What the options are for: uvicorn's default believes a local client's header.
    assert serve([]) == {"client": "203.0.113.66", "scheme": "https"}
    for where, argv in launchers.items():
        assert serve(_proxy_options(argv)) == {"client": "127.0.0.1", "scheme": "http"}, where


def test_compose_trusts_only_the_gateway_the_host_proxy_arrives_from() -> None:
    compose = _compose()
    [network] = compose["networks"]["default"]["ipam"]["config"]
    subnet = ipaddress.ip_network(_default(network["subnet"]))
    gateway = ipaddress.ip_address(_default(network["gateway"]))
    assert gateway in subnet and subnet.is_private
    trusted = compose["x-panel"]["environment"]["PANEL_TRUSTED_PROXIES"]
    assert _default(trusted) == str(gateway)
    # The example .env agrees with the compose file's defaults, and names no range.
    env = _env_example()
    assert env["PANEL_TRUSTED_PROXIES"] == env["PANEL_NETWORK_GATEWAY"] == str(gateway)
    assert env["PANEL_NETWORK_SUBNET"] == str(subnet)
    assert "FORWARDED_ALLOW_IPS" not in env
    # Only the host's proxy can reach the web port at all.
    assert compose["services"]["web"]["ports"] == [
        "${PANEL_BIND:-127.0.0.1}:${PANEL_PORT:-8000}:8000"
    ]


def test_the_nginx_recipe_sets_the_header_rather_than_appending_to_it() -> None:
    readme = (REPO / "README.md").read_text()
    assert re.search(r"proxy_set_header X-Forwarded-For\s+\$remote_addr;", readme)
    assert not re.search(r"proxy_set_header X-Forwarded-For\s+\$proxy_add_x_forwarded_for", readme)
