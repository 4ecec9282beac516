"""Names outside BigV's grammar never reach a BigV path: a 404 before any API call."""

from __future__ import annotations

import pytest

from tests.access.conftest import browser
from tests.operations.helpers import brain_requests, sim_call


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/../groups/web/vms/web1/",
        "/accounts/demo/groups/../vms/web1/",
        "/accounts/demo/groups/web/vms/../",
        "/accounts/demo/groups/web/vms/./",
        "/accounts/demo/groups/web/vms/%2E%2E/",
        "/accounts/demo/groups/web/vms/Web1/",
        "/accounts/demo/groups/web/vms/web_1/stop/",
        "/accounts/demo/groups/%2E/",
        "/operations/vm/demo/web/../spec/",
        "/operations/accounts/../create-vm/",
    ],
)
def test_a_segment_outside_the_grammar_is_not_found_and_asks_nothing(alice, sim, path):
    sim_call(sim, "DELETE", "/requests")
    response = browser(alice).get(path)
    assert response.status_code == 404
    assert brain_requests(sim) == []
