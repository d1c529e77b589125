"""Fixtures shared by the whole suite.

- ``nextauth(**keys)``: override ``NEXTAUTH`` for the rest of the test (the test secret
  stays unless a key replaces it).
- ``version``: runs a test once for ``"v4"`` and once for ``"v5"``, with that version set.
- ``make_token(claims, version=..., max_age=..., secure=...)``: a session token as the
  configured (or given) version writes it into its cookie.
- ``session_cookie``: the plain session-cookie name of the current version.
- ``email_setup``: an e-mail provider for ``version`` (call it to change its options).
- ``alice``: a Django user ``alice`` / ``pw``.
- ``signed_in_client``: the test client carrying alice's session cookie (the README claims).
- ``nextauth_login``: the fixture users get from ``django_nextauth.pytest_plugin``.
- ``no_adapter``: the test runs as a site without ``django_nextauth.db`` (NextAuth without
  an adapter: nothing stored, ``sub`` is the provider's id). The suite installs it.
- ``loopback_idp``: ``DEBUG`` on, so that endpoints discovered from the test IdPs (http
  issuers on 127.0.0.1) are used, as in development (``django_nextauth/oauth/endpoints.py``).
- ``offline``: the OAuth core's HTTP client on a network where no server answers.

The test tiers and their markers: tests/tiers.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.core.checks import CheckMessage, run_checks
from django.test import Client, override_settings

from django_nextauth import jwt
from django_nextauth.dialect import dialect
from django_nextauth.oauth import http as oauth_http
from django_nextauth.pytest_plugin import nextauth_login  # noqa: F401  (the users' fixture)
from django_nextauth.test import login
from tests.settings import NEXTAUTH_TEST_SECRET

# The test tiers: the unit tier's guard, and the service check before pytest-django creates
# a server's test database. A plugin, not this conftest's hooks: those would not see the
# session fixtures, set up on behalf of the whole run.
pytest_plugins = ["tests.tiers", "tests.databases"]

# Tests must never pick up a developer's real secret from the environment.
for _name in ("AUTH_SECRET", "NEXTAUTH_SECRET"):
    os.environ.pop(_name, None)

SECRET = NEXTAUTH_TEST_SECRET
#: The claims of the README's example token: what a typical app keeps in the session.
CLAIMS: dict[str, Any] = {
    "name": "Alice Liddell",
    "email": "alice@example.com",
    "picture": "https://example.com/alice.png",
    "sub": "1",
    "username": "alice",
    "roles": ["staff", "editor"],
}


@pytest.fixture
def nextauth() -> Iterator[Callable[..., None]]:
    """Call with ``NEXTAUTH`` keys to set them (merged over the test secret) for the test."""
    overrides: list[Any] = []

    def apply(**keys: Any) -> None:
        override = override_settings(NEXTAUTH={"SECRET": SECRET, **keys})
        override.enable()
        overrides.append(override)

    yield apply
    for override in reversed(overrides):
        override.disable()


@pytest.fixture(params=["v4", "v5"])
def version(request: pytest.FixtureRequest, nextauth: Callable[..., None]) -> str:
    """Each test twice: NEXTAUTH["VERSION"] = "v4", then "v5" (the cache emptied)."""
    cache.clear()
    nextauth(VERSION=request.param)
    return str(request.param)


@pytest.fixture
def make_token() -> Callable[..., str]:
    def make(
        claims: dict[str, Any] | None = None,
        *,
        version: str = "v4",
        max_age: int = 3600,
        secure: bool = False,
    ) -> str:
        name = dialect(version).cookie("session_token", secure=secure)
        return jwt.encode(
            dict(CLAIMS if claims is None else claims),
            secret=SECRET,
            max_age=max_age,
            salt=dialect(version).salt(name),
            version=version,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def session_cookie(request: pytest.FixtureRequest) -> str:
    current = request.getfixturevalue("version") if "version" in request.fixturenames else "v4"
    return dialect(current).cookie("session_token", secure=False)


@pytest.fixture
def email_setup(version: str, nextauth: Callable[..., None]) -> Callable[..., None]:
    """An e-mail provider for the current version; call again with provider options and
    extra ``NEXTAUTH`` keys to change it."""

    def apply(provider: dict[str, Any] | None = None, **keys: Any) -> None:
        nextauth(VERSION=version, PROVIDERS=[{"type": "email", **(provider or {})}], **keys)

    apply()
    return apply


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "alice", "alice@example.com", "pw", first_name="Alice", last_name="Liddell"
    )


@pytest.fixture
def signed_in_client(client: Client, alice: Any, request: pytest.FixtureRequest) -> Client:
    if "version" in request.fixturenames:
        request.getfixturevalue("version")  # sign in with the version under test
    login(client, {**CLAIMS, "sub": str(alice.pk)})
    return client


@pytest.fixture
def no_adapter(settings: Any) -> None:
    """Leave ``django_nextauth.db`` out of INSTALLED_APPS, so ``get_adapter()`` is ``None``."""
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_nextauth.db"]


@pytest.fixture
def loopback_idp(settings: Any) -> None:
    """DEBUG on: discovered endpoints of an http loopback issuer are accepted only then."""
    settings.DEBUG = True


@pytest.fixture
def offline() -> Iterator[None]:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    oauth_http.set_client(httpx.Client(transport=httpx.MockTransport(refuse)))
    yield
    oauth_http.set_client(None)


@pytest.fixture(autouse=True, scope="session")
def _close_oauth_connections() -> Iterator[None]:
    """Close the OAuth HTTP client's pooled connections when the run ends (no warnings)."""
    yield
    oauth_http.set_client(None)


def system_checks(**options: Any) -> list[CheckMessage]:
    """Django's ``run_checks()`` as ``manage.py check`` runs them by default, without a
    database: Django 6.1 otherwise runs the backends' field checks on every configured alias,
    and would connect to the PostgreSQL and MariaDB of the service tiers."""
    return run_checks(databases=[], **options)
