"""One total deadline per outbound OAuth call (``django_nextauth/oauth/http.py``).

A real local socket server trickles its answer one byte every 0.3 s, in the status line and
headers or in the body; with a 1 s deadline every call ends in a clean refusal well under
1.5 s, whichever part trickles, through the OAuth core and through the views.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from django.test import Client

from django_nextauth.oauth import OAuthConfig, OAuthError, clear_caches, exchange_code, http

# Trickling servers on 127.0.0.1 in this process.
pytestmark = pytest.mark.loopback

DEADLINE = 1.0
STEP = 0.3
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"
FORM = "application/x-www-form-urlencoded"


def _serve_one(conn: socket.socket, trickle_head: bool, stop: threading.Event) -> None:
    with conn:
        conn.settimeout(5)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(4096)
            if not chunk:
                return
            received += chunk
        if not trickle_head:
            conn.sendall(HEAD)
        payload = (HEAD if trickle_head else b"") + b" " * 64
        # At most ~6 s of trickling: without the deadline a call would wait all of it.
        for byte in payload[:20]:
            if stop.wait(STEP):
                return
            try:
                conn.sendall(bytes([byte]))
            except OSError:  # the client gave up: what the deadline is for
                return


@contextmanager
def trickling_server(*, trickle_head: bool) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that answers one byte per :data:`STEP` seconds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=_serve_one, args=(conn, trickle_head, stop))
            worker.start()
            workers.append(worker)

    acceptor = threading.Thread(target=accept)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join()
        for worker in workers:
            worker.join()
        listener.close()


@pytest.fixture
def deadline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(http, "TIMEOUT", DEADLINE)
    http.set_client(None)  # a default client, made under the 1 s TIMEOUT
    clear_caches()
    yield
    http.set_client(None)  # close its connections before the server goes


def config(base: str, **extra: Any) -> OAuthConfig:
    entry = {
        "id": "slow",
        "type": "oauth",
        "authorization": f"{base}/authorize",
        "token": f"{base}/token",
        "userinfo": f"{base}/user",
        "client_id": "cid",
        "client_secret": "client-secret-value",
        **extra,
    }
    return OAuthConfig.from_settings(entry, "test")


def timed(call: Callable[[], object]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except Exception as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


@pytest.mark.parametrize("trickle_head", [True, False], ids=["headers", "body"])
def test_a_trickling_token_endpoint_is_cut_at_the_deadline(
    deadline: None, trickle_head: bool
) -> None:
    with trickling_server(trickle_head=trickle_head) as base:
        elapsed, error = timed(
            lambda: exchange_code(
                config(base),
                token_endpoint=f"{base}/token",
                code="the-code",
                redirect_uri="https://rp.example/cb",
                code_verifier=None,
            )
        )
    assert isinstance(error, OAuthError)
    assert str(error) == "The token endpoint did not answer within 1 s."
    assert DEADLINE <= elapsed < 1.5


def test_a_custom_client_keeps_the_deadline_on_the_body(deadline: None) -> None:
    # A client of one's own (set_client) has httpx's default transport: the body is still
    # checked against the deadline chunk by chunk.
    http.set_client(httpx.Client(timeout=DEADLINE, follow_redirects=False))
    with trickling_server(trickle_head=False) as base:
        elapsed, error = timed(
            lambda: http.request_json("GET", f"{base}/jwks", what="JWKS endpoint")
        )
    assert isinstance(error, OAuthError) and "within 1 s" in str(error)
    assert elapsed < 1.5


def test_the_proxy_of_the_environment_keeps_the_deadline(
    deadline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default client's proxy transports are deadline transports too: a proxy (here
    # the trickling server, which answers whatever it is asked) cannot hold a call either.
    with trickling_server(trickle_head=True) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http.set_client(None)
        elapsed, error = timed(
            lambda: http.request_json("GET", "http://idp.invalid/jwks", what="JWKS endpoint")
        )
    assert isinstance(error, OAuthError)
    assert str(error) == "The JWKS endpoint did not answer within 1 s."
    assert DEADLINE <= elapsed < 1.5


def test_no_proxy_hosts_are_reached_directly(
    deadline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()  # nothing listens there: a call through this proxy fails to connect
    with trickling_server(trickle_head=True) as base:
        monkeypatch.setenv("HTTP_PROXY", dead_proxy)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        http.set_client(None)
        _, error = timed(lambda: http.request_json("GET", f"{base}/jwks", what="JWKS endpoint"))
    assert str(error) == "The JWKS endpoint did not answer within 1 s."


@pytest.mark.django_db
def test_a_trickling_discovery_is_a_clean_error_redirect(
    client: Client, deadline: None, nextauth: Callable[..., None], version: str, settings: Any
) -> None:
    settings.DEBUG = True  # an http://127.0.0.1 issuer
    with trickling_server(trickle_head=True) as base:
        entry = {"id": "slow", "type": "oidc", "issuer": base, "client_id": "c"}
        nextauth(VERSION=version, PROVIDERS=[{**entry, "client_secret": "s3cr3t-value"}])
        token = client.get("/api/auth/csrf").json()["csrfToken"]
        started = time.monotonic()
        response = client.post(
            "/api/auth/signin/slow", urlencode({"csrfToken": token}), content_type=FORM
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    code = "OAuthSignin" if version == "v4" else "Configuration"
    assert response["Location"] == f"http://testserver/api/auth/error?error={code}"
    assert elapsed < 1.5
