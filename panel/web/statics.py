"""Static files' URLs, worked out once per process.

``static()`` asks the storage for the file's hashed name and quotes the URL, about 20 µs;
the frame and the VM page's console name eleven files on every render, and their URLs
change only with the static files' settings (which only tests change in a process).
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static

# Settings that static()'s answer depends on.
STATIC_SETTINGS = frozenset({"STATIC_URL", "STORAGES"})


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _static_changed(setting: str, **kwargs: Any) -> None:
    if setting in STATIC_SETTINGS:
        static_url.cache_clear()
