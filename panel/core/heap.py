"""A long-running process settles its heap once it has loaded what every request uses.

CPython's cycle collector scans every tracked object of a generation when it collects it. A
web process holds a few hundred thousand objects that live as long as it does (Django, the
URL patterns, compiled templates); each full collection scanned them all again, and a page
that reads a group of 500 VMs afresh allocates enough to set one off every few pages (about
1 ms a page on average, and pauses in the tail). ``settle()`` loads those long-lived objects
first and then freezes them (``gc.freeze``: out of the collector's sight, never freed), as
CPython's documentation advises for such processes. Objects made later are collected as
before.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _load_templates() -> int:
    """Compile every project template into the cached loader (each process would on first
    use anyway); the count, for the log."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    loaded = 0
    roots: list[Path] = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]  # type: ignore[attr-defined]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            try:
                get_template(path.relative_to(root).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:  # reported on use
                logger.warning("template %s not preloaded: %s", path, error)
                continue
            loaded += 1
    return loaded


def settle() -> None:
    """Import every view (through the URL patterns), compile the templates, then freeze."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    templates = _load_templates()
    gc.collect()
    gc.freeze()
    logger.debug("heap settled: %d templates, %d objects frozen", templates, gc.get_freeze_count())
