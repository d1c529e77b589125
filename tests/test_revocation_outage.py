"""The revocation cache down: a real Redis client talking to a port nobody listens on.

An outage is never an answer: reads answer 503 (``Retry-After``) and keep the cookie,
sign-out and sign-out-everywhere report the failure and change nothing.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client, override_settings

from django_nextauth import sign_out_everywhere
from django_nextauth.revocation import RevocationUnavailable
from django_nextauth.signals import user_signed_out
from tests.test_views import Recorder, csrf_token, form, session_name, sign_in

# A real Redis client connecting to a closed port on 127.0.0.1.
pytestmark = [pytest.mark.loopback, pytest.mark.django_db]


def closed_port() -> int:
    """A port on which nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def down(nextauth: Any, version: str) -> Iterator[Any]:
    """Sign alice in with a working cache, then point revocation at a Redis that is down."""
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
    }
    # Its own override, undone before nextauth's: overrides must unwind in order.
    override = override_settings(CACHES={**django_settings.CACHES, "down": unreachable})
    override.enable()
    caches["default"].clear()
    nextauth(VERSION=version, SESSION={"REVOCATION_CACHE": "default"})

    def switch(client: Client, **session: Any) -> None:
        assert sign_in(client).status_code == 302
        nextauth(VERSION=version, SESSION={"REVOCATION_CACHE": "down", **session})

    yield switch
    override.disable()


def kept(response: Any, version: str) -> bool:
    """Whether the response leaves the session cookie alone (no Set-Cookie for it)."""
    return not [name for name in response.cookies if name.startswith(session_name(version))]


def test_get_session_answers_503_and_keeps_the_cookie(
    client: Client, down: Any, alice: Any, version: str, caplog: Any
) -> None:
    down(client)
    response = client.get("/api/auth/session")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {"message": "The session cannot be checked right now."}
    assert kept(response, version)
    assert "revocation cache failed" in caplog.text
    # A request without a session cookie asks nothing: it is answered as usual.
    assert Client().get("/api/auth/session").status_code == 200


def test_update_session_answers_503_and_keeps_the_cookie(
    client: Client, down: Any, alice: Any, version: str
) -> None:
    down(client)
    body = {"csrfToken": csrf_token(client), "data": "{}"}
    response = form(client, "/api/auth/session", body)
    assert response.status_code == 503 and kept(response, version)


@pytest.mark.parametrize(
    "path", ["/whoami/", "/decorators/protected/", "/decorators/aprotected/", "/awhoami/"]
)
def test_a_page_that_reads_the_session_answers_503(
    client: Client, down: Any, alice: Any, version: str, path: str
) -> None:
    down(client)
    page = client.get(path)
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert b"Checking your session is not possible right now." in page.content
    assert kept(page, version)
    api = client.get(path, HTTP_ACCEPT="application/json")
    assert api.status_code == 503 and api.json()["message"]
    assert kept(api, version)


@pytest.mark.parametrize("everywhere", [False, True])
def test_sign_out_reports_the_failure_and_changes_nothing(
    client: Client, down: Any, alice: Any, version: str, everywhere: bool
) -> None:
    down(client)
    body = {"csrfToken": csrf_token(client), **({"everywhere": "true"} if everywhere else {})}
    with Recorder(user_signed_out) as signed_out:
        response = form(client, "/api/auth/signout", body)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"Signing out is not possible right now." in response.content
    assert kept(response, version)
    assert signed_out.calls == []


def test_json_sign_out_reports_the_failure(
    client: Client, down: Any, alice: Any, version: str
) -> None:
    down(client)
    body = {"csrfToken": csrf_token(client), "json": "true"}
    response = form(client, "/api/auth/signout", body)
    assert response.status_code == 503
    assert "error=Configuration" in response.json()["url"]
    assert kept(response, version)


def test_the_middleware_neither_renews_nor_deletes(
    client: Client, down: Any, alice: Any, version: str
) -> None:
    down(client, SLIDING=True, UPDATE_AGE=0)
    page = client.get("/whoami/")
    assert page.status_code == 503 and kept(page, version)


def test_sign_out_everywhere_raises(down: Any, alice: Any) -> None:
    down(Client())
    with pytest.raises(RevocationUnavailable):
        sign_out_everywhere(alice)
