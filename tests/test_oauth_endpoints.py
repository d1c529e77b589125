"""Discovered endpoints are used only on the issuer's https origin
(``django_nextauth/oauth/endpoints.py``, ``discovery.py``).

The rule as a table (and a small Hypothesis run: another host is never allowed), then real
sockets: a discovery document served on 127.0.0.1 names a token endpoint on another port,
whose listener records whether anything connected. A refused endpoint is never contacted,
sign-in ends on the version's error redirect, the refusal is logged once and without the
client secret; configured endpoints are trusted as given.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import (
    REFRESH_ERROR,
    OAuthConfig,
    OAuthError,
    clear_caches,
    metadata,
    refresh_access_token,
)
from django_nextauth.oauth.endpoints import discovered_endpoint_allowed
from tests.test_oauth_edges import Handler, transport  # noqa: F401 (fixture)

SECRET = "client-secret-never-logged"
FORM = "application/x-www-form-urlencoded"
ISSUER = "https://idp.example"


@pytest.mark.parametrize(
    ("url", "issuer", "debug", "allowed"),
    [
        ("https://idp.example/token", ISSUER, False, True),
        ("https://IDP.example:443/token", "https://idp.example/tenant", False, True),
        ("https://evil.example/token", ISSUER, True, False),
        ("https://idp.example:8443/token", ISSUER, False, False),
        ("http://idp.example/token", ISSUER, True, False),  # a downgrade on the same host
        ("https://idp.example@evil.example/token", ISSUER, False, False),
        ("https://idp.example\\@evil.example/token", ISSUER, False, False),
        ("https://idp.example.evil.example/token", ISSUER, False, False),
        ("/token", ISSUER, False, False),
        ("ftp://idp.example/token", ISSUER, False, False),
        (["https://idp.example/token"], ISSUER, False, False),
        ("http://127.0.0.1:8000/o/token", "http://127.0.0.1:8000/o", True, True),
        ("http://127.0.0.1:8000/o/token", "http://127.0.0.1:8000/o", False, False),
        ("http://127.0.0.1:6379/", "http://127.0.0.1:8000/o", True, False),
        ("http://localhost:9000/t", "http://localhost:9000", True, True),
        ("http://[::1]:9000/t", "http://[::1]:9000", True, True),
        ("http://10.0.0.8/token", "http://10.0.0.8", True, False),  # not loopback
    ],
)
def test_the_endpoint_rule(url: object, issuer: str, debug: bool, allowed: bool) -> None:
    assert discovered_endpoint_allowed(url, issuer=issuer, debug=debug) is allowed


def test_a_presets_extra_origins() -> None:
    google = ("https://oauth2.googleapis.com",)
    check = discovered_endpoint_allowed
    assert check(
        "https://oauth2.googleapis.com/token", issuer=ISSUER, extra_origins=google, debug=False
    )
    assert not check(
        "http://oauth2.googleapis.com/t", issuer=ISSUER, extra_origins=google, debug=True
    )
    assert not check(
        "https://www.googleapis.com/c", issuer=ISSUER, extra_origins=google, debug=False
    )


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z]{2,6}){1,2}", fullmatch=True), st.booleans())
def test_another_host_is_never_allowed(host: str, debug: bool) -> None:
    allowed = discovered_endpoint_allowed(f"https://{host}/token", issuer=ISSUER, debug=debug)
    assert allowed is (host == "idp.example")


# --- real sockets ------------------------------------------------------------------------------


@contextmanager
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on 127.0.0.1 recording the first bytes of every connection."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.05)
    seen: list[bytes] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                seen.append(conn.recv(4096))

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", seen
    finally:
        stop.set()
        thread.join()
        sock.close()


@contextmanager
def discovery_server(document: Callable[[str], dict[str, Any]]) -> Iterator[str]:
    """Serves ``document(issuer)`` at ``<issuer>/.well-known/openid-configuration``."""

    class Served(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = json.dumps(document(issuer)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Served)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def document_with_token(token_endpoint: str | None = None) -> Callable[[str], dict[str, Any]]:
    """A discovery document naming ``token_endpoint`` (default: on the issuer's origin)."""

    def document(issuer: str) -> dict[str, Any]:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/auth",
            "token_endpoint": token_endpoint or f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
        }

    return document


@pytest.fixture
def fresh() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def entry(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "corp",
        "type": "oidc",
        "issuer": issuer,
        "client_id": "cid",
        "client_secret": SECRET,
        **extra,
    }


def sign_in(client: Client) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"csrfToken": token})
    return client.post("/api/auth/signin/corp", body, content_type=FORM)


