"""What a page costs before it does anything of its own, in parts (the pages series' floor).

Two views that do no page's work: ``empty`` answers two bytes; ``vm_call`` makes the VM
page's one API call through the panel's own client (``panel.credentials.clients``, on the
thread's kept connection, the JSON decoded and typed) and answers the VM's name. Served
without middleware they show what uvicorn, Django and the call cost alone; served behind
the panel's middleware to the signed-in bench user, what every page adds before its view
runs (the session, the person, CSRF, the security headers). The not-found page adds the
page frame to the second. Neither view is part of the panel.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.config import DEMO_VM
from panel.credentials.clients import client_with_token


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def vm_call(request: HttpRequest) -> HttpResponse:
    with client_with_token(os.environ["BENCH_FLOOR_TOKEN"]) as client:
        vm = client.vm(*DEMO_VM)  # with the bench user's token
    return HttpResponse(vm.name, content_type="text/plain")


urlpatterns = [
    path("bench-floor/empty/", empty),
    path("bench-floor/vm-call/", vm_call),
    path("", include("panel.urls")),
]
