"""The reimage step after a crash mid-POST: the in-doubt image is sent again unless it is
known to have landed, and a resend refused because the first one finished meanwhile counts
as done — in-process, with a stand-in step context that scripts what the API answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from msgspec.structs import replace

from panel.bigv import ApiError, BadRequest, VirtualMachine
from panel.vm_changes.steps.base import Done
from panel.vm_changes.steps.reimage import reimage

IMAGING = VirtualMachine(
    id=7,
    name="db2",
    group_id=3,
    cores=1,
    memory=1024,
    power_on=False,
    autoreboot_on=False,
    last_imaged_with="bullseye",
)
BOOTED = replace(IMAGING, power_on=True, last_imaged_with="trusty")
REFUSED = BadRequest(400, "power_on must be false to reimage", method="POST", path="/reimage")


@dataclass
class ScriptedContext:
    """What ``reimage`` uses of a StepContext; reads and the POST's answer are scripted."""

    reads: list[VirtualMachine]
    answer: Exception | None = None
    pending: bool = False
    args: dict[str, Any] = field(default_factory=lambda: {"distribution": "trusty"})
    state: dict[str, Any] = field(default_factory=dict)
    posts: int = 0
    wiped: bool = False

    def __post_init__(self) -> None:
        if self.pending:
            self.state["pending"] = "reimage with trusty"

    def read(self) -> VirtualMachine:
        return self.reads.pop(0)

    def secrets(self) -> dict[str, str]:
        return {"root_password": "pw"}

    def path(self, vm: VirtualMachine) -> tuple[str, str, str]:
        return "demo", "db", str(vm.id)

    def write(self, action: Any, intent: str, call: Callable[[], Any], **_: Any) -> Any:
        self.posts += 1
        self.state["pending"] = intent
        if self.answer is not None:
            self.state.pop("pending")  # as StepContext.write does on a 4xx
            raise self.answer
        self.state.pop("pending")
        return None

    def save(self) -> None:
        pass

    def wipe_secrets(self) -> None:
        self.wiped = True


def test_a_resend_refused_because_the_first_finished_is_done():
    ctx = ScriptedContext(reads=[IMAGING, BOOTED], answer=REFUSED, pending=True)
    result = reimage(ctx)  # type: ignore[arg-type]
    assert isinstance(result, Done) and result.note == "reimaged with trusty"
    assert ctx.posts == 1 and ctx.wiped


def test_an_in_doubt_image_that_booted_is_not_sent_again():
    ctx = ScriptedContext(reads=[BOOTED], pending=True)
    assert isinstance(reimage(ctx), Done)  # type: ignore[arg-type]
    assert ctx.posts == 0 and ctx.wiped


def test_a_first_send_refused_is_a_failure_even_if_the_vm_runs():
    ctx = ScriptedContext(reads=[IMAGING, BOOTED], answer=REFUSED)
    with pytest.raises(ApiError):
        reimage(ctx)  # type: ignore[arg-type]
    assert not ctx.wiped


def test_a_resend_refused_while_the_vm_is_still_off_is_a_failure():
    ctx = ScriptedContext(reads=[IMAGING, IMAGING], answer=REFUSED, pending=True)
    with pytest.raises(ApiError):
        reimage(ctx)  # type: ignore[arg-type]


def test_a_running_vm_with_another_image_is_not_taken_for_done():
    other = replace(BOOTED, last_imaged_with="bullseye")
    ctx = ScriptedContext(reads=[other, other], answer=REFUSED, pending=True)
    with pytest.raises(ApiError):
        reimage(ctx)  # type: ignore[arg-type]
