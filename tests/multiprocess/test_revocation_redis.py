"""Revocation against a real Redis that this module starts, flushes and stops.

A ``redis-server`` of its own on a free port (no persistence, as a cache is often run):
``FLUSHALL`` (or a restart) loses every revocation unless ``SESSION["REVOCATION_STORE"]``
keeps them in the table; a stopped Redis is answered with 503 and the cookie kept, and
the session works again once Redis is back.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import Client

from django_nextauth import sign_out_everywhere
from tests.test_views import csrf_token, form, session_name, sign_in

# A redis-server process of its own (Debian's redis-server, which .ci/services installs).
pytestmark = [pytest.mark.multiprocess, pytest.mark.services, pytest.mark.django_db]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server process on ``port``, without persistence."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def flushall(self) -> None:
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()


@pytest.fixture
def live(settings: Any, nextauth: Any) -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    settings.CACHES = {
        **settings.CACHES,
        "live": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        },
    }
    yield server
    server.stop()


def signed_in() -> tuple[Client, str]:
    client = Client()
    assert sign_in(client).status_code == 302
    return client, client.cookies[session_name("v4")].value


def authenticated(cookie: str) -> bool:
    client = Client()
    client.cookies[session_name("v4")] = cookie
    result: bool = client.get("/whoami/").json()["authenticated"]
    return result


@pytest.mark.parametrize("store", [None, "database"])
def test_revocations_after_flushall(
    live: RedisServer, nextauth: Any, alice: Any, store: str | None
) -> None:
    nextauth(SESSION={"REVOCATION_CACHE": "live", "REVOCATION_STORE": store})
    client, signed_out = signed_in()
    _, everywhere = signed_in()
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    sign_out_everywhere(alice)
    _, fresh = signed_in()
    live.flushall()
    # Without the table, FLUSHALL brings revoked sessions back; with it, they stay ended.
    survives = store is None
    assert authenticated(signed_out) is survives
    assert authenticated(everywhere) is survives
    assert authenticated(fresh) is True


def test_a_stopped_redis_answers_503_and_keeps_the_cookie(
    live: RedisServer, nextauth: Any, alice: Any
) -> None:
    nextauth(SESSION={"REVOCATION_CACHE": "live", "REVOCATION_STORE": "database"})
    client, cookie = signed_in()
    assert client.get("/api/auth/session").status_code == 200
    live.stop()
    response = client.get("/api/auth/session")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert session_name("v4") not in response.cookies
    assert client.get("/whoami/").status_code == 503
    signing_out = form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert signing_out.status_code == 503 and session_name("v4") not in signing_out.cookies
    live.start()  # back, empty: the table answers, the cookie is still good
    assert client.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"
    assert authenticated(cookie) is True
