"""Every error shape of docs/bigv-api.md §5 maps onto the error tree (§5.6)."""

from __future__ import annotations

import json
import time

import pytest
import responses
from bigv_helpers import API

from panel.bigv import (
    ApiError,
    BadCredentials,
    BadRequest,
    BigVClient,
    BigVError,
    ConnectionFailed,
    Forbidden,
    InvalidResponse,
    NotFound,
    ServerError,
    TimedOut,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)
from panel.bigv.error_mapping import error_from_response

ACCOUNTS = API + "/accounts"

# The five 400 bodies of docs/bigv-api.md §5.3, verbatim.
SHAPES = [
    (
        '{"name":["can\'t be blank"],"memory":["is not included in the list","is not a number"]}',
        {"name": ["can't be blank"], "memory": ["is not included in the list", "is not a number"]},
        [],
        "name: can't be blank; memory: is not included in the list, is not a number",
    ),
    (
        '{"name":["is invalid","is too short (minimum is 3 characters)"],'
        '"memory":["is not included in the list","is not a number"]}',
        {
            "name": ["is invalid", "is too short (minimum is 3 characters)"],
            "memory": ["is not included in the list", "is not a number"],
        },
        [],
        "name: is invalid, is too short (minimum is 3 characters); "
        "memory: is not included in the list, is not a number",
    ),
    (
        '{"hardware_profile":["is not included in the list"]}',
        {"hardware_profile": ["is not included in the list"]},
        [],
        "hardware_profile: is not included in the list",
    ),
    (
        '{"interval_seconds":"Missing interval_seconds parameter"}',
        {"interval_seconds": ["Missing interval_seconds parameter"]},
        [],
        "interval_seconds: Missing interval_seconds parameter",
    ),
    (
        '{"discs":[{},{},{},{},{"size":["must be greater than or equal to 50"]}]}',
        {},
        [{}, {}, {}, {}, {"size": ["must be greater than or equal to 50"]}],
        "disc 5 size: must be greater than or equal to 50",
    ),
]


@pytest.mark.parametrize(("body", "fields", "discs", "message"), SHAPES)
def test_400_json_shapes(
    client: BigVClient,
    rsps: responses.RequestsMock,
    body: str,
    fields: dict[str, list[str]],
    discs: list[dict[str, list[str]]],
    message: str,
) -> None:
    rsps.add("POST", API + "/accounts/a/groups", body=body, status=400)
    with pytest.raises(BadRequest) as info:
        client.group_create("a", name="x")
    error = info.value
    assert (error.status, error.field_errors, error.disc_errors) == (400, fields, discs)
    assert error.message == str(error) == message
    assert error.body == body
    assert (error.method, error.path) == ("POST", "/accounts/a/groups")


def test_400_text_plain_is_kept_verbatim(client: BigVClient, rsps: responses.RequestsMock) -> None:
    text = "Group still contains virtual machines"
    rsps.add(
        "DELETE", API + "/accounts/a/groups/g", body=text, status=400, content_type="text/plain"
    )
    with pytest.raises(BadRequest) as info:
        client.group_delete("a", "g")
    assert info.value.message == text
    assert info.value.field_errors == {} and info.value.disc_errors == []


@pytest.mark.parametrize(
    "body",
    [
        '{"name": 5}',
        '{"name": ["ok", 3]}',
        '{"discs": [{"size": 50}]}',
        '["not", "an", "object"]',
        '"just a string"',
    ],
)
def test_400_json_of_another_shape_does_not_crash(
    client: BigVClient, rsps: responses.RequestsMock, body: str
) -> None:
    rsps.add("GET", ACCOUNTS, body=body, status=400)
    with pytest.raises(BadRequest) as info:
        client.accounts()
    assert info.value.message == body
    assert info.value.field_errors == {}


