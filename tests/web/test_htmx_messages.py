"""A notice goes out with the htmx answer it belongs to, once — never saved up for a later
page where it would sit beside unrelated ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxMiddleware

from panel.web.middleware import HtmxMessagesMiddleware

pytestmark = pytest.mark.django_db


def _stack(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """The order of settings.MIDDLEWARE: htmx, sessions, messages, then ours."""
    inner = HtmxMessagesMiddleware(view)
    return HtmxMiddleware(SessionMiddleware(MessageMiddleware(inner)))


def _request(htmx: bool) -> HttpRequest:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return RequestFactory().post("/somewhere/", **headers)


def _adds(text: str, response: Callable[[], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        messages.success(request, text)
        return response()

    return view


def test_an_htmx_fragment_carries_its_notice_out_of_band() -> None:
    answer = _stack(_adds("Undeleted api-01.", lambda: HttpResponse("<div id='panel'></div>")))(
        _request(htmx=True)
    )

    body = answer.content.decode()
    assert body.startswith("<div id='panel'></div>")
    assert 'id="messages"' in body and 'hx-swap-oob="true"' in body
    assert "Undeleted api-01." in body
    assert "messages" not in answer.cookies or not answer.cookies["messages"].value


def test_a_redirecting_htmx_answer_leaves_the_notice_for_the_next_page() -> None:
    answer = _stack(_adds("Renamed.", lambda: HttpResponseClientRedirect("/vm/")))(
        _request(htmx=True)
    )

    assert "Renamed." not in answer.content.decode()
    assert answer.cookies["messages"].value  # stored for the page it leads to


def test_a_full_page_is_left_to_render_its_own_box() -> None:
    answer = _stack(_adds("Done.", lambda: HttpResponse("<html></html>")))(_request(htmx=False))

    assert answer.content.decode() == "<html></html>"
    assert answer.cookies["messages"].value


def test_an_answer_without_notices_is_untouched() -> None:
    answer = _stack(lambda request: HttpResponse("<p>same</p>"))(_request(htmx=True))

    assert answer.content.decode() == "<p>same</p>"
