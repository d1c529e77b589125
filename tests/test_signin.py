"""Sign-in completion (``complete_sign_in``) and what one attempt signals.

``user_login_failed`` must fire exactly once per failed attempt, whatever
``authorize`` does (django-axes-style lockouts count it): each path is here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from django_nextauth import signin
from django_nextauth.providers import CredentialsProvider
from django_nextauth.session import flush
from django_nextauth.signals import hold_login_failed
from django_nextauth.views.context import build_context

FORM = "application/x-www-form-urlencoded"
WITH_BACKEND = [
    "django_nextauth.backends.CredentialsBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def authenticate_once(credentials: dict[str, Any], request: Any) -> Any:
    """The docs' pattern: authorize calls Django's authenticate()."""
    return authenticate(
        request, username=credentials.get("username"), password=credentials.get("password")
    )


def username_or_email(credentials: dict[str, Any], request: Any) -> Any:
    """Tries the login as a username, then as an e-mail: authenticate() twice."""
    login, password = credentials.get("username"), credentials.get("password")
    user = authenticate(request, username=login, password=password)
    if user is None:
        match = get_user_model().objects.filter(email__iexact=login).first()
        user = authenticate(request, username=match.username if match else "", password=password)
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


def test_hold_only_holds_inside_the_block(failures: Any) -> None:
    with hold_login_failed() as held:
        user_login_failed.send(sender="x", credentials={})
    assert (len(held), len(failures)) == (1, 0)
    user_login_failed.send(sender="x", credentials={})
    assert len(failures) == 1


@pytest.mark.skipif(django.VERSION < (5, 0), reason="Signal.asend() is new in Django 5.0")
async def test_hold_covers_async_sends(failures: Any) -> None:
    with hold_login_failed() as held:
        await user_login_failed.asend(sender="x", credentials={})
    await user_login_failed.asend(sender="x", credentials={})
    assert (len(held), len(failures)) == (1, 1)


@pytest.mark.django_db
def test_complete_sign_in_runs_the_callbacks_with_sign_up(
    rf: RequestFactory, nextauth: Any, alice: Any, monkeypatch: Any
) -> None:
    seen.clear()
    linked: list[Any] = []
    monkeypatch.setattr(signin, "link_account", lambda ctx, **kw: linked.append(kw))
    nextauth(CALLBACKS={"jwt": f"{__name__}.jwt_sign_up_recorder"})
    request = rf.get("/api/auth/callback/x")
    ctx = build_context(request)
    provider = CredentialsProvider()
    account = {"provider": "x", "type": "oauth", "providerAccountId": "1"}
    response = signin.complete_sign_in(
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
    assert signin.link_account(None, provider=None, user=None, account={}, profile=None) is None  # type: ignore[arg-type]


def test_only_json_objects_can_be_stored() -> None:
    assert signin._storable({"a": [1]})
    assert not signin._storable("token")
    assert not signin._storable({"n": float("nan")})


def test_the_hold_is_installed_once(failures: Any) -> None:
    from django_nextauth import signals

    signals._install_hold()
    with hold_login_failed():
        user_login_failed.send(sender="x", credentials={})
    assert failures == []
