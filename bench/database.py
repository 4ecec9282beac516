"""The benchmark's own database: a fresh SQLite file (the embedded default), or with
``--postgres`` a fresh database on that PostgreSQL server (the production database), dropped
at the end. The bulk series reads its operations' rows here, read-only.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgres", "postgresql")


class BenchDatabase:
    def __init__(self, var_dir: Path, postgres_server: str = "") -> None:
        self.kind = "postgresql" if postgres_server else "sqlite"
        self._path = var_dir / "panel.sqlite3"
        self._server = postgres_server
        self._name = f"panel_bench_{uuid.uuid4().hex[:12]}"
        self._created = False
        if postgres_server and urlsplit(postgres_server).scheme not in POSTGRES_SCHEMES:
            raise ValueError(f"not a PostgreSQL URL: {postgres_server}")

    @property
    def url(self) -> str:
        """What the panel's processes get as ``DATABASE_URL``."""
        if self.kind == "sqlite":
            return f"sqlite:///{self._path}"
        return _with_database(self._server, self._name)

    def create(self) -> None:
        """A new database on the PostgreSQL server (SQLite makes its file on first use)."""
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self._name}"')
            self._created = True

    def drop(self) -> None:
        """The PostgreSQL database this run made, with whatever still holds it open."""
        if self._created:
            self._admin(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
            self._created = False

    def _admin(self, statement: str) -> None:
        import psycopg

        # The server's own "postgres" database: a database cannot create or drop itself.
        with psycopg.connect(_with_database(self._server, "postgres"), autocommit=True) as db:
            db.execute(statement)  # type: ignore[arg-type]  (our own name, quoted)

    @contextlib.contextmanager
    def reader(self) -> Iterator[Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]]:
        """One read-only connection for a while: ``rows(sql, params)``, ``?`` placeholders.
        Timestamps come back as SQLite's UTC text or PostgreSQL's aware datetimes."""
        if self.kind == "sqlite":
            uri = f"file:{self._path}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as lite:
                yield lambda sql, params: lite.execute(sql, params).fetchall()
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:

            def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
                return db.execute(sql.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]

            yield rows


def _with_database(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
