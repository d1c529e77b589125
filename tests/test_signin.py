"""Sign-in completion (``complete_sign_in``) and what one attempt signals.

``user_login_failed`` fires exactly once per failed attempt (django-axes-style lockouts
count it) with the default ``authorize`` and with hooks that call
``django_nextauth.authenticate``; a hook that calls Django's ``authenticate()`` once is
counted once too. Nothing of Django's is patched to get there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import Signal
from django.test import Client, RequestFactory, override_settings

from django_nextauth import authenticate as nextauth_authenticate
from django_nextauth.flow import complete
from django_nextauth.flow.context import build_context
from django_nextauth.providers import CredentialsProvider
from django_nextauth.session import flush
from django_nextauth.session import jwt as session_jwt
from django_nextauth.signals import login_attempt

FORM = "application/x-www-form-urlencoded"
WITH_BACKEND = [
    "django_nextauth.backends.CredentialsBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def authenticate_once(credentials: dict[str, Any], request: Any) -> Any:
    """The docs' pattern: authorize calls django_nextauth.authenticate()."""
    return nextauth_authenticate(
        request, username=credentials.get("username"), password=credentials.get("password")
    )


def django_authenticate_once(credentials: dict[str, Any], request: Any) -> Any:
    """A hook written before django_nextauth.authenticate: Django's own, once."""
    return authenticate(
        request, username=credentials.get("username"), password=credentials.get("password")
    )


def username_or_email(credentials: dict[str, Any], request: Any) -> Any:
    """Tries the login as a username, then as an e-mail: authenticate() twice."""
    login, password = credentials.get("username"), credentials.get("password")
    user = nextauth_authenticate(request, username=login, password=password)
    if user is None:
        match = get_user_model().objects.filter(email__iexact=login).first()
        username = match.username if match else ""
        user = nextauth_authenticate(request, username=username, password=password)
    return user


def raising(credentials: dict[str, Any], request: Any) -> Any:
    raise RuntimeError("boom")


def jwt_sign_up_recorder(**kwargs: Any) -> dict[str, Any]:
    seen.append(kwargs)
    return dict(kwargs["token"])


seen: list[dict[str, Any]] = []


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # the rate limiter's counters


@pytest.fixture
def failures() -> Any:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append(kwargs)

    user_login_failed.connect(receiver, weak=False)
    yield calls
    user_login_failed.disconnect(receiver)


def _attempt(client: Client, password: str = "wrong", username: str = "alice") -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": username, "password": password, "csrfToken": token, "json": "true"}
    return client.post("/api/auth/callback/credentials", urlencode(body), content_type=FORM)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("authorize", "backends"),
    [
        (None, None),  # the default authorize: Django's authenticate()
        (None, WITH_BACKEND),
        (f"{__name__}.authenticate_once", None),
        (f"{__name__}.authenticate_once", WITH_BACKEND),
        (f"{__name__}.username_or_email", None),
        (f"{__name__}.username_or_email", WITH_BACKEND),
        (f"{__name__}.django_authenticate_once", None),
        (f"{__name__}.raising", None),
    ],
)
def test_one_user_login_failed_per_failed_attempt(
    client: Client,
    version: str,
    nextauth: Any,
    alice: Any,
    failures: Any,
    authorize: str | None,
    backends: list[str] | None,
) -> None:
    nextauth(VERSION=version, PROVIDERS=[{"authorize": authorize}])
    with override_settings(AUTHENTICATION_BACKENDS=backends or WITH_BACKEND[1:]):
        assert _attempt(client).status_code == 401
        assert len(failures) == 1
        assert failures[0]["credentials"]["password"] == "********************"
        if authorize != f"{__name__}.raising":
            assert _attempt(client, "pw").status_code == 200  # none on success
        if authorize == f"{__name__}.username_or_email":
            # The username fails inside authorize, the e-mail succeeds: not a failed attempt.
            assert _attempt(client, "pw", username="ALICE@example.com").status_code == 200
    assert len(failures) == 1


