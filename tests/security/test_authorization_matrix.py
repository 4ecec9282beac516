"""The authorization matrix: every URL x {anonymous, outsider, viewer, owner} x {GET, POST}.

Generated from the URLconf (tests/security/urlconf.py), so a new URL is in the matrix the
moment it exists — and fails until tests/security/rules.py says who may use it. For each
case: the status (and the refusal in words), where a redirect goes, and what reached the
BigV API, from the simulator's own request log and from ``count_api_calls``:

* anonymous is sent to log in, and nothing reaches the API;
* a refusal by the panel itself makes no API call;
* a refusal by BigV (403/404) is shown, and no further write follows it;
* the owner's write is accepted by BigV.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from panel.credentials.clients import count_api_calls, definitions
from tests.security.instances import url_path, url_values
from tests.security.policies import Expect
from tests.security.rules import RULES
from tests.security.urlconf import url_patterns
from tests.security.world import (
    ROLES,
    api_requests,
    clear_api_log,
    client_for,
    demo_objects,
    writes,
)

pytestmark = pytest.mark.django_db

PATTERNS = url_patterns()
CASES = [
    pytest.param(info, role, method, id=f"{info.key}-{role}-{method}")
    for info in PATTERNS
    for role in ROLES
    for method in ("GET", "POST")
]


def test_every_url_has_a_rule_and_every_rule_a_url() -> None:
    keys = {info.key for info in PATTERNS}
    assert not keys - set(RULES), (
        f"URLs without a rule in tests/security/rules.py: {keys - set(RULES)}"
    )
    assert not set(RULES) - keys, f"rules for URLs that no longer exist: {set(RULES) - keys}"


def test_the_matrix_covers_every_url_role_and_method() -> None:
    assert len(CASES) == len(PATTERNS) * len(ROLES) * 2
    assert len(PATTERNS) > 80


# --- the matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize(("info", "role", "method"), CASES)
def test_authorization(sim, settings, redis_url, info, role, method) -> None:
    rule = RULES.get(info.key)
    assert rule is not None, f"{info.key}: no rule in tests/security/rules.py — add one"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REDIS_URL = redis_url  # /healthz checks it
    cache.clear()
    definitions()  # cached for everyone: not part of any one page's calls
    values = url_values(demo_objects(sim), info, rule.params)
    path = url_path(info, values)
    client = client_for(role)
    headers = {"HTTP_HX_REQUEST": "true"} if rule.htmx else {}
    data = rule.data(values) if callable(rule.data) else rule.data
    expected = (rule.get if method == "GET" else rule.post).expect(role)

    clear_api_log(sim)
    with count_api_calls() as calls:
        if method == "GET":
            response = client.get(path, **headers)
        else:
            response = client.post(path, data, **headers)
    log = api_requests(sim)

    where = f"{method} {path} as {role}"
    _check_answer(response, expected, where)
    _check_api(expected, log, len(calls), where)


def _check_answer(response: Any, expected: Expect, where: str) -> None:
    assert response.status_code == expected.status, (
        f"{where}: {response.status_code}, expected {expected.status}"
        f" {response.get('Location', '')}"
    )
    if expected.location:
        assert response["Location"].startswith(expected.location), where
    if expected.says:
        body = b"".join(response) if response.streaming else response.content
        assert expected.says in body.decode(), f"{where}: the refusal is not shown"


def _check_api(expected: Expect, log: list[dict[str, Any]], counted: int, where: str) -> None:
    attempted = writes(log)
    if expected.api == "none":
        assert counted == 0 and not log, f"{where}: reached the API: {log}"
    elif expected.api == "reads":
        assert not attempted, f"{where}: wrote {attempted}"
    elif expected.api == "refused":
        assert len(attempted) <= 1, f"{where}: wrote again after a refusal: {attempted}"
        assert all(w["status"] in (403, 404) for w in attempted), f"{where}: {attempted}"
    else:
        assert any(200 <= w["status"] < 300 for w in attempted), f"{where}: no write: {log}"
