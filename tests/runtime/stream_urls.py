"""A URLconf for tests of the handlers: an async view that takes its time, and a sync view
that streams its answer (as the exports do)."""

from __future__ import annotations

import time

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path


@login_not_required
async def slow(request: HttpRequest) -> HttpResponse:
    await sync_to_async(time.sleep)(0.6)  # database work, say, before the stream begins
    return HttpResponse("late")


@login_not_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse((f"line {n}\n" for n in (1, 2, 3)), content_type="text/plain")


urlpatterns = [path("slow", slow), path("export", export)]
