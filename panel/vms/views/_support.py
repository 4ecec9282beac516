"""What every VM view needs: the VM named by the URL, its page's address, and definitions."""

from __future__ import annotations

from django.urls import reverse

from panel.bigv import Definitions
from panel.credentials import clients
from panel.vms.refs import VmRef
from panel.web.htmx import HtmxHttpRequest

ACTION_PAGE = "vms/action.html"


def ref_from(request: HtmxHttpRequest, account: str, group: str, vm: str) -> VmRef:
    """The VM named by the URL, with the id the page showed (``vm_id``) when posted."""
    raw = request.POST.get("vm_id") or request.GET.get("vm_id") or ""
    vm_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    return VmRef(account=account, group=group, vm=vm, vm_id=vm_id)


def detail_url(ref: VmRef, *, deleted: bool = False, every_section: bool = False) -> str:
    """The VM page; ``every_section``: with the sections below its panel in its first
    answer, as a browser without JavaScript needs it (vms/_lower.html)."""
    url = reverse("vms:detail", kwargs=ref.url_kwargs())
    query = [flag for flag, on in (("deleted=1", deleted), ("all=1", every_section)) if on]
    return f"{url}?{'&'.join(query)}" if query else url


def definitions() -> Definitions:
    """Cached for everyone (``panel.credentials.clients``): keymap, sendkey and grade choices."""
    value: Definitions = clients.definitions()
    return value


def carried_on_confirm(key: str) -> bool:
    """What a no-JavaScript confirmation carries from its GET into its POST: the VM's id and
    the label that words it (a disc's)."""
    return key in ("vm_id", "shown_label")
