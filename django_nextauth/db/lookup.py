"""The database strategy's one read, its SQL compiled once per database (a speed trick).

Every request with a database session reads its row and user: ``Session`` joined to
``AUTH_USER_MODEL`` by the token's hash. The ORM compiles a queryset to SQL on every
evaluation, and for this query that was ~70% of the read (``bench/strategies.py``,
"session lookup" rows): more than Django's own two-query session read. Here the ORM
itself compiles it once per database alias (so every backend, router and custom user
model gets its own SQL and converters), and each read executes that SQL with the hash as
its only parameter, then turns the row into a ``Session`` and a user as the ORM does:
the compiler's converters (the backend's and each field's ``from_db_value``),
``Model.from_db`` (``pre_init`` / ``post_init`` fire), the user cached on the session.

Where the compiled query is not the plain shape this expects (its columns, its one
parameter), the alias keeps the ORM's way: never a wrong row, at worst the old speed.
``tests/test_db_lookup.py`` pins the invariant: the same objects as the plain queryset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import Session

__all__ = ["plain_session_and_user", "session_and_user"]

_PROBE = "0" * 64  # a hash no token has: the parameter to find in the compiled query


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: (column index, the converters the ORM would run on it, the column's expression)
    converters: list[tuple[int, list[Any], Any]]
    session_fields: list[str]
    user_model: Any
    user_fields: list[str]


#: Per connection (each thread has its own, as Django keeps them): the compiled lookup, or
#: ``None`` when it keeps the ORM's way. Weak: a finished thread's connection goes.
_compiled: WeakKeyDictionary[BaseDatabaseWrapper, _Compiled | None] = WeakKeyDictionary()


def _queryset(token_hash: str) -> Any:
    return Session.objects.select_related("user").filter(session_token_hash=token_hash)


def plain_session_and_user(token_hash: str) -> tuple[Session, Any] | None:
    """The plain ORM way (no ORDER BY: the hash is unique)."""
    session = next(iter(_queryset(token_hash)[:1]), None)
    return None if session is None else (session, session.user)


def _compile(connection: BaseDatabaseWrapper) -> _Compiled | None:
    compiler = _queryset(_PROBE).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    user_model = Session._meta.get_field("user").related_model
    expected = [*Session._meta.concrete_fields, *user_model._meta.concrete_fields]
    columns = [column for column, _sql, _alias in compiler.select]
    if tuple(params) != (_PROBE,) or [getattr(c, "target", None) for c in columns] != expected:
        return None
    converters = compiler.get_converters(columns)
    return _Compiled(
        sql=sql,
        converters=[(index, list(funcs), column) for index, (funcs, column) in converters.items()],
        session_fields=[field.attname for field in Session._meta.concrete_fields],
        user_model=user_model,
        user_fields=[field.attname for field in user_model._meta.concrete_fields],
    )


def session_and_user(token_hash: str) -> tuple[Session, Any] | None:
    """``(session, user)`` of the row with this token hash, or ``None``: one query."""
    alias = router.db_for_read(Session)
    connection = connections[alias]
    try:
        compiled = _compiled[connection]
    except KeyError:
        compiled = _compiled[connection] = _compile(connection)
    if compiled is None:
        return plain_session_and_user(token_hash)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, (token_hash,))
        row = cursor.fetchone()
    if row is None:
        return None
    if compiled.converters:  # as SQLCompiler.apply_converters (none on PostgreSQL)
        row = list(row)
        for index, funcs, column in compiled.converters:
            value = row[index]
            for convert in funcs:
                value = convert(value, column, connection)
            row[index] = value
    split = len(compiled.session_fields)
    session = Session.from_db(alias, compiled.session_fields, row[:split])
    user = compiled.user_model.from_db(alias, compiled.user_fields, row[split:])
    Session._meta.get_field("user").set_cached_value(session, user)
    return session, user
