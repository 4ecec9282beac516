"""The small parts of the operations UI: durations, step rows from plan + log, SSH keys,
sealed confirmations, plan digests."""

from __future__ import annotations

import base64
import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from panel.activity.templatetags.activity_tags import duration, live_query, step_rows
from panel.core.ssh_keys import clean_ssh_keys, openssh_key_error
from panel.vm_changes.views.flow import SealExpired, open_secrets, seal_secrets

ED25519 = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop"
)


@pytest.mark.parametrize(
    "seconds, words",
    [
        (0.2, "under 1 s"),
        (1, "1 s"),
        (45, "45 s"),
        (60, "1 min"),
        (72, "1 min 12 s"),
        (3600, "1 h"),
        (3725, "1 h 2 min"),
    ],
)
def test_duration_reads_like_an_operator_says_it(seconds, words):
    assert duration(dt.timedelta(seconds=seconds)) == words
    assert duration(None) == "—"


def _op(**values: Any) -> Any:
    defaults: dict[str, Any] = {
        "plan": [
            {"name": "power_off", "label": "ACPI shutdown"},
            {"name": "apply_spec", "label": "cores 2→4"},
            {"name": "power_on", "label": "power on"},
        ],
        "step_log": [],
        "events": [],
        "step_index": 0,
        "compensation_start": None,
        "is_terminal": False,
    }
    defaults.update(values)
    return SimpleNamespace(**defaults)


def test_step_rows_join_the_plan_with_the_log_by_index():
    t0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    op = _op(
        step_index=1,
        step_log=[
            {
                "index": 0,
                "step": "power_off",
                "status": "done",
                "started_at": t0.isoformat(),
                "finished_at": (t0 + dt.timedelta(seconds=5)).isoformat(),
            },
            {"index": 1, "step": "apply_spec", "status": "running", "started_at": t0.isoformat()},
        ],
    )
    rows = step_rows(op)
    assert [(r.label, r.status, r.current) for r in rows] == [
        ("ACPI shutdown", "done", False),
        ("cores 2→4", "running", True),
        ("power on", "pending", False),
    ]
    assert rows[0].took == dt.timedelta(seconds=5) and rows[0].icon == "✓"


def test_step_rows_without_indexes_match_by_name_and_mark_undo_steps():
    names = ["power_off", "apply_spec", "restore_spec", "power_on"]
    statuses = ["done", "failed", "compensated", "done"]
    op = _op(
        plan=[{"name": name, "label": name.replace("_", " ")} for name in names],
        compensation_start=2,
        step_index=3,
        is_terminal=True,
        step_log=[{"step": n, "status": s} for n, s in zip(names, statuses, strict=True)],
    )
    rows = step_rows(op)
    assert [r.status for r in rows] == ["done", "failed", "compensated", "done"]
    assert [r.undo for r in rows] == [False, False, True, True]
    assert not any(r.current for r in rows)  # a finished operation has no current step


def test_live_query_keeps_stream_and_poll_alike():
    assert live_query("", False) == ""
    assert live_query("detail", False) == "?view=detail"
    assert live_query("", True) == "?compact=1"


def test_openssh_keys_are_checked_line_by_line():
    assert openssh_key_error(ED25519) is None
    assert clean_ssh_keys(f"# my keys\n\n{ED25519}\n") == ED25519
    assert "unknown key type" in openssh_key_error("ssh-foo AAAA x")
    assert "not valid base64" in openssh_key_error("ssh-rsa AAAAB x")
    # A well-formed blob of another type under this name: a mislabelled paste.
    other = base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + b"\x00\x00\x00\x01\x03").decode()
    assert "does not match its type" in openssh_key_error(f"ssh-ed25519 {other}")


def test_sealed_secrets_open_only_for_their_user():
    sealed = seal_secrets(user_id=7, secrets={"root_password": "hunter2-hunter2"})
    assert "hunter2" not in sealed
    assert open_secrets(user_id=7, sealed=sealed) == {"root_password": "hunter2-hunter2"}
    with pytest.raises(SealExpired):
        open_secrets(user_id=8, sealed=sealed)
    with pytest.raises(SealExpired):
        open_secrets(user_id=7, sealed=sealed[:-4] + "AAAA")
    assert seal_secrets(user_id=7, secrets={}) == "" and open_secrets(user_id=7, sealed="") == {}
