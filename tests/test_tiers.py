"""The unit tier's guard (tests/tiers.py) and the service tiers' failure message."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import cast

import pytest
from django.conf import settings

from tests import tiers
from tests.multiprocess import services


def test_an_unmarked_test_can_neither_connect_nor_start_a_process() -> None:
    with (
        socket.socket() as sock,
        pytest.raises(tiers.NotHermetic, match="mark it with one of services, interop"),
    ):
        sock.connect(("127.0.0.1", 9))
    with pytest.raises(tiers.NotHermetic, match="subprocess.Popen"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    assert len(tiers._guard.refused) == 2
    tiers._guard.refused.clear()  # refused on purpose: the guard does not fail this test


def _connect_error() -> type[OSError] | None:
    with socket.socket() as sock:
        try:
            sock.connect(("127.0.0.1", 9))  # nothing listens there
        except OSError as exc:
            return type(exc)
    return None


@pytest.fixture
def error_in_a_fixture() -> type[OSError] | None:
    error = _connect_error()
    tiers._guard.refused.clear()  # refused on purpose
    return error


@pytest.fixture(scope="session")
def error_in_a_session_fixture() -> type[OSError] | None:
    return _connect_error()


def test_the_fixtures_of_an_unmarked_test_are_guarded(
    error_in_a_fixture: type[OSError] | None,
) -> None:
    assert error_in_a_fixture is tiers.NotHermetic


def test_session_fixtures_are_not(error_in_a_session_fixture: type[OSError] | None) -> None:
    # They belong to the run (pytest-django's databases), not to the test that comes first.
    assert error_in_a_session_fixture is ConnectionRefusedError


@pytest.fixture(scope="session")
def error_in_another_session_fixture() -> type[OSError] | None:
    return _connect_error()


@pytest.fixture
def error_through_a_function_fixture(request: pytest.FixtureRequest) -> type[OSError] | None:
    # As pytest-django's function fixtures ask for django_db_setup.
    return cast(type[OSError] | None, request.getfixturevalue("error_in_another_session_fixture"))


def test_session_fixtures_are_not_even_through_a_function_fixture(
    error_through_a_function_fixture: type[OSError] | None,
) -> None:
    assert error_through_a_function_fixture is ConnectionRefusedError


def test_binding_and_everything_else_passes() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # what urllib3 does at import time
    assert not tiers._guard.refused


@pytest.mark.loopback
def test_a_marked_test_connects() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        socket.create_connection(sock.getsockname(), timeout=1).close()


def test_the_guard_is_off_between_tests() -> None:
    guard = tiers._Guard()
    guard.audit("socket.connect", (None, ("127.0.0.1", 5432)))
    guard.test = "tests/x.py::t"
    guard.audit("open", ("/etc/hosts", "r", 0))
    with pytest.raises(tiers.NotHermetic, match=r"tests/x.py::t .*socket.connect"):
        guard.audit("socket.connect", (None, ("127.0.0.1", 5432)))


class _Item:
    def __init__(self, marker: pytest.MarkDecorator | None) -> None:
        self.marker = marker

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return self.marker.mark if self.marker and self.marker.name == name else None


def test_database_aliases() -> None:
    def aliases(marker: pytest.MarkDecorator | None) -> set[str]:
        return tiers._databases(cast(pytest.Item, _Item(marker)))

    assert aliases(None) == set()
    assert aliases(pytest.mark.django_db) == {"default"}
    assert aliases(pytest.mark.django_db(databases=["postgres"])) == {"postgres"}
    assert aliases(pytest.mark.django_db(databases="__all__")) >= {"default", "postgres"}


@pytest.mark.loopback
def test_a_missing_service_is_named_with_how_to_start_it() -> None:
    with pytest.raises(services.ServiceMissing) as caught:
        services.require_server("PostgreSQL", "127.0.0.1", 9, "NEXTAUTH_TEST_POSTGRES=x")
    assert "PostgreSQL does not answer at 127.0.0.1:9" in str(caught.value)
    assert ".ci/services" in str(caught.value)


@pytest.mark.loopback
def test_a_missing_server_database_is_named() -> None:
    gone = {**settings.DATABASES["postgres"], "PORT": 9}
    databases = {**settings.DATABASES, "postgres": gone}
    items = [cast(pytest.Item, _Item(pytest.mark.django_db(databases=["default", "postgres"])))]
    with pytest.raises(services.ServiceMissing, match=r"PostgreSQL does not answer at \S+:9 \("):
        tiers.require_databases(items, databases)
    # SQLite (default) needs nothing.
    tiers.require_databases([cast(pytest.Item, _Item(pytest.mark.django_db))], databases)
