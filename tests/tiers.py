"""The test tiers: a hermetic unit tier, and marked tiers that say what they need.

A test without a tier marker is a unit test (``tox -e unit``): it starts no process and
connects no socket. The other tiers carry a marker (registered in pyproject.toml):

- ``services``: PostgreSQL, MariaDB or Redis (``.ci/services`` starts or installs them);
- ``interop``: Node and the real NextAuth packages, or the OpenID provider of npm;
- ``e2e``: Chromium;
- ``multiprocess``: processes of its own (gunicorn, a Python subprocess);
- ``loopback``: a server of its own in the test process on 127.0.0.1 (``live_server``, the
  fake OAuth servers, an SMTP server); nothing to install, but sockets.

A CPython audit hook refuses, while an unmarked test or one of its fixtures runs (session
fixtures and teardowns aside: they belong to the run), the events that need the machine
around it, so a forgotten marker fails that test with a message naming the markers instead
of quietly needing a service; database aliases other than ``default`` (a server database)
count too. A test that needs a service which does not answer fails (never skips) with a
message naming the service and how to start it.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterable, Mapping
from typing import Any

import pytest
from django.conf import settings

from tests.multiprocess import services

TIERS = ("services", "interop", "e2e", "multiprocess", "loopback")
#: Audit events (https://docs.python.org/3/library/audit_events.html) that leave the process.
REFUSED = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.posix_spawn",
        "os.exec",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        # Not socket.bind: binding talks to nobody, and libraries do it at import time
        # (urllib3 binds ::1 to learn whether IPv6 works); the connection that follows is
        # what needs a server.
        "socket.connect",
        "socket.sendto",
    }
)


class NotHermetic(OSError):
    """An unmarked (unit tier) test tried to start a process or connect a socket.

    An ``OSError``, as a refused connection is: code under test cleans up as it would then
    (closes the socket), and the test fails anyway (:func:`_refusals`)."""


class _Guard:
    def __init__(self) -> None:
        self.test: str | None = None  # the unit test whose code runs now; None: anything goes
        self.unit: str | None = None  # the unit test being set up (its fixtures are guarded)
        self.refused: list[str] = []

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        # Called for every audited event of the process (imports, opens...): return early.
        if self.test is None or event not in REFUSED:
            return
        what = f"{event}{args[1:] if event.startswith('socket.') else args[:2]!r}"
        self.refused.append(what)
        raise NotHermetic(_message(self.test, what))


def _message(test: str, what: str) -> str:
    return (
        f"{test} is in the unit tier, which starts no process and connects no socket, but it"
        f" {what}: mark it with one of {', '.join(TIERS)} (tests/tiers.py)"
    )


_guard = _Guard()
sys.addaudithook(_guard.audit)


def _databases(item: pytest.Item) -> set[str]:
    """The database aliases ``item`` asks pytest-django for."""
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return set()
    wanted = marker.kwargs.get("databases") or ["default"]
    return set(settings.DATABASES) if wanted == "__all__" else set(wanted)


def _marked(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in TIERS)


def _refusals(item: pytest.Item) -> None:
    # Also when the test, or the code under test, caught NotHermetic.
    if _guard.refused:
        pytest.fail(_message(item.nodeid, "; ".join(_guard.refused)), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    if _marked(item):
        return (yield)
    servers = sorted(_databases(item) - {"default"})
    if servers:
        pytest.fail(_message(item.nodeid, f"uses the databases {servers}"), pytrace=False)
    _guard.unit, _guard.refused = item.nodeid, []
    try:
        result = yield
    finally:
        _guard.unit = None
    _refusals(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    # Session fixtures are the run's own (pytest-django's test databases, on a server for the
    # tiers that use one), set up in whichever test first needs them: not that test's doing.
    before = _guard.test
    _guard.test = None if fixturedef.scope == "session" else _guard.unit
    try:
        return (yield)
    finally:
        _guard.test = before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    if _marked(item):
        return (yield)
    _guard.test, _guard.refused = item.nodeid, []
    try:
        result = yield
    finally:
        _guard.test = None
    _refusals(item)
    return result


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest
) -> None:
    """pytest-django's hook before it creates the test databases (this plugin's overrides
    pytest-django's): a server database the selected tests use that does not answer fails
    them, named, instead of with the driver's connection error."""
    require_databases(request.session.items)


def require_databases(
    items: Iterable[pytest.Item], databases: Mapping[str, Mapping[str, Any]] | None = None
) -> None:
    """Raise :class:`~tests.multiprocess.services.ServiceMissing` for the first server database
    the ``items`` use that does not answer (``databases``: settings.DATABASES)."""
    databases = settings.DATABASES if databases is None else databases
    for alias in sorted(set().union(*map(_databases, items)) - {"default"}):
        database = databases[alias]
        if "sqlite" in database["ENGINE"]:
            continue
        name = "MariaDB" if "mysql" in database["ENGINE"] else "PostgreSQL"
        services.require_server(name, database["HOST"], database["PORT"], f"database {alias!r}")
