"""PostgreSQL and Redis for the multi-process test and the benchmark.

Addresses come from ``NEXTAUTH_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``) and ``NEXTAUTH_TEST_REDIS`` (default
``redis://127.0.0.1:6379/0``). Where a service does not answer (a contributor's laptop),
:func:`ensure_services` starts Debian's, installing ``postgresql`` / ``redis-server``
with apt-get first when needed (as ``tests/e2e/ensure_chromium.py`` installs Chromium).
Run it as a script to do only that (tox does, before the tests).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get("NEXTAUTH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("NEXTAUTH_TEST_REDIS", "redis://127.0.0.1:6379/0")
MARIADB_URL = os.environ.get("NEXTAUTH_TEST_MARIADB", "mysql://root@127.0.0.1:3306/test")


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def _wait(url: str, default_port: int, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _answers(url, default_port):
            return
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not start at {url}")


def _apt_install(package: str) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(
            f"{package} is not running: install it with `sudo apt-get install {package}`"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def _start_postgres() -> None:
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        _apt_install("postgresql")
    subprocess.run(["service", "postgresql", "start"], check=False)
    _wait(POSTGRES_URL, 5432, "PostgreSQL")
    # Debian's cluster asks for passwords on TCP; the tests connect as postgres without one.
    # pg_hba.conf is first-match: the trust lines go on top.
    trust = "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n"
    for conf in map(Path, glob.glob("/etc/postgresql/*/main/pg_hba.conf")):
        text = conf.read_text()
        if not text.startswith(trust):
            conf.write_text(trust + text)
            subprocess.run(["service", "postgresql", "reload"], check=False)


def _start_redis() -> None:
    if not shutil.which("redis-server"):
        _apt_install("redis-server")
    port = str(urlsplit(REDIS_URL).port or 6379)
    subprocess.run(["redis-server", "--port", port, "--daemonize", "yes", "--save", ""], check=True)
    _wait(REDIS_URL, 6379, "Redis")


def ensure_services() -> None:
    """Make PostgreSQL and Redis answer at their addresses (start or install them)."""
    if not _answers(POSTGRES_URL, 5432):
        _start_postgres()
    _ensure_database()
    if not _answers(REDIS_URL, 6379):
        _start_redis()


def _ensure_database() -> None:
    """Create the URL's database (``test``) when a fresh cluster has only ``postgres``."""
    import psycopg

    params = postgres_params()
    try:
        psycopg.connect(**params).close()  # type: ignore[arg-type]
    except psycopg.OperationalError:
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as connection:  # type: ignore[arg-type]
            connection.execute(f'CREATE DATABASE "{params["dbname"]}"')


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


if __name__ == "__main__":
    ensure_services()
    sys.exit(0)
