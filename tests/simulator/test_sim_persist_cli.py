"""The JSON state file and the command line."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from panel.simulator.server import SimulatorServer
from tests.simulator.helpers import Client, Control, login, vm_path

ROOT = Path(__file__).resolve().parents[2]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SimulatorServer(port=0, speed=50, state_file=state) as sim:
        token = login(sim, "demo", "demo-password")
        api = Client(sim.api_url, token)
        api.post("/accounts/demo/groups", {"name": "kept"})
        api.put(vm_path("web", "web1"), {"cores": 4})
        api.put(vm_path("web", "web2"), {"memory": 4096})  # pending on a running VM
        reimage = {"distribution": "buster", "root_password": "never-persisted-pw"}
        api.post(vm_path("db", "db2", "/reimage"), reimage)  # still in progress at shutdown
        api.delete(vm_path("default", "mail"))
        # A moved disc with a low id is appended: it must not become the boot disc on reload.
        api.put(vm_path("web", "web1"), {"autoreboot_on": False, "power_on": False})
        web1_id = api.get(vm_path("web", "web1")).json()["id"]
        api.put(
            vm_path("db", "db2", "/discs/disc-2"), {"label": "moved", "virtual_machine_id": web1_id}
        )
    data = json.loads(state.read_text())
    assert data["version"] == 1 and "never-persisted-pw" not in state.read_text()
    assert not list(tmp_path.glob(".state.json.*"))  # the temp file was renamed away

    with SimulatorServer(port=0, speed=50, state_file=state) as again:
        api = Client(again.api_url, token)  # the session survived too
        assert api.get("/accounts/demo/groups/kept").status == 200
        web1 = api.get(vm_path("web", "web1")).json()
        assert web1["cores"] == 4
        assert [d["label"] for d in web1["discs"]] == ["disc-1", "disc-2", "moved"]
        web2 = api.get(vm_path("web", "web2")).json()["id"]
        assert Control(again.control_url).vm(web2)["pending"]["memory"]["configured"] == 4096
        assert (
            api.get(vm_path("default", "mail", "?include_deleted=true")).json()["deleted"] is True
        )
        Control(again.control_url).advance(1)
        assert api.get(vm_path("db", "db2")).json()["last_imaged_with"] == "buster"
        created = api.post("/accounts/demo/groups/kept/virtual_machines", {"name": "fresh"}).json()
        with again.world.lock:
            assert max(again.world.vms) == created["id"]  # id counters carried over


def test_reset_reseeds_but_keeps_the_file_in_sync(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SimulatorServer(port=0, speed=50, state_file=state, seed="empty") as sim:
        assert Client(sim.api_url, "apikey.demo-key").get("/accounts").json() == []
        sim.reset()
        with sim.world.lock:
            assert sim.world.accounts == {} and sim.world.user_named("demo")
    assert json.loads(state.read_text())["accounts"] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_smoke(tmp_path: Path) -> None:
    port = _free_port()
    state = tmp_path / "cli.json"
    cmd = [
        sys.executable,
        "-m",
        "panel.simulator",
        "--port",
        str(port),
        "--state",
        str(state),
        "--speed",
        "10",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        url = f"http://127.0.0.1:{port}"
        assert line == f"BigV simulator listening on {url} (auth: {url}/auth)"
        with urllib.request.urlopen(url + "/definitions", timeout=5) as resp:
            assert resp.status == 200 and json.loads(resp.read())[0]["id"] == "distributions"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert json.loads(state.read_text())["speed"] == 10.0  # saved on shutdown


def test_an_unreadable_state_file_is_set_aside(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"version": 99}')
    with SimulatorServer(port=0, speed=50, state_file=state) as sim:
        assert Client(sim.api_url, "apikey.demo-key").get("/accounts").status == 200
    assert (tmp_path / "state.json.unreadable").read_text() == '{"version": 99}'
    assert json.loads(state.read_text())["version"] == 1
