import re

import pytest


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_well_formed_incoming_id_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/login/", HTTP_X_REQUEST_ID="edge-proxy-1234abcd")
    assert kept["X-Request-ID"] == "edge-proxy-1234abcd"
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced["X-Request-ID"] != "<script>\n"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
