"""A URLconf for tests of the async (stream) path: one async view that takes its time."""

from __future__ import annotations

import time

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path


@login_not_required
async def slow(request: HttpRequest) -> HttpResponse:
    await sync_to_async(time.sleep)(0.6)  # database work, say, before the stream begins
    return HttpResponse("late")


urlpatterns = [path("slow", slow)]
