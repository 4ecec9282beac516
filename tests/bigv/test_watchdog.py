"""The deadline watchdog (panel.bigv._watchdog): one thread per process fires the watches
whose deadline passed, in deadline order, and never one that was cancelled."""

from __future__ import annotations

import os
import socket
import time

import pytest

from panel.bigv._watchdog import Watch


def _pair() -> tuple[socket.socket, socket.socket]:
    return socket.socketpair()


def test_a_blocked_read_is_woken_at_the_deadline_and_only_that_one() -> None:
    (a, a_peer), (b, b_peer) = _pair(), _pair()
    late = Watch(time.monotonic() + 30)
    late.arm(b)
    soon = Watch(time.monotonic() + 0.2)
    soon.arm(a)
    started = time.monotonic()
    assert a.recv(1) == b""  # shut down under the read
    assert 0.15 <= time.monotonic() - started < 5
    assert soon.fired and not late.fired
    late.cancel()
    for sock in (a, a_peer, b, b_peer):
        sock.close()


def test_a_cancelled_watch_never_fires() -> None:
    a, peer = _pair()
    watch = Watch(time.monotonic() + 0.1)
    watch.arm(a)
    watch.cancel()
    # A later watch that fires: the thread has passed the cancelled one's deadline by then.
    later, later_peer = _pair()
    after = Watch(time.monotonic() + 0.2)
    after.arm(later)
    assert later.recv(1) == b"" and after.fired
    assert not watch.fired
    peer.send(b"x")
    assert a.recv(1) == b"x"  # the socket was left alone
    for sock in (a, peer, later, later_peer):
        sock.close()


def test_arming_starts_no_thread_per_attempt() -> None:
    import threading

    a, peer = _pair()
    Watch(time.monotonic() + 30).arm(a)  # the process's one thread, if not yet running
    before = threading.active_count()
    watches = [Watch(time.monotonic() + 30) for _ in range(50)]
    for watch in watches:
        watch.arm(a)
    assert threading.active_count() == before
    for watch in watches:
        watch.cancel()
    a.close()
    peer.close()


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_has_a_watchdog_of_its_own() -> None:
    Watch(time.monotonic() + 30).arm(socket.socket())  # the parent's thread runs
    pid = os.fork()
    if pid == 0:  # the child: its own thread fires its own watch
        code = 1
        try:
            a, _peer = _pair()  # the peer stays open: only the deadline ends the read
            watch = Watch(time.monotonic() + 0.1)
            watch.arm(a)
            a.settimeout(5)
            code = 0 if a.recv(1) == b"" and watch.fired else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
