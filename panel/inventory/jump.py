"""The header's quick jump: find a VM by name, hostname or IP across everything one can see.

It searches the all-VMs table's own read — ``selectors.all_vm_listing``, through the person's
read cache — so a search costs at most one API request, and a burst of keystrokes (or a
visit to the all-VMs page just before) costs none. That read is made with the person's own
credential, so only what their BigV user can see is ever there to suggest.

Matches are ranked: the whole name, hostname or an address equal to what was typed, then
those that begin with it, then those that contain it; ties stay in name order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from panel.core.templatetags.panel_format import url_segment
from panel.credentials.clients import PanelClient
from panel.inventory import selectors
from panel.inventory.table import VmQuery, VmRow

LIMIT = 8  # suggestions shown; the rest are counted ("and 12 more")


@dataclass(frozen=True, slots=True)
class Suggestion:
    name: str
    account: str
    group: str
    state: str
    hostname: str
    ip: str  # the primary IPv4, or the address that matched
    url: str
    exact: bool


@dataclass(frozen=True, slots=True)
class JumpResult:
    needle: str
    suggestions: tuple[Suggestion, ...] = ()
    more: int = 0

    @property
    def clear_match(self) -> Suggestion | None:
        """Where Enter goes without a choice: the only match, or one matched exactly."""
        if len(self.suggestions) == 1 and not self.more:
            return self.suggestions[0]
        if self.suggestions and self.suggestions[0].exact:
            exact = [s for s in self.suggestions if s.exact]
            return exact[0] if len(exact) == 1 else None
        return None


def find_vms(*, client: PanelClient, needle: str, limit: int = LIMIT) -> JumpResult:
    listing = selectors.all_vm_listing(client=client, query=VmQuery(q=needle))
    folded = needle.casefold()
    ranked = sorted(listing.rows, key=lambda row: _rank(row, folded))
    chosen = tuple(_suggestion(row, folded) for row in ranked[:limit])
    return JumpResult(needle=needle, suggestions=chosen, more=max(0, len(ranked) - limit))


def _texts(row: VmRow) -> list[str]:
    vm = row.vm
    return [t.casefold() for t in (vm.name, vm.hostname or "", *vm.ips) if t]


def _rank(row: VmRow, needle: str) -> int:
    texts = _texts(row)
    if needle in texts:
        return 0
    if any(text.startswith(needle) for text in texts):
        return 1
    return 2


def _suggestion(row: VmRow, needle: str) -> Suggestion:
    vm = row.vm
    matched_ip = next((ip for ip in vm.ips if needle in ip.casefold()), "")
    url = reverse(
        "vms:detail",
        kwargs={
            "account": row.account,
            "group": url_segment(row.group, vm.group_id),
            "vm": url_segment(vm.name, vm.id),
        },
    )
    return Suggestion(
        name=vm.name,
        account=row.account,
        group=row.group,
        state=row.state,
        hostname=vm.hostname or "",
        ip=matched_ip or row.ipv4,
        url=url,
        exact=_rank(row, needle) == 0,
    )
