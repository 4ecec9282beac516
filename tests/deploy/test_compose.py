"""docker-compose.yml, the Dockerfile and .env.example: valid, complete, and every command
they run exists in the project (checked by running its own argument parser with --help)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
APP_SERVICES = {"migrate", "web", "worker", "beat", "simulator"}
# Read by settings.py but never meant for an operator: the generated dev key's file entry, and
# where `make run`'s supervisor tells its children it writes their status.
INTERNAL_ENV = {"PANEL_CREDENTIAL_KEY", "PANEL_STACK_STATUS"}


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _compose_client() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.mark.parametrize("profile", [[], ["--profile", "demo"]], ids=["default", "demo"])
def test_docker_compose_config_accepts_the_file(tmp_path: Path, profile: list[str]) -> None:
    client = _compose_client()
    if client is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed here")
    # As an operator would: the compose file beside a .env made from the example.
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    result = subprocess.run(
        [*client, *profile, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    services = set(yaml.safe_load(result.stdout)["services"])
    expected = {"db", "redis", "migrate", "web", "worker", "beat"}
    # (docker-compose 1.x lists profile services even when their profile is off.)
    assert expected <= services <= expected | {"simulator"}
    assert "simulator" in services or not profile


def test_the_services_and_their_wiring() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"db", "redis", *APP_SERVICES}
    assert services["simulator"]["profiles"] == ["demo"]
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
    for name in APP_SERVICES - {"simulator"}:
        assert services[name]["env_file"] == ".env"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["db"] == depends["redis"] == {"condition": "service_healthy"}
    # Scalable workers: nothing that two copies could not share.
    worker = services["worker"]
    assert not {"container_name", "ports", "hostname"} & set(worker)
    # Health checks everywhere but the one-shot migration.
    for name, service in services.items():
        check = service.get("healthcheck", {})
        assert check.get("disable") if name == "migrate" else check.get("test"), name
    # State lives in named volumes.
    assert set(compose["volumes"]) == {
        "postgres-data",
        "redis-data",
        "panel-data",
        "simulator-data",
    }
    # The web port is published on loopback by default: only the host's proxy reaches it.
    assert services["web"]["ports"] == ["${PANEL_BIND:-127.0.0.1}:${PANEL_PORT:-8000}:8000"]


def _app_commands() -> list[tuple[str, list[str]]]:
    """(where, argv) for every command run in our image: service commands and health checks."""
    found = []
    for name, service in _compose()["services"].items():
        if name not in APP_SERVICES:
            continue
        found.append((f"{name}.command", [str(arg) for arg in service["command"]]))
        test = service.get("healthcheck", {}).get("test")
        if test and test[0] == "CMD":
            found.append((f"{name}.healthcheck", [str(arg) for arg in test[1:]]))
    return found


def _help_argv(argv: list[str]) -> list[str]:
    """The same program and sub-command, asked for --help (which parses nothing else)."""
    program, *args = argv
    if program == "python" and args[0] == "manage.py":
        return [sys.executable, "manage.py", args[1], "--help"]
    if program == "python" and args[0] == "-m":
        return [sys.executable, "-m", args[1], "--help"]
    if program == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "--help"]
    if program == "celery":
        subcommand = next(arg for arg in args if not arg.startswith("-"))
        return [sys.executable, "-m", "celery", "--app=panel", subcommand, "--help"]
    raise AssertionError(f"unknown program {program!r}: teach this test about it")


def _options(argv: list[str]) -> set[str]:
    return {arg.split("=")[0] for arg in argv if arg.startswith("--")} - {"--app"}


@pytest.mark.parametrize(("where", "argv"), _app_commands(), ids=lambda v: str(v)[:40])
def test_every_command_exists_in_the_project(where: str, argv: list[str]) -> None:
    result = subprocess.run(_help_argv(argv), cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{where}: {result.stderr[-2000:]}"
    missing = {option for option in _options(argv) if option not in result.stdout}
    assert not missing, f"{where}: options unknown to the program: {missing}"


def test_the_asgi_application_named_by_the_web_command_loads() -> None:
    web = _compose()["services"]["web"]["command"]
    [application] = [arg for arg in web if ":" in arg and not arg.startswith("-")]
    module, attribute = application.split(":")
    code = f"import {module} as m; assert callable(m.{attribute})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_worker_health_check_pings_its_own_node_and_kills_a_wedged_one() -> None:
    worker = _compose()["services"]["worker"]
    assert worker["healthcheck"]["test"] == [
        "CMD", "python", "-m", "panel.runtime.worker_ping", "--kill-wedged"
    ]  # fmt: skip
    # The kill reaches the worker only as PID 1's child; Docker restarts what exits.
    assert worker["init"] is True
    assert worker["restart"] == "unless-stopped"
    result = subprocess.run(
        [sys.executable, "-m", "panel.runtime.worker_ping", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "--kill-wedged" in result.stdout


def test_every_long_running_service_has_a_restart_policy() -> None:
    for name, service in _compose()["services"].items():
        if name != "migrate":
            assert service.get("restart") == "unless-stopped", name


def test_the_dockerfile() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.13-slim\n" in dockerfile
    assert "RUN pip install .\n" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    for source in re.findall(r"^COPY (.+) \S+$", dockerfile, re.MULTILINE):
        for path in source.split():
            assert (REPO / path).exists(), path
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "var"} <= set(ignored)


def test_env_example_documents_every_setting() -> None:
    # panel/settings.py and the parts it imports (panel/conf/).
    parts = [REPO / "panel" / "settings.py", *sorted((REPO / "panel" / "conf").glob("*.py"))]
    settings_source = "\n".join(path.read_text() for path in parts)
    read = set(
        re.findall(
            r"(?:os\.environ\.get|env_\w+|dev_secret|secret_list)\(\s*\"([A-Z0-9_]+)\"",
            settings_source,
        )
    )
    assert {"DJANGO_ALLOWED_HOSTS", "BIGV_API_URL", "PANEL_CREDENTIAL_KEYS"} <= read
    example = ENV_EXAMPLE.read_text()
    documented = set(re.findall(r"^[#\s]*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert read - INTERNAL_ENV <= documented, read - INTERNAL_ENV - documented
    # Everything the compose file interpolates is there too.
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    assert interpolated <= documented, interpolated - documented


def test_the_example_cannot_start_production_as_it_is(tmp_path: Path) -> None:
    from tests.deploy.production import run

    values = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    )
    values["DATABASE_URL"] = "postgres://panel:pw@db.invalid:5432/panel"
    result = run(["manage.py", "check"], **values)
    assert result.returncode != 0
    assert "generate a real secret" in result.stderr


def _env_example_values() -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    )


def test_without_the_demo_profile_the_real_bigv_and_nothing_that_waits_for_it() -> None:
    services = {
        name: service
        for name, service in _compose()["services"].items()
        if "demo" not in service.get("profiles", [])
    }
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    for name, service in services.items():
        # Nothing starts only once the simulator (or BigV) answers, nothing seeds demo users.
        assert "simulator" not in service.get("depends_on", {}), name
        command = " ".join(str(arg) for arg in service.get("command", []))
        assert "seed_demo" not in command and "runstack" not in command, name
    # The web container stays healthy while only BigV fails (/healthz still names it).
    probe = services["web"]["healthcheck"]["test"]
    assert probe[1:4] == ["python", "-m", "panel.runtime.probe"]
    assert "--tolerate=bigv_api" in probe
    # The example .env points at the real BigV, over https, at hosts it allows, no demo mode.
    values = _env_example_values()
    allowed = set(values["BIGV_ALLOWED_HOSTS"].split(","))
    for name in ("BIGV_API_URL", "BIGV_AUTH_URL"):
        assert values[name].startswith("https://"), name
        assert values[name].removeprefix("https://").split("/")[0] in allowed, name
    assert values["PANEL_DEMO"] == "0"
