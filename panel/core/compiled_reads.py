"""Reads that every page makes, compiled to SQL by the ORM once per process, then only run.

Django compiles a queryset to SQL each time it runs it. For the few small reads every page
makes by one key — the session, the person's BigV credential, their kept scope, their
role's permissions, their console key — compiling costs several times running: the
credential 0.28 ms through the ORM, 0.08 ms as the same statement through
``Manager.raw``; the role's permissions (a four-table join) 0.49 against 0.03 ms. (The
person is read by Django's auth backend: 0.19 against 0.07 ms, not worth a backend of our
own, under which every signed-in session would have to sign in again.) A ``CompiledRead``
asks the ORM for the statement once, built with a stand-in where the key goes, and from
then on runs it with the key in the stand-in's place: the SQL is still the ORM's own, for
whichever database is configured, and ``raw()`` converts the columns and builds the
instances as a queryset does.

The stand-in must be a value the query holds nowhere else: by default ``NO_ROW``, which no
primary key is (they count from 1); a read by another kind of key names its own. The
compiled parameters are checked to hold it, so a query that compiled it away fails at once
rather than running with the wrong key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

NO_ROW = -1  # no row's primary key: the stand-in for reads by one


class CompiledRead[M: Model]:
    """``build(key)`` is the queryset for ``key``; it is compiled once, with ``stand_in``."""

    def __init__(
        self, build: Callable[[Any], QuerySet[M, Any]], stand_in: Hashable = NO_ROW
    ) -> None:
        self._build = build
        self._stand_in = stand_in

    @cached_property
    def _compiled(self) -> tuple[type[M], str, tuple[Any, ...]]:
        queryset = self._build(self._stand_in)
        statement, params = queryset.query.sql_with_params()
        if self._stand_in not in params:
            raise ValueError(f"the stand-in {self._stand_in!r} is not among {params!r}")
        return queryset.model, statement, tuple(params)

    def _params(self, key: Any) -> list[Any]:
        _, _, params = self._compiled
        return [key if param == self._stand_in else param for param in params]

    def first(self, key: Any) -> M | None:
        """The first instance the query finds for ``key`` (its columns as the ORM gives them:
        deferred fields stay deferred)."""
        model, statement, _ = self._compiled
        for found in model._default_manager.raw(statement, self._params(key)):
            return found
        return None

    def rows(self, key: Any) -> list[tuple[Any, ...]]:
        """The rows for ``key`` as the database returns them, unconverted: for columns that
        need no conversion (text, integers)."""
        _, statement, _ = self._compiled
        with connection.cursor() as cursor:
            cursor.execute(statement, self._params(key))
            return list(cursor.fetchall())