def test_400_discs_as_strings_is_a_field_error(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("GET", ACCOUNTS, json={"discs": ["is too long (maximum is 8)"]}, status=400)
    with pytest.raises(BadRequest) as info:
        client.accounts()
    assert info.value.field_errors == {"discs": ["is too long (maximum is 8)"]}


def test_400_empty_body_still_has_a_message(
    client: BigVClient, rsps: responses.RequestsMock
) -> None:
    rsps.add("GET", ACCOUNTS, body="", status=400)
    with pytest.raises(BadRequest, match="refused"):
        client.accounts()


@pytest.mark.parametrize(
    ("status", "cls"),
    [(401, Unauthorized), (403, Forbidden), (404, NotFound), (500, ServerError)],
)
def test_status_classes(
    client: BigVClient, rsps: responses.RequestsMock, status: int, cls: type[ApiError]
) -> None:
    rsps.add("GET", ACCOUNTS, body="nope", status=status, content_type="text/plain")
    with pytest.raises(cls) as info:
        client.accounts()
    assert type(info.value) is cls
    assert info.value.status == status
    assert info.value.message.endswith(": nope")
    assert len(rsps.calls) == 1  # none of these is retried


def test_503_with_retry_after_is_retried_then_unavailable(rsps: responses.RequestsMock) -> None:
    from bigv_helpers import FAST

    for _ in range(4):
        rsps.add("GET", ACCOUNTS, body="busy", status=503, headers={"Retry-After": "0"})
    with BigVClient(api_url=API, token="t", config=FAST) as c, pytest.raises(Unavailable) as info:
        c.accounts()
    assert info.value.retry_after == 0.0
    assert len(rsps.calls) == 4


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("120", 120.0), ("5", 5.0), ("Wed, 21 Oct 2099 07:28:00 GMT", None)],
)
def test_503_retry_after_too_long_or_beyond_the_deadline_is_raised_at_once(
    client: BigVClient, rsps: responses.RequestsMock, retry_after: str, expected: float | None
) -> None:
    """120 s > max_retry_after (10 s); 5 s would fit that cap but not FAST's 0.8 s
    deadline; an HTTP-date far in the future is parsed too."""
    from bigv_helpers import FAST

    rsps.add("GET", ACCOUNTS, body="busy", status=503, headers={"Retry-After": retry_after})
    with BigVClient(api_url=API, token="t", config=FAST) as c, pytest.raises(Unavailable) as info:
        c.accounts()
    if expected is None:
        assert info.value.retry_after is not None and info.value.retry_after > 1e8
    else:
        assert info.value.retry_after == expected
    assert len(rsps.calls) == 1


def test_503_short_retry_after_is_waited_for(rsps: responses.RequestsMock) -> None:
    from bigv_helpers import FAST

    rsps.add("GET", ACCOUNTS, body="busy", status=503, headers={"Retry-After": "0.2"})
    rsps.add("GET", ACCOUNTS, json=[])
    with BigVClient(api_url=API, token="t", config=FAST) as c:
        started = time.monotonic()
        assert c.accounts() == []
    assert time.monotonic() - started >= 0.2


def test_502_html_page_keeps_a_clean_message(rsps: responses.RequestsMock) -> None:
    from bigv_helpers import FAST

    for _ in range(4):
        rsps.add("GET", ACCOUNTS, body="<html>bad</html>", status=502, content_type="text/html")
    with BigVClient(api_url=API, token="t", config=FAST) as c, pytest.raises(ServerError) as info:
        c.accounts()
    assert info.value.status == 502
    assert "<html>" not in info.value.message and "<html>" in info.value.body


@pytest.mark.parametrize("status", [409, 422, 418])
def test_unexpected_statuses_are_unexpected_status_errors(
    client: BigVClient, rsps: responses.RequestsMock, status: int
) -> None:
    rsps.add("PUT", API + "/ips/192.0.2.1", json={"error": "x"}, status=status)
    with pytest.raises(ApiError) as info:
        client.ip_set_rdns("192.0.2.1", "x.example")
    assert type(info.value) is UnexpectedStatus
    assert info.value.status == status
    assert f"unexpected HTTP status {status}" in info.value.message
    assert json.loads(info.value.body) == {"error": "x"}
    assert info.value.is_refusal  # a 4xx: BigV (or whatever answered) changed nothing


@pytest.mark.parametrize(
    ("status", "refusal"),
    [(s, True) for s in (400, 401, 403, 404, 409)]
    + [(s, False) for s in (500, 501, 502, 503, 504)],
)
def test_is_refusal_means_a_4xx_answer(status: int, refusal: bool) -> None:
    error = error_from_response(status, b"", {}, method="PUT", path="/x")
    assert error.is_refusal is refusal


def test_errors_without_an_answer_are_never_refusals() -> None:
    for error in (
        ConnectionFailed("refused"),
        TimedOut("slow"),
        InvalidResponse("truncated"),
        BigVError("other"),
    ):
        assert error.is_refusal is False
    assert BadCredentials(401, "no").is_refusal and BadCredentials(400, "bad form").is_refusal


def test_error_repr_is_informative(client: BigVClient, rsps: responses.RequestsMock) -> None:
    rsps.add("GET", ACCOUNTS, status=404)
    with pytest.raises(NotFound) as info:
        client.accounts()
    assert repr(info.value).startswith("NotFound(status=404 GET /accounts, message=")
