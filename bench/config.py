"""How big each series is: the full run (``make bench``) and ``--quick`` (the smoke test)."""

from __future__ import annotations

from dataclasses import dataclass

SERIES = ("pages", "live", "bulk", "load", "memory")

# The demo VM whose page the pages series reads, with its floor and its far rows: (account,
# group, name). Here rather than in bench.pages, so that the floor's server (bench/floor_urls.py,
# a Django URLconf) reads it without importing the benchmark's client side.
DEMO_VM = ("demo", "web", "web1")


@dataclass(frozen=True)
class Config:
    quick: bool
    page_repeats: int  # timed requests per page (small pages)
    large_repeats: int  # for pages that carry thousands of VMs
    group_sizes: tuple[int, ...]
    live_ops: int  # each operation gives three step changes
    bulk_sizes: tuple[int, ...]
    bulk_workers: tuple[int, ...]
    single_op_runs: int
    load_users: int
    load_seconds: float
    sim_load_seconds: float
    sim_speed: float  # ACPI shutdown takes 4 s / speed
    poll_seconds: float  # the engine's wait between polls of a power transition


FULL = Config(
    quick=False,
    page_repeats=40,
    large_repeats=20,
    group_sizes=(50, 500, 2000),
    live_ops=17,
    bulk_sizes=(50, 200),
    bulk_workers=(1, 4, 8),
    single_op_runs=3,
    load_users=50,
    load_seconds=30.0,
    sim_load_seconds=10.0,
    sim_speed=4.0,
    poll_seconds=0.25,
)

QUICK = Config(
    quick=True,
    page_repeats=5,
    large_repeats=3,
    group_sizes=(50, 500),
    live_ops=2,
    bulk_sizes=(8,),
    bulk_workers=(4,),
    single_op_runs=1,
    load_users=20,
    load_seconds=3.0,
    sim_load_seconds=2.0,
    sim_speed=4.0,
    poll_seconds=0.25,
)
