"""A read compiled once answers as the ORM's queryset does, and is never compiled again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from panel.core.compiled_reads import CompiledRead
from panel.credentials.models import BigVCredential
from panel.people.session_store import SessionStore

pytestmark = pytest.mark.django_db

CREDENTIAL = CompiledRead(
    lambda user_id: BigVCredential.objects.filter(user_id=user_id).order_by("pk")[:1],
    stand_in=-1,
)


def _credential(username: str, **fields: Any) -> BigVCredential:
    user = get_user_model().objects.create_user(username=username, password="pw-7dk2-read")
    return BigVCredential.objects.create(
        user=user,
        kind="api_key",
        ciphertext="sealed",
        bigv_username=username,
        connected_at=timezone.now() - dt.timedelta(hours=1),
        **fields,
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_an_instance_as_the_orm_reads_it_json_and_times_included():
    mine = _credential("cora", factors=["totp", {"k": 1}], last_checked_at=timezone.now())
    _credential("dave")
    found = CREDENTIAL.first(mine.user_id)
    expected = BigVCredential.objects.filter(user_id=mine.user_id).first()
    assert isinstance(found, BigVCredential)
    assert _fields(found) == _fields(expected)
    assert found.connected_at.tzinfo is not None  # aware, as the ORM gives it
    assert CREDENTIAL.first(mine.user_id + 1000) is None


def test_deferred_fields_stay_deferred():
    mine = _credential("cora")
    only = CompiledRead(
        lambda user_id: BigVCredential.objects.filter(user_id=user_id).only("status")[:1],
        stand_in=-1,
    )
    found = only.first(mine.user_id)
    assert found is not None and found.status == "active"
    assert found.get_deferred_fields() >= {"ciphertext", "factors"}


def test_rows_come_as_the_database_returns_them():
    user = get_user_model().objects.create_user(username="pat", password="pw-7dk2-read")
    user.user_permissions.add(Permission.objects.get(codename="see_everything"))
    codenames = CompiledRead(
        lambda person: Permission.objects.filter(user=person).values_list("codename", flat=True),
        stand_in=-1,
    )
    assert codenames.rows(user.pk) == [("see_everything",)]
    assert codenames.rows(user.pk + 1000) == []


def test_compiled_once(monkeypatch):
    mine = _credential("cora")
    read = CompiledRead(lambda user_id: BigVCredential.objects.filter(user_id=user_id), -1)
    read.first(mine.user_id)
    compiled: list[SQLCompiler] = []
    real = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    for _ in range(3):
        assert read.first(mine.user_id) is not None
    assert compiled == []


def test_a_stand_in_the_query_does_not_hold_is_refused_at_once():
    read = CompiledRead(lambda user_id: BigVCredential.objects.filter(user_id=7), stand_in=-1)
    with pytest.raises(ValueError, match="stand-in"):
        read.first(1)


def test_the_session_store_loads_a_live_session_and_refuses_an_expired_one():
    live = SessionStore()
    live["who"] = "cora"
    live.create()
    assert SessionStore(live.session_key).load() == {"who": "cora"}
    Session.objects.filter(session_key=live.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    gone = SessionStore(live.session_key)
    assert gone.load() == {}
    assert gone.session_key is None
    assert SessionStore("nosuchkeyxxxxxxxxxxxxxxxxxxxxxxx").load() == {}
