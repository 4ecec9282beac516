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
rights decide which rows reach the table, not what a row says), so the last row made for
each VM in each place is kept per process with the VM it was made from (``_made``), and
serves again while the VM read is equal to it (compared whole, in C: 0.4 µs): reading a
group afresh — a reload, the page after a change — builds only the rows whose VM changed,
and every person who sees the same VM shares its row. A row read from the read cache also
keeps its markup itself (``VmRow.html``), so that sorting and filtering a cached table
skips even that comparison.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from panel.bigv.types import VirtualMachine
from panel.core.templatetags.panel_format import gib, mib, url_segment
from panel.inventory.table import VmRow
from panel.web.reversing import url_setting

# The rows are ASCII (their own symbols as character references; BigV's names are DNS
# labels): a table of ASCII rows is joined and encoded by copying, where one non-ASCII
# character makes Python transcode every row (0.33 ms for 500 rows, 1.3 ms for 2000).
_BADGES = {
    "deleted": '<span class="badge badge-deleted">Deleted</span>',
    "running": '<span class="badge badge-on"><span aria-hidden="true">&#9679;</span>'
    " Running</span>",
    "off": '<span class="badge badge-off"><span aria-hidden="true">&#9675;</span> Off</span>',
}
_DASH = "&#8212;"  # an em dash: no value
_SLOT = "0"  # stands for the VM's segment in a reversed URL; replaced with its true value
# The last row made for each VM in each place, with that VM; emptied when full (the fleets of
# a few people fill it in one table each, so a clean start costs one table's build).
_MADE_MAX = 16_384
_made: dict[Hashable, tuple[VirtualMachine, str]] = {}


def _or_dash(value: str | None) -> str:
    return escape(value) if value else _DASH


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


def render_rows(rows: Iterable[VmRow], *, show_place: bool) -> SafeString:
    """``<tr>`` elements for the table body, every API value escaped; a row showing what an
    earlier one showed reuses its markup."""
    links = _Links()
    where = (*url_setting(), show_place)
    parts = []
    for row in rows:
        html = row.html.get(show_place)
        if html is None:
            # The row last made for this VM in this place, if the VM is still what it was
            # then (an immutable value, compared whole: any change makes the row again).
            key = (where, row.account, row.group, row.vm.id)
            made = _made.get(key)
            if made is not None and made[0] == row.vm:
                html = made[1]
            else:
                html = _row(row, links, show_place)
                if len(_made) >= _MADE_MAX:
                    _made.clear()
                _made[key] = (row.vm, html)
            row.html[show_place] = html
        parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308 - every API value is escaped in _row
