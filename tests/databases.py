"""Running a test on SQLite, the real PostgreSQL and the real MariaDB in turn.

A plugin of tests/conftest.py: each test that asks for the :func:`database` fixture runs once
per alias (a module may define its own ``database`` fixture instead), every model routed
there; the server aliases carry the ``services`` marker. The marks are set at collection, so
pytest-django creates exactly the test databases the run needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

__all__ = ["ALIASES", "Router", "database"]

ALIASES = [
    pytest.param(
        alias,
        marks=[pytest.mark.django_db(transaction=True, databases=[alias]), *services],
        id=alias,
    )
    for alias, services in (
        ("default", []),
        ("postgres", [pytest.mark.services]),
        ("mariadb", [pytest.mark.services]),
    )
]


class Router:
    """Every model on the alias named by :data:`Router.alias`."""

    alias = "default"

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return self.alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return self.alias


@pytest.fixture(params=ALIASES)
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLite, PostgreSQL and MariaDB in turn, every model routed to it."""
    alias: str = request.param
    Router.alias = alias
    with override_settings(DATABASE_ROUTERS=[f"{__name__}.Router"]):
        yield alias
    Router.alias = "default"
