"""``BigVClient``: the brain API, assembled from one mixin per resource family."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from ._base import Closing
from .accounts import AccountsMixin
from .api_keys import ApiKeysMixin
from .backups import BackupsMixin
from .definitions import DefinitionsMixin
from .discs import DiscsMixin
from .groups import GroupsMixin
from .network import NetworkMixin
from .privileges import PrivilegesMixin
from .ssh_keys import SshKeysMixin
from .transport import ClientConfig, Hook, Transport
from .users import UsersMixin
from .vms import VirtualMachinesMixin


@dataclass
class Answered:
    """The HTTP statuses of the attempts made during a ``BigVClient.answered()`` block
    (``None`` for an attempt that got no answer)."""

    statuses: list[int | None] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        """What the API answered last: the answer the call's result came from."""
        return self.statuses[-1] if self.statuses else None


class BigVClient(
    Closing,
    DefinitionsMixin,
    AccountsMixin,
    GroupsMixin,
    VirtualMachinesMixin,
    DiscsMixin,
    BackupsMixin,
    NetworkMixin,
    UsersMixin,
    PrivilegesMixin,
    ApiKeysMixin,
    SshKeysMixin,
):
    """A typed client for one user's token, for one thread: make one per request or per
    task (its connections are the thread's, ``_sessions.py``, and outlive it).

    ``on_request`` hooks are called after every HTTP attempt (retries included) with
    ``(method, path, status or None)``; ``path`` has no query string and no token.
    """

    def __init__(
        self,
        *,
        api_url: str,
        token: str | None,
        config: ClientConfig = ClientConfig(),  # noqa: B008 - frozen, so sharing is safe
        session: requests.Session | None = None,
    ) -> None:
        self.on_request: list[Hook] = []
        self._transport = Transport(
            base_url=api_url,
            config=config,
            session=session,
            token=token,
            hooks=self.on_request,
        )

    def __repr__(self) -> str:
        # Never the token, not even a prefix of it.
        return f"BigVClient(api_url={self._transport.base_url!r})"

    @property
    def api_url(self) -> str:
        return self._transport.base_url

    @contextmanager
    def answered(self) -> Iterator[Answered]:
        """Collect what the API answers during the block, e.g. for an audit entry: the typed
        results carry no status, and a 202 (accepted, still provisioning) says something a
        200 does not."""
        answered = Answered()

        def note(method: str, path: str, status: int | None) -> None:
            answered.statuses.append(status)

        self.on_request.append(note)
        try:
            yield answered
        finally:
            self.on_request.remove(note)
