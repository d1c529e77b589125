"""Helpers for your own tests: sign a Django test client in, as a real sign-in would.

::

    from django_nextauth.test import login

    def test_dashboard(client, django_user_model):
        alice = django_user_model.objects.create_user("alice", password="pw")
        login(client, alice)
        assert client.get("/dashboard/").status_code == 200

:func:`login` writes the session cookie the configured ``VERSION`` and session strategy
write, through the same code as the sign-in views: with a Django user and JWT sessions
the ``jwt`` callback runs as at a credentials sign-in (``trigger="signIn"``), with
database sessions a session row is stored. A dict is taken as the token's claims as they
are (no callback runs). :func:`alogin` is the async twin, :func:`logout` signs the client
out, and :func:`session_token` gives a token for an ``Authorization: Bearer`` header.
The pytest fixture ``nextauth_login`` is in :mod:`django_nextauth.pytest_plugin`.
``docs/testing.md`` has the recipes.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import Any, Protocol

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from .session import CallbackFailed, flush, get_token, session_state, strategy, user_to_token
from .session import login as session_login
from .session import logout as session_logout

__all__ = ["alogin", "alogout", "login", "logout", "session_token"]

Claims = dict[str, Any]


class CookieClient(Protocol):
    """Anything with a test client's cookie jar: ``Client``, ``AsyncClient``, DRF's
    ``APIClient``."""

    cookies: SimpleCookie


def login(
    client: CookieClient,
    user_or_claims: Any,
    *,
    secure: bool = False,
    max_age: int | None = None,
    provider: str = "credentials",
) -> Claims:
    """Sign ``client`` in as ``user_or_claims``; returns the session's claims.

    ``user_or_claims``: a Django user (the ``jwt`` callback runs with ``user=`` it and a
    credentials ``account`` of ``provider``; database sessions store a row for it), or a
    dict of claims used as the token as they are (database sessions: its ``sub`` must be a
    stored user's id). ``secure``: the client will send https requests (``secure=True``),
    so the cookie gets the ``__Secure-`` name, as ``USE_SECURE_COOKIES = None`` decides.
    A session the client already had is replaced.
    """
    request = _request(client, secure)
    if isinstance(user_or_claims, Mapping):
        session_login(request, dict(user_or_claims), max_age=max_age)
    else:
        _sign_in(request, user_or_claims, provider, max_age)
    _apply(request, client)
    claims = session_state(request).claims
    assert claims is not None  # login() just recorded them
    return claims


async def alogin(
    client: CookieClient,
    user_or_claims: Any,
    *,
    secure: bool = False,
    max_age: int | None = None,
    provider: str = "credentials",
) -> Claims:
    """Async :func:`login`, for ``AsyncClient`` in async tests (queries and sync callbacks
    run in a thread, async callbacks are awaited there)."""
    return await sync_to_async(login)(
        client, user_or_claims, secure=secure, max_age=max_age, provider=provider
    )


def logout(client: CookieClient, *, secure: bool = False) -> None:
    """Sign ``client`` out as ``POST /signout`` would: the session ends (a database row is
    deleted, a JWT's ``sid`` revoked when revocation is on) and its cookies are dropped."""
    request = _request(client, secure)
    session_logout(request)
    _apply(request, client)


async def alogout(client: CookieClient, *, secure: bool = False) -> None:
    """Async :func:`logout`."""
    await sync_to_async(logout)(client, secure=secure)


def session_token(
    user_or_claims: Any,
    *,
    max_age: int | None = None,
    provider: str = "credentials",
) -> str:
    """An encrypted session token for ``Authorization: Bearer <token>`` (JWT sessions only:
    NextAuth's database sessions are never read from a header)."""
    if not strategy().reads_bearer:
        raise ValueError("Database sessions are not read from an Authorization header.")
    jar = _Jar()
    login(jar, user_or_claims, max_age=max_age, provider=provider)
    token = get_token(_request(jar, False), raw=True)
    assert isinstance(token, str)  # the cookie login() just wrote
    return token


class _Jar:
    """A bare cookie jar, for :func:`session_token`."""

    def __init__(self) -> None:
        self.cookies: SimpleCookie = SimpleCookie()


def _request(client: CookieClient, secure: bool) -> HttpRequest:
    """A request carrying ``client``'s cookies (so a session it has is replaced or ended)."""
    factory = RequestFactory()
    factory.cookies = client.cookies
    return factory.get("/", secure=secure)


def _sign_in(request: HttpRequest, user: Any, provider: str, max_age: int | None) -> None:
    """A credentials sign-in of ``user``, as the strategy stores it (JWT: the default token,
    then the ``jwt`` callback; database: a row)."""
    account = {"providerAccountId": str(user.pk), "type": "credentials", "provider": provider}
    try:
        token = session_state(request).sign_in(
            user_to_token(user), user=user, account=account, max_age=max_age
        )
    except CallbackFailed as exc:  # the test sees the callback's own exception
        raise exc.__cause__ or exc from None
    if token is None:
        raise ValueError("The jwt callback returned None: it refuses to sign this user in.")


def _apply(request: HttpRequest, client: CookieClient) -> None:
    """Write the request's pending session change into ``client``'s cookie jar."""
    response = HttpResponse()
    flush(request, response)
    for name, morsel in response.cookies.items():
        if morsel.value:
            client.cookies[name] = morsel.value
        else:  # a deleted cookie or a stale chunk
            client.cookies.pop(name, None)
