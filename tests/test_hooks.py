"""django_nextauth.hooks, and every user hook that raises during a sign-in: a refusal with the
version's error code and exactly one log line naming the hook and the exception type (never
the exception's message, which may quote a password or an address), never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import VerificationToken
from django_nextauth.hooks import HookFailed, describe, run_hook
from tests.test_storable import (  # noqa: F401 (the profile fixture)
    credentials_error,
    email_error,
    oauth_sign_in,
    post,
    profile,
    signed_in,
)

pytestmark = pytest.mark.django_db

AUTH = "http://testserver/api/auth"
SECRET_VALUE = "hunter2-in-the-message"


def broken(*args: Any, **kwargs: Any) -> Any:
    raise KeyError(SECRET_VALUE)


async def abroken(*args: Any, **kwargs: Any) -> Any:
    raise KeyError(SECRET_VALUE)


async def adouble(value: int) -> int:
    return value * 2


def step_error(version: str) -> str:
    return f"{AUTH}/error?error={'Callback' if version == 'v4' else 'Configuration'}"


def one_line(caplog: Any, *words: str) -> None:
    """Exactly one django_nextauth line at WARNING or above, saying ``words``, no secret."""
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "django_nextauth" and r.levelno >= logging.WARNING
    ]
    assert len(lines) == 1, lines
    assert all(word in lines[0] for word in words), lines[0]
    assert SECRET_VALUE not in caplog.text


# --- run_hook ---------------------------------------------------------------------------


def test_run_hook_calls_sync_and_async_hooks() -> None:
    assert run_hook("double", lambda value: value * 2, 2) == 4
    assert run_hook("double", adouble, value=3) == 6


@pytest.mark.parametrize("hook", [broken, abroken])
def test_run_hook_names_the_hook_and_the_type_only(hook: Callable[..., Any]) -> None:
    with pytest.raises(HookFailed) as caught:
        run_hook("send", hook, 1)
    assert str(caught.value) == "send hook raised KeyError" and caught.value.hook == "send"
    assert isinstance(caught.value.__cause__, KeyError)
    assert describe(caught.value) == "send hook raised KeyError"
    assert describe(ValueError(SECRET_VALUE)) == "ValueError"


# --- the hooks of each flow -------------------------------------------------------------


@pytest.fixture
def configure(version: str, nextauth: Callable[..., None]) -> Callable[..., None]:
    cache.clear()

    def apply(*providers: dict[str, Any], **keys: Any) -> None:
        nextauth(VERSION=version, PROVIDERS=list(providers), **keys)

    return apply


def test_rate_limit_key(configure: Any, version: str, alice: Any, caplog: Any) -> None:
    configure({"type": "credentials", "rate_limit_key": f"{__name__}.broken"})
    response = post(Client(), "callback/credentials", {"username": "alice", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == credentials_error(version)
    assert not signed_in(response)
    one_line(caplog, "'credentials'", "rate_limit_key hook raised KeyError")


@pytest.mark.parametrize("option", ["normalize_identifier", "generate_token", "send"])
@pytest.mark.parametrize("hook", ["broken", "abroken"])
def test_email_hooks(
    configure: Any, version: str, option: str, hook: str, caplog: Any, mailoutbox: Any
) -> None:
    configure({"type": "email", option: f"{__name__}.{hook}"})
    response = post(Client(), "signin/email", {"email": "alice@example.com"})
    assert response["Location"] == email_error(version)
    assert not VerificationToken.objects.exists() and not mailoutbox
    one_line(caplog, f"{option} hook raised KeyError")


CREDENTIALS = {"type": "credentials"}


def test_jwt_callback_at_sign_in(configure: Any, version: str, alice: Any, caplog: Any) -> None:
    configure(CREDENTIALS, CALLBACKS={"jwt": f"{__name__}.broken"})
    response = post(Client(), "callback/credentials", {"username": "alice", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == step_error(version)
    assert not signed_in(response)
    one_line(caplog, "jwt callback raised KeyError")


OAUTH = {
    "id": "acme", "type": "oauth", "authorization": "https://idp.example/auth",
    "token": "https://idp.example/token", "userinfo": "https://idp.example/me",
    "client_id": "cid", "client_secret": "s" * 40, "checks": ["state"],
}  # fmt: skip


@pytest.mark.parametrize("method", ["get_user_by_account", "create_user"])
def test_an_adapter_that_fails_during_linking(
    configure: Any,
    version: str,
    profile: dict[str, Any],  # noqa: F811
    method: str,
    monkeypatch: Any,
    caplog: Any,
) -> None:
    configure(OAUTH)
    monkeypatch.setattr(DjangoAdapter, method, broken)
    response = oauth_sign_in(Client())
    assert response.status_code == 302
    assert response["Location"] == step_error(version)
    assert not signed_in(response)
    one_line(caplog, "KeyError")
