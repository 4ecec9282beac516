"""The drills, in the suite: each dependency taken away mid-operation — Redis killed and
restarted empty, BigV unreachable for a minute, PostgreSQL restarted (on the PostgreSQL run)
— with eight operations under way; every one must end succeeded or rolled back, every VM in
its original power state with its spec all-new or all-old, the audit trail complete, no
write sent twice, and the stack still up. Each drill runs its own stack (``drill.run``, what
``make drill`` runs) in a process of its own, on the database vendor this run tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from drill.services import pg_binaries

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("drills"), pytest.mark.timeout(360)]
DRILL_SECONDS = 240  # a drill takes well under a minute


def _vendor() -> str:
    return "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"


def _drill(name: str) -> dict[str, object]:
    drill = subprocess.Popen(
        [sys.executable, "-m", "drill.run", "--database", _vendor(), "--only", name],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Well inside the test's own time limit, so that a drill that hangs is stopped here
        # (it stops its stack on SIGTERM) rather than left running by a killed test.
        stdout, stderr = drill.communicate(timeout=DRILL_SECONDS)
    except subprocess.TimeoutExpired:
        drill.terminate()
        stdout, stderr = drill.communicate(timeout=60)
        stderr += f"\n(the drill did not end within {DRILL_SECONDS} s and was stopped)"
    rows = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert rows, f"the drill printed no verdict:\n{stderr[-4000:]}"
    row = rows[0]
    assert row["ok"], json.dumps(row, indent=1) + "\n" + stderr[-4000:]
    return row


@pytest.mark.parametrize("name", ["redis", "bigv"])
def test_the_panel_rides_out_the_loss_of(name: str) -> None:
    row = _drill(name)
    assert row["succeeded"] + row["rolled_back"] == row["operations"] == 8


def test_the_panel_rides_out_a_postgresql_restart() -> None:
    if _vendor() != "postgresql":
        pytest.skip("PostgreSQL's restart is drilled on the PostgreSQL run (.ci/run)")
    if pg_binaries() is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    row = _drill("postgres")
    assert row["succeeded"] + row["rolled_back"] == row["operations"] == 8
