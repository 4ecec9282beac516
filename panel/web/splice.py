"""Large pieces of a page put into the answer after its template has rendered.

Django's template engine joins each node list's output into a new string at every level of
nesting (the block, the include, the partial, the base template) and marks it safe, which
copies it again. A VM table's body of 2000 rows is 1.3 MB: it was copied a dozen times on its
way out, about 3 ms of a page read afresh (cProfile: ``str.join`` and ``mark_safe``). A tag
that makes such a piece hands it to ``later`` and returns a placeholder; ``spliced`` then
puts every piece into the encoded answer once.

Only where the view asked for it (``splicing``): a template rendered any other way gets the
piece itself, so a placeholder can never reach a browser. Placeholders are random per piece,
and every value from BigV in the page is escaped (no ``<`` survives), so no answer can
contain one by chance or by design.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe

_PIECES = "_panel_spliced_pieces"


def splicing(request: HttpRequest) -> None:
    """Pieces made while rendering this request's answer may wait for ``spliced``."""
    setattr(request, _PIECES, {})


def later(request: HttpRequest | None, html: SafeString) -> SafeString:
    """``html`` itself, or a placeholder for it when the view splices its answer."""
    pieces: dict[str, SafeString] | None = getattr(request, _PIECES, None)
    if pieces is None:
        return html
    mark = f"<!--piece:{secrets.token_hex(12)}-->"
    pieces[mark] = html
    return mark_safe(mark)  # noqa: S308 - our own placeholder, no outside text in it


def spliced(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the pieces into ``response`` (rendered with ``splicing``) where their placeholders
    are, each once."""
    pieces: dict[str, SafeString] = getattr(request, _PIECES, None) or {}
    setattr(request, _PIECES, None)  # what renders after this gets its pieces in place
    if pieces:
        content = response.content
        charset = response.charset
        for mark, html in pieces.items():
            before, found, after = content.partition(mark.encode(charset))
            if found:
                content = b"".join((before, html.encode(charset), after))
        response.content = content
    return response
