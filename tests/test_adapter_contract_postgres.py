"""The adapter contract (tests/test_adapter_contract.py) with the ORM adapter on PostgreSQL,
and the race only a server database shows: one e-mail link used twice at once.

The models go to the ``postgres`` alias of tests/settings.py (``NEXTAUTH_TEST_POSTGRES``,
default ``postgresql://postgres@127.0.0.1:5432/test``) through a router. Where PostgreSQL
does not answer, the run fails naming it (tests/tiers.py) before pytest-django creates the
test databases; ``.ci/services`` starts it. Never skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.utils import timezone

from django_nextauth.adapters import Adapter
from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import VerificationToken
from tests.test_adapter_contract import PROFILE, AdapterContract

pytestmark = pytest.mark.services

ALIAS = "postgres"


class PostgresRouter:
    """Every model, read and written, on the ``postgres`` alias."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return ALIAS


def _lock_waiters() -> int:
    """Backends of this test database waiting for a lock (not this one)."""
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return int(count)


#: The contract's tests and fixtures without its ``django_db`` mark: pytest takes a base class's
#: mark before a subclass's, and this run needs the ``postgres`` alias in ``databases``.
_Contract: type = type(
    "_Contract",
    (),
    {
        name: value
        for name, value in vars(AdapterContract).items()
        if name not in ("pytestmark", "__dict__", "__weakref__")
    },
)


class TestDjangoAdapterOnPostgres(_Contract):
    pytestmark = pytest.mark.django_db(transaction=True, databases=[ALIAS])

    @pytest.fixture(autouse=True)
    def _on_postgres(self) -> Iterator[None]:
        with override_settings(DATABASE_ROUTERS=[f"{__name__}.PostgresRouter"]):
            yield

    @pytest.fixture
    def adapter(self) -> Adapter:
        return DjangoAdapter()

    def test_the_rows_are_in_postgresql(self, adapter: Adapter, user: Any) -> None:
        assert connections[user._state.db].vendor == "postgresql"
        assert type(user)._default_manager.using(ALIAS).get().email == PROFILE["email"].lower()

    def test_one_link_used_twice_at_once(self, adapter: Adapter) -> None:
        """Two requests with the same verification token: exactly one gets the row.

        A third transaction holds the row locked until both requests are waiting for it,
        so both have looked the token up before either removes it: the worst interleaving,
        every run.
        """
        expires = timezone.now() + timedelta(hours=1)
        adapter.create_verification_token("ada@example.com", "h", expires)

        def use() -> Any:
            try:
                return adapter.use_verification_token("ada@example.com", "h")
            finally:
                connections.close_all()  # this thread's connections

        with ThreadPoolExecutor(2) as pool:
            with transaction.atomic(using=ALIAS):
                VerificationToken.objects.select_for_update().get(identifier="ada@example.com")
                futures = [pool.submit(use) for _ in range(2)]
                deadline = time.monotonic() + 30
                while _lock_waiters() < 2:
                    assert time.monotonic() < deadline, "the two uses never met on the row"
                    time.sleep(0.01)
            rows = [future.result(timeout=30) for future in futures]

        winners = [row for row in rows if row is not None]
        assert len(winners) == 1
        assert (winners[0].identifier, winners[0].token) == ("ada@example.com", "h")
        assert not VerificationToken.objects.exists()
