"""The brain API (docs/bigv-api.md §7): routing and authentication of every request."""

from __future__ import annotations

from panel.simulator.auth import authenticate
from panel.simulator.brain import (
    accounts,
    backups,
    discs,
    groups,
    network,
    people,
    vm_actions,
    vm_create,
    vms,
)
from panel.simulator.brain.context import Ctx
from panel.simulator.definitions import definitions
from panel.simulator.rules import Access
from panel.simulator.web import Request, Response, Router, json_response, not_found
from panel.simulator.world import World

ROUTER = Router()
for _module in (accounts, groups, vms, vm_create, vm_actions, discs, backups, network, people):
    _module.register(ROUTER)


def handle(world: World, request: Request) -> Response:
    """Answer one brain request; call with ``world.lock`` held. Raises ``HttpError``."""
    if request.method == "GET" and request.segments in (["definitions"], ["definitions.json"]):
        # docs/bigv-api.md §3.6: definitions need no Authorization header.
        return json_response(200, definitions())
    # Authenticate before routing so an anonymous caller learns nothing about paths.
    principal = authenticate(world, request)
    match = ROUTER.match(request.method, request.segments)
    if match is None:
        raise not_found()
    handler, params = match
    return handler(Ctx(world, request, principal, Access(world, principal)), **params)
