"""A URLconf for tests of the handlers: an async view that takes its time, and a sync view
that streams its answer (as the exports do)."""

from __future__ import annotations

import threading
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


# Set by the test's client once it has received the first part of "/export-slowly".
FIRST_PART_SENT = threading.Event()


def _waiting_for_the_client():
    yield "part 1\n"
    # Only an answer sent part by part lets the client see part 1 before part 2 is made.
    yield "part 2, after the client had part 1\n" if FIRST_PART_SENT.wait(5) else "buffered\n"


@login_not_required
def export_slowly(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(_waiting_for_the_client(), content_type="text/plain")


urlpatterns = [path("slow", slow), path("export", export), path("export-slowly", export_slowly)]
