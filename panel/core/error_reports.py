"""Error reports (Django's 500 page under DEBUG, and any e-mailed or logged report) never
carry a token.

Django hides only the variables of functions marked ``@sensitive_variables``. A token lives
in many frames — the client's ``Authorization`` header, a decrypted credential — so the
filter hides every variable whose name says secret (Django's own list: API, TOKEN, KEY,
SECRET, PASS, …) and redacts the text of every other value; the reporter then redacts the
finished report once more, exception message included (panel.core.log_redaction).
"""

from __future__ import annotations

from collections.abc import ItemsView
from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import pprint as django_pprint
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from panel.core.log_redaction import redact


class _Shown:
    """A value as the report would print it, with its secrets cut out."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: Any
    ) -> ItemsView[str, Any]:
        cleansed: dict[str, Any] = {}
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
                continue
            text = django_pprint(value)
            shown = redact(text)
            cleansed[name] = value if shown == text else _Shown(shown)
        return cleansed.items()


class RedactingExceptionReporter(ExceptionReporter):
    # Safe stays safe: redaction only replaces text with "[redacted]".
    def get_traceback_html(self) -> SafeString:
        return mark_safe(redact(str(super().get_traceback_html())))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(redact(str(super().get_traceback_text())))  # noqa: S308
