"""django_nextauth.db.lookup: the compiled-once session read gives what the ORM gives.

On SQLite (whose converters turn text into datetimes and integers into booleans),
PostgreSQL and MariaDB, each model routed there: the same session and user, field by
field and type by type, loaded from the same database, the user cached on the session,
in one query; ``None`` for a hash no row has; the ORM's way where the compiled shape is
not the expected one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_nextauth.adapters import hash_session_token
from django_nextauth.db import lookup
from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import Session


def make_session() -> Session:
    user = get_user_model().objects.create_user(
        "ada", "ada@example.com", "pw", first_name="Ada", is_staff=True
    )
    expires = timezone.now() + timedelta(days=30)
    record: Session = DjangoAdapter().create_session(user, "token-1", expires)
    return record


@pytest.fixture
def session(database: str) -> Session:
    return make_session()


def fields(instance: Any) -> list[tuple[str, type, Any]]:
    return [
        (field.attname, type(getattr(instance, field.attname)), getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
    ]


def test_the_same_session_and_user_as_the_orm(database: str, session: Session) -> None:
    token_hash = hash_session_token("token-1")
    plain = lookup.plain_session_and_user(token_hash)
    with CaptureQueriesContext(connections[database]) as queries:
        found = lookup.session_and_user(token_hash)
    assert found is not None and plain is not None
    assert len(queries) == 1
    for ours, theirs in zip(found, plain, strict=True):
        assert type(ours) is type(theirs)
        assert fields(ours) == fields(theirs)
        assert ours._state.db == theirs._state.db == database
        assert not ours._state.adding
    assert fields(found[0]) == fields(session)
    with CaptureQueriesContext(connections[database]) as queries:
        assert found[0].user is found[1]  # cached: no second query
    assert not queries
    assert found[1].is_staff is True and found[1].first_name == "Ada"


def test_no_row(database: str, session: Session) -> None:
    assert lookup.session_and_user(hash_session_token("never-issued")) is None


@pytest.mark.django_db
def test_an_unexpected_shape_keeps_the_orm_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A compiled query with other columns than expected is not used."""
    session = make_session()
    monkeypatch.setattr(lookup, "_compiled", type(lookup._compiled)())
    monkeypatch.setattr(lookup, "_queryset", lambda h: Session.objects.filter(session_token_hash=h))
    assert lookup._compile(connections["default"]) is None
    monkeypatch.undo()
    monkeypatch.setattr(lookup, "_compiled", type(lookup._compiled)())
    monkeypatch.setattr(lookup, "_compile", lambda connection: None)
    found = lookup.session_and_user(hash_session_token("token-1"))
    assert found is not None and fields(found[0]) == fields(session)
