"""Delete a group with everything in it: the page that names every VM to be purged, a typed
confirmation, then the batch (``teardown.group_teardown_start``) and its page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from panel.access.levels import Need
from panel.access.policy import Denied, NotVisible, account_abilities, refusal
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vm_changes.forms.pair import GroupTeardownForm
from panel.vm_changes.teardown import group_contents, group_teardown_start
from panel.web.htmx import HtmxHttpRequest

PAGE = "vm_changes/group_teardown.html"


def _offered(request: HtmxHttpRequest, account: str) -> None:
    """The page only for a person who may delete the account's groups (the service refuses
    the POST itself, audited)."""
    abilities = account_abilities(request.user, account)
    if not abilities.visible:
        raise NotVisible()
    message = refusal(request.user, abilities, Need.ADMINISTER, f"account {account}")
    if message is not None:
        raise Denied(message)


@require_http_methods(["GET", "POST"])
def group_teardown(request: HtmxHttpRequest, account: str, group: str) -> HttpResponse:
    _offered(request, account)
    with client_for(request.user) as client:
        found = group_contents(client=client, account=account, group=group)
        form = GroupTeardownForm(request.POST or None, group=found.name)
        if request.method == "POST" and form.is_valid():
            batch = group_teardown_start(
                actor=Actor.from_request(request), client=client, account=account, group=group
            )
            return redirect("operations:batch", batch_id=batch.pk)
    context = {
        "account": account,
        "group": found,
        "form": form,
        "cancel_url": reverse("accounts:group", kwargs={"account": account, "group": group}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, PAGE, context, status=status)
