"""WhiteNoise for a middleware chain that may be sync or async.

WhiteNoise's middleware is sync-only. In Django's async chain (the panel's live streams,
``panel.runtime.asgi_handlers``) a sync-only layer makes every layer inside it run through
``async_to_sync``, which ``panel.core.light_middleware`` explains the harm of. This layer is
WhiteNoise as it is in the sync chain (the pages, where static files are asked for), and in
the async chain looks a path up the same way, with any file system work in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware

from panel.core.light_middleware import chain_mode


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        super().__init__(get_response)
        self.async_mode = chain_mode(self, get_response)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if self.autorefresh:  # development: the file system is searched on every request
            static_file = await sync_to_async(self.find_file, thread_sensitive=False)(path)
        else:
            static_file = self.files.get(path)
        if static_file is None:
            response: HttpResponseBase = await self.get_response(request)
            return response
        return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
