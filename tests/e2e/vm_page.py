"""Opening a VM page as a person reads it, in browser tests."""

from __future__ import annotations

from typing import Any


def open_vm_page(page: Any, url: str) -> None:
    """Open the page, then scroll to what lies below its panel — discs, backups, network and
    history load as they come into view — and wait for them, and for what they load in turn
    (each address's reverse DNS), which moves what lies below it: a click aimed before
    that could land beside its target."""
    page.goto(url)
    page.locator("#vm-lower").scroll_into_view_if_needed()
    page.locator("#vm-history").wait_for()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
