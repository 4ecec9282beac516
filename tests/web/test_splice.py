"""Large pieces put into an answer after its template rendered (panel.web.splice): a piece
goes where its placeholder was, once, and without splicing a piece is itself (the pages:
tests/inventory/test_row_memo.py)."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from panel.web.splice import later, spliced, splicing


def test_a_piece_goes_where_its_placeholder_was_once() -> None:
    request = RequestFactory().get("/")
    splicing(request)
    piece = mark_safe("<tr><td>é</td></tr>")
    mark = later(request, piece)
    assert mark != piece
    response = HttpResponse(f"<table>{mark}</table><p>{mark}</p>")
    assert spliced(request, response).content.decode() == (
        f"<table><tr><td>é</td></tr></table><p>{mark}</p>"
    )


def test_without_splicing_a_piece_is_itself() -> None:
    request = RequestFactory().get("/")
    piece = mark_safe("<tr></tr>")
    assert later(request, piece) is piece
    assert later(None, piece) is piece
    # After an answer was spliced, later renders get their pieces in place.
    splicing(request)
    spliced(request, HttpResponse(""))
    assert later(request, piece) is piece
