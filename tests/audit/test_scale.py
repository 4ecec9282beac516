"""100,000 entries: no false positives from audit_verify, and an export that streams.

The entries are built once for the module (outside the per-test transactions) and removed
afterwards, because building 100,000 chained rows is most of this module's run time.
"""

import csv
import io
import tracemalloc
from collections.abc import Iterator

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.urls import reverse

from panel.audit.chain import append_many
from panel.audit.verify import verify_chain
from tests.audit.helpers import TABLE, sample_rows

# One worker runs the whole module under pytest-xdist: its tests share one (costly) fixture.
pytestmark = pytest.mark.xdist_group("audit-scale")
N = 100_000


@pytest.fixture(scope="module")
def hundred_thousand(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[int]:
    checkpoint = tmp_path_factory.mktemp("scale") / "checkpoint.log"
    with django_db_blocker.unblock(), override_settings(PANEL_AUDIT_CHECKPOINT=checkpoint):
        assert append_many(sample_rows(N)) == N
        try:
            yield N
        finally:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
                cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608  (constant table name)
                if connection.vendor == "postgresql":
                    cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def test_untouched_chain_of_100k_entries_verifies(db, hundred_thousand):
    result = verify_chain()

    assert result.ok, result.summary()
    assert (result.count, result.head_seq) == (N, N)


def test_export_of_100k_rows_streams(db, hundred_thousand, admin_client):
    response = admin_client.get(reverse("audit:export", kwargs={"fmt": "csv"}))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    chunks = iter(response.streaming_content)
    # Trace allocations while the first chunks are produced: a response that loaded every row
    # before writing would peak at far more than the whole CSV (~35 MB) right here.
    tracemalloc.start()
    try:
        first = [next(chunks) for _ in range(10)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rows = total_bytes = 0
    for chunk in [*first, *chunks]:
        total_bytes += len(chunk)
        rows += sum(1 for _ in csv.reader(io.StringIO(chunk.decode())))
    assert rows == N + 1  # plus the header
    assert peak < total_bytes / 5


def test_jsonl_export_of_100k_rows_streams(db, hundred_thousand, admin_client):
    response = admin_client.get(reverse("audit:export", kwargs={"fmt": "jsonl"}))

    assert response.streaming
    assert sum(chunk.count(b"\n") for chunk in response.streaming_content) == N
