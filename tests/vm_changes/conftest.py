"""Fixtures for the VM-change tests that run operations on a real worker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.operations.conftest import connected_user


@pytest.fixture
def alice(transactional_db: Any, sim: Any) -> Any:
    """Panel user alice, connected as BigV ``demo`` (account_admin on demo)."""
    return connected_user("alice", "apikey.demo-key")
