"""Error reports never carry a token: not the Authorization header in the client's frame,
not a decrypted credential, not an exception message that quotes one."""

from __future__ import annotations

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from panel.core.log_redaction import remember_secret
from panel.credentials.clients import client_with_token

SENTINEL_KEY = "apikey.ReportSentinel-5e1d7c0b"
OPAQUE = "opaque-session-token-0a9b8c7d6e5f"


def _report(exc_info) -> tuple[str, str]:
    request = RequestFactory().get("/accounts/")
    reporter = get_exception_reporter_class(request)(request, *exc_info)
    return reporter.get_traceback_text(), reporter.get_traceback_html()


@pytest.mark.parametrize("token", [SENTINEL_KEY, OPAQUE])
def test_a_crash_inside_the_client_reports_no_token(monkeypatch, token: str) -> None:
    def crash(self, request, **kwargs):
        raise ZeroDivisionError(f"unexpected while sending {request.headers['Authorization']}")

    monkeypatch.setattr("requests.adapters.HTTPAdapter.send", crash)
    remember_secret(OPAQUE)  # as client_with_token does for every token it is given
    try:
        with client_with_token(token) as client:
            client.accounts()
    except ZeroDivisionError:
        text, html = _report(sys.exc_info())
    else:  # pragma: no cover - the crash above always happens
        raise AssertionError("no crash")
    assert "ZeroDivisionError" in text and "headers" in text  # the frames are there...
    for report in (text, html):
        assert token not in report  # ...without the token
        assert token.removeprefix("apikey.") not in report
