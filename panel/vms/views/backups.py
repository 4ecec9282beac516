"""A disc's backups on the VM page: the list (loaded lazily, one panel per disc), back up
now, delete a backup, add or remove a schedule. Restoring is an operation
(``panel.vm_changes``, linked from each backup).

The list costs two API calls, so it is not part of the page's own read: each disc's panel
loads after the page and polls itself while a backup or a restore is in progress. After an
action the panel's body is drawn again from BigV (a loader that fetches it), and the message
goes beside it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from panel.access.policy import vm_abilities
from panel.bigv import Backup, BackupSchedule, BigVClient
from panel.core.actor import Actor
from panel.credentials.clients import client_for
from panel.vms import backup_selectors
from panel.vms.forms.backups import BackupDeleteForm, BackupNowForm, ScheduleForm
from panel.vms.refs import VmRef
from panel.vms.services import backups as services
from panel.web.errors import errors_into
from panel.web.htmx import HtmxHttpRequest, wants_fragment, with_fragments

from ._context import buttons_action, form_action, history_oob
from ._support import ACTION_PAGE, detail_url, ref_from

TEMPLATE = "vms/_backups.html"
ACTION_METHODS = require_http_methods(["GET", "POST"])


def urls(ref: VmRef, disc: int) -> dict[str, str]:
    kwargs: dict[str, Any] = {**ref.url_kwargs(), "disc": disc}
    return {
        "list": reverse("vms:backups", kwargs=kwargs),
        "create": reverse("vms:backup_create", kwargs=kwargs),
        "schedule": reverse("vms:backup_schedule_create", kwargs=kwargs),
    }


@require_GET
def backups(request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int) -> HttpResponse:
    """The disc's backups and schedules, with the forms for what the person may do."""
    ref = ref_from(request, account, group, vm)
    errors_into(request, f"disc-{disc}-backups-errors")
    with client_for(request.user) as client:
        found = backup_selectors.disc_backups(client=client, ref=ref, disc_id=disc)
    context = _body_context(request, ref, disc, found)
    if wants_fragment(request):
        return render(request, f"{TEMPLATE}#backups_body", context)
    context.update(
        form_template=f"{TEMPLATE}#backups_body",
        title=f"Backups of disc {found.disc.label if found else disc}",
        standalone=True,
        cancel_url=detail_url(ref),
    )
    return render(request, ACTION_PAGE, context)


def _body_context(
    request: HtmxHttpRequest, ref: VmRef, disc: int, found: backup_selectors.DiscBackups | None
) -> dict[str, Any]:
    may = False
    if found is not None:
        may = not found.vm.deleted and vm_abilities(request.user, found.vm.id).manage
        ref = VmRef(ref.account, ref.group, ref.vm, found.vm.id)
    return {
        "ref": ref,
        "disc_id": disc,
        "found": found,
        "may_change": may,
        "backup_urls": urls(ref, disc),
        "schedule_form": ScheduleForm(disc_id=disc),
    }


@ACTION_METHODS
def backup_create(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = BackupNowForm(request.POST)
    label = request.POST.get("shown_label") or f"#{disc}"
    action = buttons_action(request, ref, form, f"Back up disc {label}", _errors(disc))

    def perform(actor: Actor, client: BigVClient) -> Backup:
        return services.backup_create(actor=actor, client=client, ref=ref, disc_id=disc)

    def succeeded(backup: Backup) -> HttpResponse:
        return _changed(request, action, ref, disc, f"Backing up disc {label}: {backup.label}.")

    return action.run(perform, succeeded)


@ACTION_METHODS
def backup_delete(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int, backup: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    data = request.POST if request.method == "POST" else request.GET
    form = BackupDeleteForm(data)
    label = data.get("shown_label") or f"#{backup}"
    question = f"Delete backup {label} of {ref.vm}? It cannot be brought back."
    action = buttons_action(
        request, ref, form, f"Delete backup {label}", _errors(disc), confirm=question
    )

    def perform(actor: Actor, client: BigVClient) -> services.BackupGone:
        return services.backup_delete(
            actor=actor, client=client, ref=ref, disc_id=disc, backup_id=backup
        )

    def succeeded(_: services.BackupGone) -> HttpResponse:
        return _changed(request, action, ref, disc, f"Deleted backup {label}.")

    return action.run(perform, succeeded)


@ACTION_METHODS
def backup_schedule_create(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = ScheduleForm(request.POST or None, disc_id=disc)
    action = form_action(
        request,
        ref,
        form,
        "schedule_form",
        f"sched-{disc}-form",
        "Add a backup schedule",
        template=TEMPLATE,
        disc_id=disc,
        backup_urls=urls(ref, disc),
    )
    action.show_form_on_get = True

    def perform(actor: Actor, client: BigVClient) -> BackupSchedule:
        return services.backup_schedule_create(
            actor=actor, client=client, ref=ref, disc_id=disc, schedule=form.spec()
        )

    def succeeded(schedule: BackupSchedule) -> HttpResponse:
        return _changed(request, action, ref, disc, f"Backups {schedule.words} from now on.")

    return action.run(perform, succeeded)


@ACTION_METHODS
def backup_schedule_delete(
    request: HtmxHttpRequest, account: str, group: str, vm: str, disc: int, schedule: int
) -> HttpResponse:
    ref = ref_from(request, account, group, vm)
    form = BackupDeleteForm(request.POST if request.method == "POST" else request.GET)
    question = f"Stop this backup schedule of {ref.vm}? Its backups are kept."
    action = buttons_action(
        request, ref, form, "Remove a backup schedule", _errors(disc), confirm=question
    )

    def perform(actor: Actor, client: BigVClient) -> services.ScheduleGone:
        return services.backup_schedule_delete(
            actor=actor, client=client, ref=ref, disc_id=disc, schedule_id=schedule
        )

    def succeeded(_: services.ScheduleGone) -> HttpResponse:
        return _changed(
            request, action, ref, disc, "Backup schedule removed; its backups are kept."
        )

    return action.run(perform, succeeded)


def _errors(disc: int) -> str:
    return f"disc-{disc}-backups-errors"


def _changed(
    request: HtmxHttpRequest, action: Any, ref: VmRef, disc: int, message: str
) -> HttpResponse:
    """Without JavaScript: back to the VM page with the message. With htmx: the message, and
    a loader in place of the panel's body that reads it again from BigV."""
    if not wants_fragment(request):
        return action.done(message)
    context = {"ref": ref, "disc_id": disc, "message": message, "backup_urls": urls(ref, disc)}
    response = render(request, f"{TEMPLATE}#backups_changed", context)
    return with_fragments(response, [history_oob(request, ref)])
