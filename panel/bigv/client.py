"""``BigVClient``: the brain API, assembled from one mixin per resource family."""

from __future__ import annotations

from types import TracebackType

import requests

from .accounts import AccountsMixin
from .definitions import DefinitionsMixin
from .discs import DiscsMixin
from .groups import GroupsMixin
from .network import NetworkMixin
from .transport import ClientConfig, Hook, Transport
from .users import UsersMixin
from .vms import VirtualMachinesMixin


class BigVClient(
    DefinitionsMixin,
    AccountsMixin,
    GroupsMixin,
    VirtualMachinesMixin,
    DiscsMixin,
    NetworkMixin,
    UsersMixin,
):
    """A typed client for one user's token. Not thread-safe (one ``requests.Session``):
    make one per request or per task.

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

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> BigVClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
