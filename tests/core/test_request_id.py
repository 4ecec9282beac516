import re

import pytest

from panel.core.request_id import is_well_formed

NGINX_ID = "f3a6c1e0b2d94e7f8a1b2c3d4e5f6a7b"  # nginx's $request_id: 32 hex digits


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_well_formed_incoming_id_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/login/", HTTP_X_REQUEST_ID=NGINX_ID)
    assert kept["X-Request-ID"] == NGINX_ID
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced["X-Request-ID"] != "<script>\n"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


@pytest.mark.django_db
def test_a_proxy_id_that_is_not_hex_is_replaced(client):
    # Once accepted by the old, looser pattern: words can say anything in a log line.
    response = client.get("/login/", HTTP_X_REQUEST_ID="edge-proxy-1234abcd")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize(
    "value",
    [
        NGINX_ID,
        NGINX_ID.upper(),
        "0123456789abcdef",  # 16: the shortest
        "a" * 64,  # the longest
        "5a33a635-4bbe-4b88-8458-b78bda153102",  # a UUID
        "5A08ABD5-4CA4-4787-8184-F641B3E4658E",
        "d16c475f846440a880539fde0c443efc",  # the panel's own form (uuid4().hex)
    ],
)
def test_hex_and_uuid_ids_are_well_formed(value):
    assert is_well_formed(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0123456789abcde",  # 15 hex digits: too short to be unique
        "a" * 65,  # too long for the audit column
        "req-id-0123456789",  # words
        "edge-proxy-1234abcd",
        "deadbeefdeadbeef.injected",  # dots and suffixes
        "deadbeefdeadbeef\n",  # a newline after a well-formed id
        "deadbeefdeadbeef\nlevel=ERROR forged line",
        "deadbeef deadbeef",
        "ghijklmnopqrstuv",  # letters beyond f
        "".join(chr(0xFF10 + i) for i in range(10)) + "abcdef",  # full-width digits
        "12345678-1234-1234-1234-1234567890a",  # a UUID one digit short
        "{12345678-1234-1234-1234-1234567890ab}",  # braces
        "12345678-1234-1234-1234-1234567890ab-x",
        "1234-5678-1234",  # dashes, but no UUID
        "<script>alert(1)</script>",
        "%0d%0a0123456789abcdef",
    ],
)
def test_anything_else_is_not_well_formed(value):
    assert not is_well_formed(value)


@pytest.mark.django_db
def test_an_id_with_a_smuggled_line_is_replaced_whole(client):
    response = client.get("/login/", HTTP_X_REQUEST_ID="deadbeefdeadbeef\nforged")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert "forged" not in response["X-Request-ID"]
