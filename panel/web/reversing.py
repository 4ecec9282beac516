"""What a reversed URL depends on besides its name and arguments.

URLs reversed once and kept per process — the page frame's links, a VM's actions, the VM
table's row links — are kept under this as well, so that a request under another script
prefix or URL configuration never gets another's.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf


def url_setting() -> tuple[str, object]:
    """The script prefix and the URL configuration ``reverse()`` would use now."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
