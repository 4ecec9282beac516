"""A page reads the person's credential once however often it asks; outside a page, and
after a change to it within the page, every ask reads the row."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from panel.core.request_memo import RequestMemoMiddleware
from panel.credentials.models import BigVCredential
from panel.credentials.selectors import credential_for
from tests.vms.helpers import vm_url


def _credential_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "credentials_bigvcredential"' in q["sql"] for q in queries.captured_queries)


def test_the_vm_page_reads_the_credential_once(demo_client: Any, sim: Any) -> None:
    demo_client.get(vm_url("web1"))  # the kept scope and definitions: not this page's reads
    with CaptureQueriesContext(connection) as queries:
        response = demo_client.get(vm_url("web1"))
    assert response.status_code == 200
    # Its client, its scope's connection and the BigV user it names: one read.
    assert _credential_reads(queries) == 1


def test_outside_a_page_every_ask_reads(demo_user: Any, sim: Any) -> None:
    assert credential_for(demo_user) is not None
    BigVCredential.objects.filter(user=demo_user).delete()
    assert credential_for(demo_user) is None


def test_within_a_page_a_change_is_read_again(demo_user: Any, sim: Any, rf: Any) -> None:
    seen: list[Any] = []

    def view(request: Any) -> Any:
        seen.append(credential_for(demo_user))
        seen.append(credential_for(demo_user))  # the same answer, not read again
        BigVCredential.objects.get(user=demo_user).delete()  # disconnected in this page
        seen.append(credential_for(demo_user))
        return "done"

    RequestMemoMiddleware(view)(rf.get("/"))
    assert seen[0] is not None and seen[1] is seen[0] and seen[2] is None
