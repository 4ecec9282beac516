"""The WebSocket between the browser's terminal and a VM's serial console.

The handshake must come from the panel's own origin with a logged-in session (otherwise it
is refused before it is accepted: HTTP 403). The page's first message is
``{"type": "hello", "ticket", "cols", "rows"}`` with a ticket from ``console:ticket``; then
``{"type": "input", "data"}`` carries keys and pastes, ``{"type": "resize", "cols", "rows"}``
the terminal's size. The panel sends ``{"type": "output", "data"}`` and
``{"type": "status", "state": "open" | "closed", "message", "final"}``. Nothing typed or shown
is logged or audited: only that the console opened and closed (``sessions.py``).

Close codes (final: the page does not reconnect by itself): 4001 the panel login ended,
4003 not allowed, 4008 idle; 4010 the console went away and 4011 it could not be reached
(the page tries again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

import asyncssh
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from panel.bigv import BigVError
from panel.console import bridge, hangup, logins, sessions
from panel.console.handshake import HandshakeRequest, address, origin_allowed
from panel.console.keys import ConsoleKeyUnusable
from panel.console.target import target
from panel.core.actor import Actor
from panel.credentials.clients import NotConnected
from panel.credentials.crypto import CredentialError

logger = logging.getLogger(__name__)
End = sessions.End
HELLO_SECONDS = 10
OUTPUT_CHUNK = 16384
CLOSING: dict[str, tuple[int, str]] = {
    End.CLOSED: (1000, "Closed."),
    End.IDLE: (4008, "Closed: nobody typed for a while."),
    End.LOGGED_OUT: (4001, "Closed: your panel login ended."),
    End.ACCESS: (4003, "Closed: you may no longer use this console."),
    End.LOST: (4010, "The console closed the connection."),
}


def _size(value: Any, default: int, top: int) -> int:
    return value if isinstance(value, int) and 1 <= value <= top else default


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    actor: Actor
    ticket: sessions.Ticket | None = None
    session_id: Any = None
    conn: asyncssh.SSHClientConnection | None = None
    process: asyncssh.SSHClientProcess[str] | None = None
    ended = True  # until the socket is accepted there is nothing to end

    async def connect(self) -> None:
        user = self.scope.get("user")
        request = HandshakeRequest(self.scope)
        if not origin_allowed(request) or user is None or not user.is_authenticated:
            await self.close(code=4403)  # before accept: the handshake is refused
            return
        self.actor = Actor(
            user_id=user.pk,
            username=user.get_username(),
            ip=address(request),
            request_id=uuid.uuid4().hex,
        )
        self.session_key = self.scope["session"].session_key or ""
        self.tasks: list[asyncio.Task[None]] = []
        self.ended = False
        loop = asyncio.get_running_loop()
        self.last_input = self.last_touch = loop.time()
        await self.accept()
        self.tasks.append(asyncio.create_task(self._expect_hello()))

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "hello" and self.ticket is None:
            self.ticket = await self._ticket(content.get("ticket"))
            if self.ticket is not None:
                await self._open(self.ticket, content)
        elif kind == "input" and self.process is not None and isinstance(content.get("data"), str):
            self.process.stdin.write(content["data"])
            await self._typed()
        elif kind == "resize" and self.process is not None:
            cols, rows = _size(content.get("cols"), 80, 500), _size(content.get("rows"), 24, 200)
            self.process.change_terminal_size(cols, rows)

    async def disconnect(self, code: int) -> None:
        await self._end(End.CLOSED, tell=False)

    # ---- opening ------------------------------------------------------------------------
    async def _expect_hello(self) -> None:
        await asyncio.sleep(HELLO_SECONDS)
        if self.ticket is None:
            await self._refuse("The console was not asked for in time.", 4003)

    async def _ticket(self, value: Any) -> sessions.Ticket | None:
        try:
            return sessions.read_ticket(
                str(value or ""), user_id=self.actor.user_id or 0, session_key=self.session_key
            )
        except sessions.TicketInvalid:
            await self._refuse("This console link expired: open the console again.", 4003)
            return None

    async def _open(self, ticket: sessions.Ticket, hello: dict[str, Any]) -> None:
        try:
            opening = await database_sync_to_async(sessions.console_open)(
                actor=self.actor, user=self.scope["user"], ticket=ticket
            )
        except (PermissionDenied, Http404, ConsoleKeyUnusable) as refusal:
            await self._refuse(getattr(refusal, "message", None) or str(refusal), 4003)
            return
        except (BigVError, NotConnected, CredentialError):
            # Reading the person's BigV access again failed: nothing opened, try later.
            await self._refuse(
                "BigV did not answer about your access: try again.", 4011, final=False
            )
            return
        self.session_id = opening.session.pk
        via = target(
            bigv_username=ticket.bigv_username, management_address=ticket.management_address
        )
        try:
            self.conn, self.process = await bridge.open_console(
                target=via,
                private_key=opening.private_key,
                known_hosts=settings.BIGV_CONSOLE_KNOWN_HOSTS,
                cols=_size(hello.get("cols"), 80, 500),
                rows=_size(hello.get("rows"), 24, 200),
            )
        except bridge.ConsoleUnreachable as error:
            await database_sync_to_async(sessions.console_failed)(
                actor=self.actor, session=opening.session, ticket=ticket, why=error.message
            )
            self.session_id = None
            await self._refuse(error.message, 4011, final=False)
            return
        await database_sync_to_async(sessions.console_started)(
            actor=self.actor, session=opening.session, ticket=ticket, via=f"{via.host}:{via.port}"
        )
        hangup.register(self.actor.user_id or 0, self._hang_up, asyncio.get_running_loop())
        self.tasks += [asyncio.create_task(self._pump()), asyncio.create_task(self._watch())]
        await self.send_json(
            {"type": "status", "state": "open", "message": f"Connected to {ticket.label}."}
        )

    async def _refuse(self, message: str, code: int, *, final: bool = True) -> None:
        self.ended = True
        await self.send_json(
            {"type": "status", "state": "closed", "message": message, "final": final}
        )
        await self.close(code=code)

    # ---- while open ---------------------------------------------------------------------
    async def _pump(self) -> None:
        assert self.process is not None
        try:
            while chunk := await self.process.stdout.read(OUTPUT_CHUNK):
                try:
                    await self.send_json({"type": "output", "data": chunk})
                except OSError:  # the browser went away first (its close is on its way)
                    await self._end(End.CLOSED, tell=False)
                    return
        except (OSError, asyncssh.Error):
            pass
        await self._end(End.LOST)

    async def _watch(self) -> None:
        assert self.ticket is not None
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(settings.PANEL_CONSOLE_CHECK_SECONDS)
            if loop.time() - self.last_input > settings.PANEL_CONSOLE_IDLE_SECONDS:
                await self._end(End.IDLE)
                return
            try:
                why = await database_sync_to_async(sessions.console_check)(
                    session_id=self.session_id,
                    user_id=self.actor.user_id or 0,
                    session_key=self.session_key,
                    ticket=self.ticket,
                )
            except (BigVError, NotConnected, CredentialError) as error:
                # BigV did not answer about the person's access: no verdict; ask next time.
                logger.warning("console %s: access not checked: %r", self.session_id, error)
                continue
            if why is not None:
                await self._end(why)
                return

    async def _typed(self) -> None:
        loop = asyncio.get_running_loop()
        self.last_input = loop.time()
        if self.last_input - self.last_touch >= logins.TOUCH_EVERY:
            self.last_touch = self.last_input
            await database_sync_to_async(logins.note_activity)(self.session_key)

    def _hang_up(self, end: str) -> None:
        """From ``hangup`` (on this loop): the person's access ended elsewhere."""
        self.tasks.append(asyncio.ensure_future(self._end(end)))

    # ---- closing ------------------------------------------------------------------------
    async def _end(self, end: str, *, tell: bool = True) -> None:
        """Once: stop the tasks, hang up on the console, end and audit the row, and (while
        the browser is still there) say why."""
        if self.ended:
            return
        self.ended = True
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()
        hangup.unregister(self.actor.user_id or 0, self._hang_up)
        if self.conn is not None:
            self.conn.close()
        if self.session_id is not None:
            await database_sync_to_async(sessions.console_close)(
                actor=self.actor, session_id=self.session_id, end=end
            )
        if tell:
            code, message = CLOSING.get(end, (4010, "Closed."))
            with contextlib.suppress(Exception):  # the browser may be gone already
                await self.send_json(
                    {
                        "type": "status",
                        "state": "closed",
                        "message": message,
                        "final": code in (4001, 4003, 4008),
                    }
                )
                await self.close(code=code)
