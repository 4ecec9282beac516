"""Test environment, loaded as a pytest plugin (``-p tests.testenv`` in pyproject.toml).

It must run before pytest-django reads the Django settings, which happens before any
conftest.py is imported: so the private data folder and the fixed test secrets are set here.
Each pytest process (and each xdist worker) gets its own folder, so parallel runs never share
a test database file.
"""

from __future__ import annotations

import os
import tempfile

os.environ["PANEL_VAR_DIR"] = tempfile.mkdtemp(prefix="panel-test-var-")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("PANEL_AUDIT_KEY", "test-audit-key-0123456789abcdef0123456789")
os.environ.setdefault("PANEL_CREDENTIAL_KEYS", "dGVzdC1jcmVkZW50aWFsLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.pop("PANEL_AUDIT_CHECKPOINT", None)