@pytest.mark.django_db
def test_junk_fields_and_refused_attempts_send_one_each(
    client: Client, nextauth: Any, failures: Any
) -> None:
    nextauth(RATE_LIMIT={"USERNAME": 1, "IP": 100, "WINDOW": 60})
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    client.post(
        "/api/auth/callback/credentials", urlencode({"csrfToken": token}), content_type=FORM
    )
    assert len(failures) == 1  # no fields: authenticate() is never called, one is still sent
    assert _attempt(client).status_code == 401
    assert _attempt(client).status_code == 429
    assert len(failures) == 3  # the field-less attempt, the failure, then the refusal


@pytest.mark.django_db
def test_djangos_own_authenticate_through_the_backend_sends_one(
    rf: RequestFactory, nextauth: Any, alice: Any, failures: Any
) -> None:
    """The admin's login path: authenticate() -> CredentialsBackend -> hook -> authenticate()."""
    nextauth(PROVIDERS=[{"authorize": f"{__name__}.authenticate_once"}])
    with override_settings(AUTHENTICATION_BACKENDS=WITH_BACKEND):
        assert authenticate(rf.post("/"), username="alice", password="wrong") is None
        assert len(failures) == 1
        assert authenticate(rf.post("/"), username="alice", password="pw") == alice
    assert len(failures) == 1


def test_django_is_not_patched() -> None:
    assert type(user_login_failed).send is Signal.send  # the class's own method, not replaced
    assert "send" not in vars(user_login_failed)
    assert "asend" not in vars(user_login_failed)


def test_login_attempt_counts_only_inside_the_block(failures: Any) -> None:
    with login_attempt() as sent:
        user_login_failed.send(sender="x", credentials={})
    user_login_failed.send(sender="x", credentials={})
    assert (sent, len(failures)) == ([1], 2)  # counted, never swallowed


@pytest.mark.django_db
def test_authenticate_sets_the_backend_and_respects_permission_denied(
    rf: RequestFactory, alice: Any, failures: Any
) -> None:
    user = nextauth_authenticate(rf.post("/"), username="alice", password="pw")
    assert user == alice and user.backend == "django.contrib.auth.backends.ModelBackend"
    assert nextauth_authenticate(rf.post("/"), username="alice", password="no") is None
    assert nextauth_authenticate(rf.post("/"), token="unknown-kind") is None
    with override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.Refusing", *WITH_BACKEND[1:]]):
        assert nextauth_authenticate(rf.post("/"), username="alice", password="pw") is None
    assert failures == []


class Refusing:
    def authenticate(self, request: Any, username: str, password: str) -> Any:
        raise PermissionDenied


@pytest.mark.django_db
def test_complete_sign_in_runs_the_callbacks_with_sign_up(
    rf: RequestFactory, nextauth: Any, alice: Any, monkeypatch: Any
) -> None:
    seen.clear()
    linked: list[Any] = []
    monkeypatch.setattr(complete, "link_account", lambda ctx, **kw: linked.append(kw))
    nextauth(CALLBACKS={"jwt": f"{__name__}.jwt_sign_up_recorder"})
    request = rf.get("/api/auth/callback/x")
    ctx = build_context(request)
    provider = CredentialsProvider()
    account = {"provider": "x", "type": "oauth", "providerAccountId": "1"}
    response = complete.complete_sign_in(
        ctx, provider=provider, user=alice, account=account, profile={"p": 1}, is_new_user=True
    )
    assert (response.status_code, response["Location"]) == (302, "http://testserver")
    (call,) = seen
    assert (call["trigger"], call["is_new_user"], call["profile"]) == ("signUp", True, {"p": 1})
    assert linked == [
        {
            "provider": provider,
            "user": alice,
            "account": account,
            "profile": {"p": 1},
            "known": None,
            "bound_to_session": False,
        }
    ]
    flush(request, response)
    assert "next-auth.session-token" in response.cookies


def test_link_account_is_a_no_op_for_other_than_oauth_accounts(rf: RequestFactory) -> None:
    assert complete.link_account(None, provider=None, user=None, account={}, profile=None) is None  # type: ignore[arg-type]


def test_only_json_objects_can_be_stored() -> None:
    assert session_jwt._storable({"a": [1]})
    assert not session_jwt._storable("token")
    assert not session_jwt._storable({"n": float("nan")})
