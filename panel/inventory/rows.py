"""The VM table's rows as HTML, built in Python.

A group can hold thousands of VMs, and the template engine spends tens of microseconds per
``{% url %}``, include and filter: for 500 rows that was most of the page's time. The rows
are therefore written here with ``html.escape`` on every value from the API, and their
links come from one ``reverse()`` per (account, group) with the VM's segment put in its
place — the segment is a DNS label or a numeric id (``url_segment``), which needs no quoting.

The markup is the row that ``inventory/_vm_table.html`` documents; the power badge mirrors
``_components/power_badge.html``. Name and state come first and carry ``col-name`` /
``col-state``: on a phone those two stay in view while the rest scrolls
(static/css/layout.css). Each live VM's checkbox belongs to ``#bulk-form``
(``vm_changes/_bulk_bar.html``); deleted VMs cannot be changed, so they get none.

A row's markup depends on nothing but the values it shows (never on who looks: the person's
rights decide which rows reach the table, not what a row says), so it is kept per process by
those values (``_made``): reading a group afresh — a reload, the page after a change — builds
only the rows whose VM changed, and every person who sees the same VM shares its row. A row
read from the read cache also keeps its markup itself (``VmRow.html``), so that sorting and
filtering a cached table skips even making those keys.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from html import escape

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from panel.core.templatetags.panel_format import gib, mib, url_segment
from panel.inventory.table import VmRow

_BADGES = {
    "deleted": '<span class="badge badge-deleted">Deleted</span>',
    "running": '<span class="badge badge-on"><span aria-hidden="true">●</span> Running</span>',
    "off": '<span class="badge badge-off"><span aria-hidden="true">○</span> Off</span>',
}
_SLOT = "0"  # stands for the VM's segment in a reversed URL; replaced with its true value
# Rows kept by what they show; emptied when full (the fleets of a few people fill it in one
# table each, so a clean start costs one table's build). ~0.6 KB a row.
_MADE_MAX = 16_384
_made: dict[Hashable, str] = {}


def _or_dash(value: str | None) -> str:
    return escape(value) if value else "—"


class _Links:
    """URLs of the table's links, reversed once per account and group."""

    def __init__(self) -> None:
        self._vm_prefix: dict[tuple[str, str], str] = {}
        self._group: dict[tuple[str, str], str] = {}
        self._account: dict[str, str] = {}

    def vm(self, account: str, group: str, vm_segment: str) -> str:
        key = (account, group)
        prefix = self._vm_prefix.get(key)
        if prefix is None:
            url = reverse("vms:detail", kwargs={"account": account, "group": group, "vm": _SLOT})
            prefix = self._vm_prefix[key] = url.removesuffix(f"/{_SLOT}/")
        return f"{prefix}/{vm_segment}/"

    def group(self, account: str, group: str) -> str:
        key = (account, group)
        if key not in self._group:
            kwargs = {"account": account, "group": group}
            self._group[key] = reverse("accounts:group", kwargs=kwargs)
        return self._group[key]

    def account(self, account: str) -> str:
        if account not in self._account:
            self._account[account] = reverse("accounts:account", kwargs={"account": account})
        return self._account[account]


def _row(row: VmRow, links: _Links, show_place: bool) -> str:
    vm = row.vm
    name = escape(vm.name)
    account, group = escape(row.account), escape(row.group)
    group_segment = url_segment(row.group, vm.group_id)
    detail = links.vm(row.account, group_segment, url_segment(vm.name, vm.id))
    if vm.deleted:
        checkbox = ""
    else:
        checkbox = (
            f'<input type="checkbox" name="vm" value="{account}/{group}/{name}" form="bulk-form"'
            f' id="bulk-{vm.id}" aria-label="Select {name} in {account}/{group}">'
        )
    place = ""
    if show_place:
        place = (
            f'<td><a href="{escape(links.account(row.account))}">{account}</a></td>'
            f'<td><a href="{escape(links.group(row.account, group_segment))}">{group}</a></td>'
        )
    return (
        f'<tr class="vm-row{" is-deleted" if vm.deleted else ""}" data-vm="{name}">'
        f'<td class="bulk-cell">{checkbox}</td>'
        f'<th scope="row" class="col-name"><a href="{escape(detail)}">{name}</a></th>'
        f'<td class="col-state">{_BADGES[row.state]}</td>'
        f"{place}"
        f'<td class="num">{vm.cores}</td>'
        f'<td class="num">{gib(vm.memory)}</td>'
        f'<td class="num">{mib(vm.total_disc_mib)}</td>'
        f"<td>{_or_dash(vm.zone_name)}</td>"
        f"<td>{_or_dash(vm.hardware_profile)}</td>"
        f'<td class="mono hostname">{_or_dash(vm.hostname)}</td>'
        f'<td class="mono ip">{_or_dash(row.ipv4)}</td>'
        "</tr>"
    )


def _shown(row: VmRow, where: tuple[object, ...]) -> tuple[object, ...]:
    """Everything ``_row`` reads, with ``where`` (the URL configuration and prefix its links
    are reversed under, and ``show_place``): equal keys make equal markup."""
    vm = row.vm
    return (
        where,
        row.account,
        row.group,
        vm.group_id,
        vm.id,
        vm.name,
        vm.deleted,
        vm.power_on,
        vm.cores,
        vm.memory,
        vm.total_disc_mib,
        vm.zone_name,
        vm.hardware_profile,
        vm.hostname,
        row.ipv4,
    )


def render_rows(rows: Iterable[VmRow], *, show_place: bool) -> SafeString:
    """``<tr>`` elements for the table body, every API value escaped; a row showing what an
    earlier one showed reuses its markup."""
    links = _Links()
    where = (get_urlconf(), get_script_prefix(), show_place)
    parts = []
    for row in rows:
        html = row.html.get(show_place)
        if html is None:
            key = _shown(row, where)
            html = _made.get(key)
            if html is None:
                html = _row(row, links, show_place)
                if len(_made) >= _MADE_MAX:
                    _made.clear()
                _made[key] = html
            row.html[show_place] = html
        parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308 - every API value is escaped in _row