@pytest.mark.loopback  # a test server on 127.0.0.1
@pytest.mark.django_db
def test_a_token_endpoint_elsewhere_is_refused_and_never_contacted(
    client: Client,
    nextauth: Callable[..., None],
    version: str,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    fresh: None,
) -> None:
    settings.DEBUG = True  # the issuer is an http loopback one: its own endpoints are fine
    with listener() as (elsewhere, seen), discovery_server(document_with_token(elsewhere)) as idp:
        nextauth(VERSION=version, PROVIDERS=[entry(idp)])
        with caplog.at_level(logging.ERROR, logger="django_nextauth.oauth"):
            first, second = sign_in(client), sign_in(client)
        config = OAuthConfig.from_settings(entry(idp), "test")
        refreshed = refresh_access_token(config, {"refresh_token": "r", "access_token": "a"})
    code = "OAuthSignin" if version == "v4" else "Configuration"
    for response in (first, second):
        assert response.status_code == 302
        assert response["Location"] == f"http://testserver/api/auth/error?error={code}"
    assert refreshed["error"] == REFRESH_ERROR and refreshed["access_token"] == "a"
    assert seen == []  # neither the code nor the client secret went there
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "token_endpoint" in record.getMessage() and elsewhere in record.getMessage()
    assert SECRET not in caplog.text


@pytest.mark.loopback  # a test server on 127.0.0.1
@pytest.mark.django_db
def test_without_debug_a_loopback_http_issuer_is_not_trusted(
    client: Client, nextauth: Callable[..., None], version: str, fresh: None
) -> None:
    with discovery_server(document_with_token()) as idp:
        nextauth(VERSION=version, PROVIDERS=[entry(idp)])
        response = sign_in(client)
    code = "OAuthSignin" if version == "v4" else "Configuration"
    assert response["Location"] == f"http://testserver/api/auth/error?error={code}"


@pytest.mark.loopback  # a test server on 127.0.0.1
def test_a_configured_endpoint_is_trusted_as_given(settings: Any, fresh: None) -> None:
    settings.DEBUG = True
    with listener() as (elsewhere, seen), discovery_server(document_with_token(elsewhere)) as idp:
        configured = OAuthConfig.from_settings(
            entry(idp, token=f"{elsewhere}/token", jwks_endpoint=f"{elsewhere}/jwks"), "test"
        )
        found = metadata(configured)
    assert (found.token_endpoint, found.jwks_uri) == (f"{elsewhere}/token", f"{elsewhere}/jwks")
    assert found.authorization_endpoint == f"{idp}/auth"
    assert seen == []


def test_jwks_endpoint_must_be_a_url() -> None:
    with pytest.raises(ConfigurationError, match=r"\['jwks_endpoint'\] must be an http\(s\) URL"):
        OAuthConfig.from_settings(entry(ISSUER, jwks_endpoint="file:///etc/keys"), "test")


# --- https issuers, over a scripted transport ----------------------------------------------------


def serve_document(transport: list[Handler], document: dict[str, Any]) -> list[str]:  # noqa: F811
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, json=document)

    transport[0] = handler
    return asked


def test_the_redis_port_is_not_a_token_endpoint(transport: list[Handler]) -> None:  # noqa: F811
    document = {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/auth"}
    asked = serve_document(transport, {**document, "token_endpoint": "http://127.0.0.1:6379/"})
    config = OAuthConfig.from_settings(entry(ISSUER), "test")
    with pytest.raises(OAuthError, match="token_endpoint is not on the issuer's https origin"):
        metadata(config)
    refreshed = refresh_access_token(config, {"refresh_token": "r"})
    assert refreshed["error"] == REFRESH_ERROR
    assert asked == [f"{ISSUER}/.well-known/openid-configuration"]


def test_an_endpoint_the_flow_does_not_call_is_dropped(transport: list[Handler]) -> None:  # noqa: F811
    elsewhere = "https://graph.example/oidc/userinfo"
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/auth",
        "token_endpoint": f"{ISSUER}/token",
        "userinfo_endpoint": elsewhere,
        "jwks_uri": f"{ISSUER}/keys",
    }
    serve_document(transport, document)
    oidc = metadata(OAuthConfig.from_settings(entry(ISSUER), "test"))
    assert oidc.userinfo_endpoint is None  # the profile is the id_token's claims
    assert (oidc.token_endpoint, oidc.jwks_uri) == (f"{ISSUER}/token", f"{ISSUER}/keys")
    # A plain OAuth provider (no id_token) takes its profile from userinfo: refused.
    plain = entry(ISSUER, type="oauth", well_known=f"{ISSUER}/.well-known/x", id_token=False)
    with pytest.raises(OAuthError, match="userinfo_endpoint"):
        metadata(OAuthConfig.from_settings(plain, "test"))
    # ... and a jwks_uri elsewhere is refused where the id_token is validated.
    serve_document(transport, {**document, "jwks_uri": "https://keys.example/jwks"})
    clear_caches()
    with pytest.raises(OAuthError, match="jwks_uri"):
        metadata(OAuthConfig.from_settings(entry(ISSUER), "test"))


def test_the_google_preset_accepts_googles_own_origins(transport: list[Handler]) -> None:  # noqa: F811
    google = "https://accounts.google.com"
    document = {
        "issuer": google,
        "authorization_endpoint": f"{google}/o/oauth2/v2/auth",
        "token_endpoint": "https://oauth2.googleapis.com/token",
        "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
        "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    }
    serve_document(transport, document)
    preset = {"provider": "google", "client_id": "c", "client_secret": "s"}
    found = metadata(OAuthConfig.from_settings(preset, "test"))
    assert found.token_endpoint == "https://oauth2.googleapis.com/token"
    assert found.jwks_uri == "https://www.googleapis.com/oauth2/v3/certs"
