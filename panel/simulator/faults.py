"""Fault injection and barriers, matched on (method, path regex) before a request is handled.

Faults (``POST /_sim/faults``): ``status`` answers with that status/body and touches no
state; ``delay`` sleeps, then handles normally; ``drop`` closes the connection without a
response; ``reset`` aborts it with a TCP RST; ``hang`` holds the request until the fault is
deleted or the server stops (then the connection is dropped). ``skip`` lets the first N
matching requests through; ``times`` (null = forever) bounds how often the fault fires.

Barriers (``POST /_sim/barriers``) hold up to ``times`` matching requests before they are
processed, until released; tests wait for arrival instead of polling.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

ACTIONS = ("status", "delay", "drop", "reset", "hang")
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "*")


def _pattern(spec: dict[str, Any]) -> tuple[str, re.Pattern[str]]:
    method = str(spec.get("method") or "*").upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    try:
        return method, re.compile(str(spec.get("path") or ".*"))
    except re.error as exc:
        raise ValueError(f"path is not a valid regular expression: {exc}") from None


def _matches(method: str, pattern: re.Pattern[str], req_method: str, path: str) -> bool:
    return method in ("*", req_method) and pattern.search(path) is not None


@dataclass
class Fault:
    id: int
    method: str
    path: re.Pattern[str]
    action: str
    status: int = 500
    body: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    times: int | None = None
    skip: int = 0
    seen: int = 0
    fired: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path.pattern,
            "action": self.action,
            "status": self.status,
            "body": self.body,
            "content_type": self.content_type,
            "headers": self.headers,
            "seconds": self.seconds,
            "times": self.times,
            "skip": self.skip,
            "seen": self.seen,
            "fired": self.fired,
        }


class FaultRegistry:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._faults: dict[int, Fault] = {}
        self._next = 0

    def add(self, spec: dict[str, Any]) -> Fault:
        method, path = _pattern(spec)
        action = spec.get("action", "status")
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        times, skip = spec.get("times"), spec.get("skip", 0) or 0
        if times is not None and (not isinstance(times, int) or times < 0):
            raise ValueError("times must be a non-negative integer or null")
        if not isinstance(skip, int) or skip < 0:
            raise ValueError("skip must be a non-negative integer")
        with self._lock:
            self._next += 1
            fault = Fault(
                id=self._next,
                method=method,
                path=path,
                action=action,
                status=int(spec.get("status", 500)),
                body=spec.get("body"),
                content_type=spec.get("content_type"),
                headers={str(k): str(v) for k, v in (spec.get("headers") or {}).items()},
                seconds=float(spec.get("seconds", 0) or 0),
                times=times,
                skip=skip,
            )
            self._faults[fault.id] = fault
        return fault

    def match(self, method: str, path: str) -> Fault | None:
        """The first fault that fires for this request (counting ``skip`` and ``times``)."""
        with self._lock:
            for fault in self._faults.values():
                if not _matches(fault.method, fault.path, method, path):
                    continue
                fault.seen += 1
                if fault.seen <= fault.skip:
                    continue
                if fault.times is not None and fault.fired >= fault.times:
                    continue
                fault.fired += 1
                self._lock.notify_all()
                return fault
        return None

    def wait(self, fault_id: int, timeout: float, count: int = 1) -> dict[str, Any] | None:
        """Block until the fault has fired ``count`` times (tests await a hang, never poll)."""
        with self._lock:
            fault = self._faults.get(fault_id)
            if fault is None:
                return None
            ok = self._lock.wait_for(lambda: fault.fired >= count, timeout)
            out = fault.describe()
            if not ok:
                out["timeout"] = True
            return out

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.describe() for f in self._faults.values()]

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            fault = self._faults.pop(fault_id, None)
        if fault:
            fault.released.set()
        return fault is not None

    def clear(self) -> None:
        with self._lock:
            faults, self._faults = list(self._faults.values()), {}
        for fault in faults:
            fault.released.set()


@dataclass
class Barrier:
    name: str
    method: str
    path: re.Pattern[str]
    times: int | None = 1
    arrived: int = 0
    waiting: int = 0
    released: bool = False

    def holds(self, method: str, path: str) -> bool:
        """Whether a request would be held here (``times`` bounds how many are held)."""
        if self.released or not _matches(self.method, self.path, method, path):
            return False
        return self.times is None or self.arrived < self.times

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "path": self.path.pattern,
            "times": self.times,
            "arrived": self.arrived,
            "waiting": self.waiting,
            "released": self.released,
        }


class BarrierRegistry:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._barriers: dict[str, Barrier] = {}

    def add(self, spec: dict[str, Any]) -> Barrier:
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("name is required")
        method, path = _pattern(spec)
        times = spec.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or null")
        barrier = Barrier(name=name, method=method, path=path, times=times)
        with self._cond:
            old = self._barriers.get(name)
            if old:
                old.released = True
            self._barriers[name] = barrier
            self._cond.notify_all()
        return barrier

    def arrive(self, method: str, path: str) -> None:
        """Block a matching request until its barrier is released (or removed)."""
        with self._cond:
            barrier = next((b for b in self._barriers.values() if b.holds(method, path)), None)
            if barrier is None:
                return
            barrier.arrived += 1
            barrier.waiting += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: barrier.released)
            barrier.waiting -= 1
            self._cond.notify_all()

    def describe(self, name: str) -> dict[str, Any] | None:
        with self._cond:
            barrier = self._barriers.get(name)
            return barrier.describe() if barrier else None

    def list(self) -> list[dict[str, Any]]:
        with self._cond:
            return [b.describe() for b in self._barriers.values()]

    def wait(self, name: str, timeout: float, count: int = 1) -> dict[str, Any] | None:
        """Wait until ``count`` requests are held at the barrier; None if it is unknown."""
        with self._cond:
            barrier = self._barriers.get(name)
            if barrier is None:
                return None
            ok = self._cond.wait_for(lambda: barrier.waiting >= count or barrier.released, timeout)
            out = barrier.describe()
            if not ok:
                out["timeout"] = True
            return out

    def release(self, name: str, *, remove: bool = False) -> bool:
        with self._cond:
            barrier = self._barriers.pop(name, None) if remove else self._barriers.get(name)
            if barrier:
                barrier.released = True
                self._cond.notify_all()
            return barrier is not None

    def release_all(self) -> None:
        with self._cond:
            for barrier in self._barriers.values():
                barrier.released = True
            self._barriers.clear()
            self._cond.notify_all()
