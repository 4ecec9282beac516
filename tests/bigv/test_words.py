"""BigV's errors in words a person reads, with BigV's own answer kept for "details"."""

from __future__ import annotations

from panel.bigv import (
    BadRequest,
    ConnectionFailed,
    Forbidden,
    NotFound,
    ServerError,
    TimedOut,
    Unavailable,
    UnexpectedStatus,
)
from panel.bigv.words import field_sentence, raw, sentence

FORBIDDEN_BODY = '{"error": "Forbidden"}'


def test_a_refusal_never_shows_the_raw_body_in_its_sentence() -> None:
    error = Forbidden(403, f"forbidden: {FORBIDDEN_BODY}", FORBIDDEN_BODY, method="PUT", path="/x")

    assert sentence(error) == "BigV says this BigV user may not do that."
    assert FORBIDDEN_BODY not in sentence(error)
    assert raw(error) == f"PUT /x → HTTP 403\n{FORBIDDEN_BODY}"


def test_field_errors_become_sentences() -> None:
    error = BadRequest(
        400,
        "bad",
        field_errors={"name": ["has already been taken"], "cores": ["must be greater than 0"]},
        disc_errors=[{"size": ["is too small"]}],
    )

    assert sentence(error) == (
        "BigV refused it: Name has already been taken. Cores must be greater than 0. "
        "Disc 1 size is too small."
    )
    assert field_sentence("name", "has already been taken", this=True) == (
        "This name has already been taken."
    )
    assert field_sentence("interval", "Missing interval parameter") == (
        "Interval: Missing interval parameter."
    )


def test_every_kind_of_failure_has_its_words() -> None:
    assert sentence(NotFound(404, "not found")).startswith("BigV cannot find it")
    assert sentence(ServerError(500, "x")) == "BigV had an internal error (HTTP 500)."
    assert sentence(Unavailable(503, "x")) == "BigV says it is unavailable for the moment."
    assert sentence(UnexpectedStatus(409, "x")) == (
        "BigV answered with an unexpected status (HTTP 409)."
    )
    assert sentence(TimedOut("slow", method="GET", path="/vms")) == "BigV did not answer in time."
    assert sentence(ConnectionFailed("refused")) == "The panel could not connect to BigV."
    assert raw(TimedOut("read timed out", method="GET", path="/vms")) == "GET /vms: read timed out"
    assert raw(BadRequest(400, "x", "")) == "HTTP 400\n(empty body)"
