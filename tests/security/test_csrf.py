"""CSRF: every POST without the token is refused before any view runs (so before any API
call); an htmx POST carrying the token from the page's ``hx-headers`` goes through."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from panel.credentials.clients import count_api_calls, definitions
from tests.security.instances import url_path, url_values
from tests.security.rules import RULES
from tests.security.urlconf import url_patterns
from tests.security.world import api_requests, clear_api_log, demo_objects, panel_user, writes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
_HX_HEADERS = re.compile(r"hx-headers='([^']*)'")


@pytest.fixture
def owner_client(sim: Any, settings: Any) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    definitions()
    client = Client(enforce_csrf_checks=True)
    client.force_login(panel_user("owner"))
    return client


@pytest.mark.parametrize("info", url_patterns(), ids=str)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_post_without_the_token_is_refused(owner_client, sim, info, htmx) -> None:
    rule = RULES[info.key]
    values = url_values(demo_objects(sim), info, rule.params)
    data = rule.data(values) if callable(rule.data) else rule.data
    path = url_path(info, values)
    clear_api_log(sim)
    with count_api_calls() as calls:
        response = owner_client.post(path, data, **(HTMX if htmx else {}))
    assert response.status_code == 403, f"POST {path}: {response.status_code}"
    assert b"CSRF verification failed" in response.content
    assert len(calls) == 0 and not api_requests(sim)


def _page_token(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    [headers] = _HX_HEADERS.findall(page)
    token = json.loads(headers)["X-CSRFToken"]
    assert token and token in page
    return token


def test_an_htmx_post_with_the_token_from_hx_headers_succeeds(owner_client, sim) -> None:
    objects = demo_objects(sim)
    page = "/accounts/demo/groups/web/vms/web1/"
    token = _page_token(owner_client, page)
    clear_api_log(sim)

    response = owner_client.post(
        f"{page}stop/", {"vm_id": objects.web1_id}, HTTP_X_CSRFTOKEN=token, **HTMX
    )

    assert response.status_code == 200
    assert "Stopped web1." in response.content.decode()
    [write] = writes(api_requests(sim))
    assert write["method"] == "PUT" and write["status"] == 200


def test_a_token_from_another_session_is_refused(owner_client, sim) -> None:
    other = Client(enforce_csrf_checks=True)
    other.force_login(panel_user("viewer"))
    stolen = _page_token(other, "/accounts/demo/groups/web/vms/web1/")
    _page_token(owner_client, "/accounts/demo/groups/web/vms/web1/")  # the owner's own cookie
    clear_api_log(sim)
    response = owner_client.post(
        "/accounts/demo/groups/web/vms/web1/stop/", HTTP_X_CSRFTOKEN=stolen, **HTMX
    )
    assert response.status_code == 403
    assert not api_requests(sim)
