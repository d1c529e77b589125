"""django_nextauth.logs: server faults say what broke (never as wrong credentials), and a
session cookie that does not decrypt is logged, once a minute per name, without its value."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from django_nextauth import jwt, logs
from django_nextauth.dialect import dialect
from django_nextauth.oauth import OAuthConfig, OAuthError, clear_caches, metadata
from django_nextauth.oauth import http as oauth_http

FORM = "application/x-www-form-urlencoded"
PASSWORD = "hunter2-never-logged"


def forgot_migrate(credentials: dict[str, Any], request: Any) -> Any:
    """An authorize whose table was never created: the database's own error."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM demo_profile_never_migrated")
    return None


def quotes_the_password(credentials: dict[str, Any], request: Any) -> Any:
    raise ValueError(f"bad password {credentials['password']}")


def smtp_down(**kwargs: Any) -> None:
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def hook_quotes_the_link(*, url: str, **kwargs: Any) -> None:
    raise RuntimeError(f"could not send {url}")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # the rate limiter's counters
    logs._last_logged.clear()


def sign_in(client: Client, authorize: Callable[..., Any], nextauth: Any, version: str) -> Any:
    configure(authorize, nextauth, version)
    return post(client)


def configure(authorize: Callable[..., Any], nextauth: Any, version: str) -> None:
    provider = {"id": "credentials", "type": "credentials", "authorize": authorize}
    nextauth(VERSION=version, PROVIDERS=[provider])


def post(client: Client) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": "alice", "password": PASSWORD, "csrfToken": token}
    return client.post("/api/auth/callback/credentials", urlencode(body), content_type=FORM)


@pytest.mark.django_db
def test_a_database_fault_in_authorize_is_a_server_error(
    client: Client, nextauth: Any, version: str, caplog: pytest.LogCaptureFixture
) -> None:
    configure(forgot_migrate, nextauth, version)
    with override_settings(DEBUG=True), caplog.at_level(logging.ERROR, logger="django_nextauth"):
        response = post(client)  # with the traceback
    assert response.status_code == 302
    assert "error=Configuration" in response["Location"]
    assert "CredentialsSignin" not in response["Location"]
    (record,) = [r for r in caplog.records if "authorize" in r.getMessage()]
    assert "OperationalError" in record.getMessage()
    assert "demo_profile_never_migrated" in record.getMessage()  # the actual cause
    assert record.exc_info is not None
    assert PASSWORD not in caplog.text


@pytest.mark.django_db
def test_the_traceback_only_with_debug(
    client: Client, nextauth: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="django_nextauth"):
        sign_in(client, forgot_migrate, nextauth, "v4")
    (record,) = [r for r in caplog.records if "authorize" in r.getMessage()]
    assert record.exc_info is None


@pytest.mark.django_db
def test_a_hook_exception_is_still_a_failed_sign_in_logged_by_type(
    client: Client, nextauth: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django_nextauth"):
        response = sign_in(client, quotes_the_password, nextauth, "v4")
    assert "error=CredentialsSignin" in response["Location"]
    assert "ValueError" in caplog.text
    assert PASSWORD not in caplog.text


@pytest.mark.django_db
def test_a_mail_server_fault_is_logged_with_its_message(
    client: Client, email_setup: Any, caplog: pytest.LogCaptureFixture
) -> None:
    email_setup({"send": f"{__name__}.smtp_down"})
    with caplog.at_level(logging.ERROR, logger="django_nextauth"):
        response = ask(client)
    assert "error=" in response["Location"]
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in caplog.text


@pytest.mark.django_db
def test_a_send_hook_exception_is_logged_by_type_only(
    client: Client, email_setup: Any, caplog: pytest.LogCaptureFixture
) -> None:
    email_setup({"send": f"{__name__}.hook_quotes_the_link"})
    with caplog.at_level(logging.ERROR, logger="django_nextauth"):
        ask(client)
    assert "RuntimeError" in caplog.text
    assert "token=" not in caplog.text


def ask(client: Client) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"csrfToken": token, "email": "new@example.com"})
    return client.post("/api/auth/signin/email", body, content_type=FORM)


# --- a session cookie from another site ------------------------------------------------------


def test_an_undecryptable_cookie_is_logged_once_a_minute(
    client: Client, version: str, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    name = dialect(version).cookie("session_token", secure=False)
    other_site = jwt.encode(
        {"sub": "1"},
        secret="another-site-secret-" * 2,
        salt=dialect(version).salt(name),
        version=version,
    )  # type: ignore[arg-type]
    client.cookies[name] = other_site
    now = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="django_nextauth"):
        for _ in range(3):
            client.cookies[name] = other_site  # the middleware deleted it
            assert client.get("/whoami/").json()["authenticated"] is False
        now[0] += logs.UNDECRYPTABLE_INTERVAL
        client.cookies[name] = other_site
        client.get("/whoami/")
    lines = [r.getMessage() for r in caplog.records if "cannot be decrypted" in r.getMessage()]
    assert len(lines) == 2
    assert name in lines[0]
    assert other_site not in caplog.text


def test_an_expired_or_garbage_cookie_is_not_logged(
    client: Client, make_token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django_nextauth"):
        for value in (make_token(max_age=-60), "garbage"):
            client.cookies["next-auth.session-token"] = value
            client.get("/whoami/")
    assert "cannot be decrypted" not in caplog.text


# --- a wrong OIDC issuer: the log names the URL tried ----------------------------------------


def test_a_failed_discovery_names_the_url_it_tried() -> None:
    entry = {"id": "x", "type": "oidc", "issuer": "https://idp.example/realms/wrong"}
    config = OAuthConfig.from_settings({**entry, "client_id": "c", "client_secret": "s"}, "t")
    answers = iter([httpx.Response(404), httpx.Response(404, json={"error": "not_found"})])
    transport = httpx.MockTransport(lambda request: next(answers))
    oauth_http.set_client(httpx.Client(transport=transport, follow_redirects=False))
    clear_caches()
    url = "https://idp.example/realms/wrong/.well-known/openid-configuration"
    try:
        for fragment in ("answered 404", "is not a metadata object"):
            with pytest.raises(OAuthError, match=fragment) as caught:
                metadata(config)
            assert f"({url})" in str(caught.value)
    finally:
        oauth_http.set_client(None)
        clear_caches()
