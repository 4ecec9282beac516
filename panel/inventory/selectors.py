"""Reads for the accounts pages. Each selector makes exactly ONE API call (``view=overview``
embeds groups → VMs → discs/NICs), so a page's cost does not grow with its size.

They return ``panel.bigv.types`` values, wrapped in small frozen summaries where a page needs
counts; never dicts shaped for templates. The VM tables read through the per-user read cache
(``panel.core.read_cache``): sorting, filtering and searching reuse the answer of a moment ago
until someone writes through the panel; ``fresh`` asks BigV again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

from panel.bigv import BigVClient
from panel.bigv.types import Account, Group, VirtualMachine
from panel.credentials.clients import PanelClient
from panel.inventory import table
from panel.inventory.table import VmListing, VmQuery, VmRow, VmSet


@dataclass(frozen=True, slots=True)
class PowerCounts:
    running: int = 0
    off: int = 0
    deleted: int = 0

    @property
    def live(self) -> int:
        """VMs that exist (running or off); deleted ones can still be undeleted or purged."""
        return self.running + self.off

    @classmethod
    def of(cls, vms: Iterable[VirtualMachine]) -> PowerCounts:
        states = [table.power_state(vm) for vm in vms]
        return cls(
            running=states.count("running"),
            off=states.count("off"),
            deleted=states.count("deleted"),
        )


@dataclass(frozen=True, slots=True)
class GroupSummary:
    group: Group
    counts: PowerCounts


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: Account
    groups: tuple[GroupSummary, ...]
    counts: PowerCounts

    @classmethod
    def of(cls, account: Account) -> AccountSummary:
        groups = tuple(
            GroupSummary(group=g, counts=PowerCounts.of(g.virtual_machines))
            for g in sorted(account.groups, key=lambda g: g.name.casefold())
        )
        return cls(
            account=account,
            groups=groups,
            counts=PowerCounts.of(vm for g in account.groups for vm in g.virtual_machines),
        )


@dataclass(frozen=True, slots=True)
class GroupListing:
    account: str  # as named in the URL: the API resolves names and ids alike
    group: Group
    listing: VmListing


def account_summaries(*, client: BigVClient) -> tuple[AccountSummary, ...]:
    """Home page: every account the user can see. Deleted VMs are fetched so they can be
    counted; they cost nothing extra (same request)."""
    accounts = client.accounts(overview=True, include_deleted=True)
    return tuple(AccountSummary.of(a) for a in sorted(accounts, key=lambda a: a.name.casefold()))


def account_summary(*, client: BigVClient, account: str) -> AccountSummary:
    """Account page. Deleted VMs are included because they still block a group's deletion
    (only purging frees it), so the page must be able to say so."""
    return AccountSummary.of(client.account(account, overview=True, include_deleted=True))


def group_vm_listing(
    *, client: PanelClient, account: str, group: str, query: VmQuery, fresh: bool = False
) -> GroupListing:
    deleted = query.show_deleted

    def fetch() -> tuple[Group, VmSet]:
        found = client.group(account, group, overview=True, include_deleted=deleted)
        return found, _group_rows(account, found, deleted)

    read = client.cached(
        ("group", account, group, deleted), fetch, weight=lambda g: len(g[1].rows), fresh=fresh
    )
    found, rows = read.value
    # Account/group filters belong to the all-VMs page; here the URL already chose them.
    query = replace(query, account="", group="")
    listing = table.apply(rows, query, as_of=read.fetched_at)
    return GroupListing(account=account, group=found, listing=listing)


# The rows made from the last group reads, with the group each was made from. A group read
# afresh whose answer was byte for byte the one before comes back as the very same value
# (panel.bigv._kept_answers): its rows are then these, their markup already made. The rows
# depend on the group, the account's name and ``deleted`` only, never on who reads them.
# Emptied when they hold more than _ROWS_MAX rows (a clean start costs one build per group).
_ROWS_MAX = 20_000
_row_sets: dict[tuple[str, int, bool], tuple[Group, VmSet]] = {}
_row_sets_lock = threading.Lock()


def _group_rows(account: str, found: Group, deleted: bool) -> VmSet:
    key = (account, found.id, deleted)
    kept = _row_sets.get(key)
    if kept is not None and kept[0] is found:
        return kept[1]
    made = VmSet.of(
        (VmRow(account, found.name, vm) for vm in found.virtual_machines), show_deleted=deleted
    )
    with _row_sets_lock:
        _row_sets[key] = (found, made)
        if sum(len(rows.rows) for _, rows in _row_sets.values()) > _ROWS_MAX:
            _row_sets.clear()
            _row_sets[key] = (found, made)
    return made


def all_vm_listing(*, client: PanelClient, query: VmQuery, fresh: bool = False) -> VmListing:
    deleted = query.show_deleted

    def fetch() -> VmSet:
        accounts = client.accounts(overview=True, include_deleted=deleted)
        groups = ((a, g) for a in accounts for g in a.groups)
        rows = (VmRow(a.name, g.name, vm) for a, g in groups for vm in g.virtual_machines)
        return VmSet.of(rows, show_deleted=deleted)

    read = client.cached(("accounts", deleted), fetch, weight=lambda s: len(s.rows), fresh=fresh)
    return table.apply(read.value, query, as_of=read.fetched_at)
