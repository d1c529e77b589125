"""Where the service tiers find PostgreSQL and Redis, and a clear failure when one is missing.

Addresses come from ``NEXTAUTH_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``), ``NEXTAUTH_TEST_MARIADB`` (default
``mysql://root@127.0.0.1:3306/test``) and ``NEXTAUTH_TEST_REDIS`` (default
``redis://127.0.0.1:6379/0``). Nothing here starts or installs a service: ``.ci/services``
does (``.ci/run`` calls it). A test that needs a service which does not answer fails with a
message naming it and how to start it; it never skips.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get("NEXTAUTH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("NEXTAUTH_TEST_REDIS", "redis://127.0.0.1:6379/0")
MARIADB_URL = os.environ.get("NEXTAUTH_TEST_MARIADB", "mysql://root@127.0.0.1:3306/test")
#: service -> (name, URL, default port, environment variable)
SERVICES = {
    "postgres": ("PostgreSQL", POSTGRES_URL, 5432, "NEXTAUTH_TEST_POSTGRES"),
    "mariadb": ("MariaDB", MARIADB_URL, 3306, "NEXTAUTH_TEST_MARIADB"),
    "redis": ("Redis", REDIS_URL, 6379, "NEXTAUTH_TEST_REDIS"),
}


class ServiceMissing(RuntimeError):
    """A service a test needs does not answer."""


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), 1):
            return True
    except OSError:
        return False


def require_server(name: str, host: str | None, port: int | str | None, where: str) -> None:
    """Raise :class:`ServiceMissing` unless ``host:port`` accepts a connection."""
    host, port = host or "127.0.0.1", int(port or 0)
    if not _answers(host, port):
        raise ServiceMissing(
            f"{name} does not answer at {host}:{port} ({where}). `.ci/services` starts it"
            " (installing it from Debian's packages where it is missing); or leave this tier"
            " out with `-m 'not services'` (`tox -e unit`)."
        )


def require(*names: str) -> None:
    """Fail clearly unless each service (``"postgres"``, ``"redis"``) answers."""
    for key in names:
        name, url, default_port, variable = SERVICES[key]
        parts = urlsplit(url)
        require_server(name, parts.hostname, parts.port or default_port, f"{variable}={url}")


def postgres_params(database: str | None = None) -> dict[str, object]:
    """Connection parameters (psycopg / Django) for ``POSTGRES_URL``, another database."""
    parts = urlsplit(POSTGRES_URL)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "dbname": database or parts.path.lstrip("/") or "postgres",
    }


def mariadb_params() -> dict[str, object]:
    """Connection parameters (Django's ``DATABASES`` keys) for ``MARIADB_URL``."""
    parts = urlsplit(MARIADB_URL)
    return {
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": parts.port or 3306,
        "USER": parts.username or "root",
        "PASSWORD": parts.password or "",
        "NAME": parts.path.lstrip("/") or "test",
    }


def create_database(name: str) -> None:
    """A fresh, empty database ``name`` (dropped first if it exists)."""
    import psycopg

    with psycopg.connect(**postgres_params(), autocommit=True) as connection:  # type: ignore[arg-type]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(**postgres_params(), autocommit=True) as connection:  # type: ignore[arg-type]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
