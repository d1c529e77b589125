from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory, override_settings

from django_nextauth import callbacks
from django_nextauth.callbacks import (
    arun_jwt,
    arun_redirect,
    arun_session,
    arun_sign_in,
    defaults_only,
    get_callback,
    is_default,
    run_jwt,
    run_redirect,
    run_session,
    run_sign_in,
)
from django_nextauth.checks import check_callbacks
from django_nextauth.session import strategy, user_to_token

SECRET = "callback-tests-secret"
seen: list[dict[str, Any]] = []


def record_jwt(**kwargs: Any) -> dict[str, Any]:
    seen.append(kwargs)
    return {**kwargs["token"], "seen": True}


async def async_jwt(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    await asyncio.sleep(0)
    return {**token, "async": True, "thread": threading.get_ident()}


def thread_jwt(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**token, "thread": threading.get_ident()}


def deny(**kwargs: Any) -> str:
    return "/blocked"


def to_home(*, url: str, base_url: str, **kwargs: Any) -> str:
    return base_url + "/home"


async def async_session(*, session: dict[str, Any], token: dict[str, Any], **kw: Any) -> Any:
    return {**session, "role": token.get("role")}


NOT_CALLABLE = 42


def configure(**callbacks_: Any) -> Any:
    return override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": callbacks_})


@pytest.fixture(autouse=True)
def _clear_seen() -> None:
    seen.clear()


# --- resolution ---------------------------------------------------------------------------------


def test_defaults() -> None:
    assert defaults_only() and strategy().defaults_only
    assert all(is_default(name) for name in callbacks.CALLBACK_NAMES)
    assert run_jwt(token={"a": 1}) == {"a": 1}
    assert run_session(session={"user": {}}, token={}) == {"user": {}}
    assert run_sign_in(user={"id": 1}, account=None) is True


@configure(jwt=f"{__name__}.record_jwt", session=None)
def test_dotted_path_and_all_keyword_arguments() -> None:
    assert not defaults_only() and not is_default("jwt") and is_default("session")
    assert not strategy().defaults_only  # the strategy's copy follows the settings
    request = RequestFactory().get("/")
    token = run_jwt(
        token={"sub": "1"},
        user={"id": 1},
        account={"provider": "credentials"},
        profile={"p": 1},
        trigger="signIn",
        is_new_user=True,
        session={"data": 1},
        request=request,
    )
    assert token == {"sub": "1", "seen": True}
    assert seen == [
        {
            "token": {"sub": "1"},
            "user": {"id": 1},
            "account": {"provider": "credentials"},
            "profile": {"p": 1},
            "trigger": "signIn",
            "is_new_user": True,
            "session": {"data": 1},
            "request": request,
        }
    ]


def test_callable_value_is_used_as_is() -> None:
    with configure(sign_in=deny):
        assert get_callback("sign_in") is deny
        assert run_sign_in(user={}, account=None) == "/blocked"


def test_memoised_until_settings_change() -> None:
    with configure(jwt=record_jwt):
        assert get_callback("jwt") is record_jwt
    assert get_callback("jwt") is not record_jwt


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tests.nope.missing", "cannot be imported"),
        (f"{__name__}.missing", "cannot be imported"),
        ("nodots", "cannot be imported"),
        (f"{__name__}.NOT_CALLABLE", "is not callable"),
        (42, "is not callable"),
    ],
)
def test_bad_values_raise_naming_the_key(value: Any, message: str) -> None:
    # Validated once, where the setting is read (django_nextauth.conf).
    with (
        configure(session=value),
        pytest.raises(ImproperlyConfigured, match=r"CALLBACKS'\]\['session'\]") as info,
    ):
        get_callback("session")
    assert message in str(info.value)


# --- sync / async bridging ------------------------------------------------------------------------


@configure(jwt=f"{__name__}.async_jwt")
def test_async_callback_from_sync_code() -> None:
    assert run_jwt(token={"sub": "1"})["async"] is True  # type: ignore[index]


@configure(jwt=f"{__name__}.async_jwt")
async def test_async_callback_awaited_on_the_loop() -> None:
    token = await arun_jwt(token={"sub": "1"})
    assert token is not None and token["thread"] == threading.get_ident()


@configure(jwt=f"{__name__}.thread_jwt")
async def test_sync_callback_runs_off_the_event_loop() -> None:
    token = await arun_jwt(token={"sub": "1"})
    assert token is not None and token["thread"] != threading.get_ident()


async def test_async_twins_with_defaults() -> None:
    assert await arun_jwt(token={"a": 1}) == {"a": 1}
    assert await arun_session(session={"s": 1}, token={}) == {"s": 1}
    assert await arun_sign_in(user={}, account=None) is True


@configure(session=f"{__name__}.async_session", sign_in=f"{__name__}.deny")
async def test_async_twins_with_callbacks() -> None:
    assert await arun_session(session={"user": {}}, token={"role": "r"}) == {
        "user": {},
        "role": "r",
    }
    assert await arun_sign_in(user={}, account=None) == "/blocked"


# --- redirect -------------------------------------------------------------------------------------


@override_settings(NEXTAUTH={"SECRET": SECRET, "URL": "http://testserver"})
def test_default_redirect_is_nextauths() -> None:
    base = "http://testserver"
    assert run_redirect(url="/dashboard", base_url=base) == base + "/dashboard"
    assert run_redirect(url="https://evil.example/x", base_url=base) == base


@override_settings(NEXTAUTH={"SECRET": SECRET, "URL": "http://testserver"})
async def test_default_redirect_async() -> None:
    assert await arun_redirect(url="/a", base_url="http://testserver") == "http://testserver/a"


@configure(redirect=f"{__name__}.to_home")
async def test_custom_redirect() -> None:
    assert run_redirect(url="/x", base_url="http://s") == "http://s/home"
    assert await arun_redirect(url="/x", base_url="http://s") == "http://s/home"


# --- user_to_token --------------------------------------------------------------------------------


def test_user_to_token_from_mapping_keeps_nextauth_shape() -> None:
    full = {"id": 5, "name": "Al", "email": "a@x", "image": None, "extra": 1}
    assert user_to_token(full) == {"name": "Al", "email": "a@x", "picture": None, "sub": "5"}
    assert user_to_token({"id": "u1"}) == {"sub": "u1"}
    assert user_to_token({"id": None, "name": "n"}) == {"name": "n"}


@pytest.mark.django_db
def test_user_to_token_from_django_user() -> None:
    user = get_user_model().objects.create_user(
        username="bob", email="b@x.io", first_name="Bob", last_name="Smith"
    )
    assert user_to_token(user) == {"name": "Bob Smith", "email": "b@x.io", "sub": str(user.pk)}
    plain = get_user_model().objects.create_user(username="carol")
    assert user_to_token(plain) == {"name": "carol", "email": "", "sub": str(plain.pk)}


class _ImageFile:
    url = "https://cdn/x.png"

    def __bool__(self) -> bool:
        return True


class _UserWithImage:
    pk = 3
    email = "i@x"

    def __init__(self, image: Any) -> None:
        self.image = image

    def get_full_name(self) -> str:
        return ""

    def get_username(self) -> str:
        return "imgs"


@pytest.mark.parametrize(
    ("image", "picture"),
    [("https://a/b.png", "https://a/b.png"), (_ImageFile(), "https://cdn/x.png"), ("", None)],
)
def test_user_to_token_picture(image: Any, picture: str | None) -> None:
    token = user_to_token(_UserWithImage(image))
    assert token.get("picture") == picture
    assert token["name"] == "imgs" and token["sub"] == "3"


# --- system check E003 ----------------------------------------------------------------------------


def test_check_passes_with_valid_callbacks() -> None:
    with configure(jwt=f"{__name__}.record_jwt", session=async_session, redirect=None):
        assert check_callbacks() == []


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"jwt": "tests.missing.module.fn"}, "['jwt']"),
        ({"session": f"{__name__}.NOT_CALLABLE"}, "['session']"),
        ({"signIn": f"{__name__}.deny"}, "unknown key 'signIn'"),
    ],
)
def test_check_reports_e003_naming_the_key(config: dict[str, Any], fragment: str) -> None:
    with configure(**config):
        errors = check_callbacks()
    assert [e.id for e in errors] == ["django_nextauth.E003"]
    assert fragment in errors[0].msg
    assert errors[0].hint


def test_check_rejects_non_dict() -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": ["jwt"]}):
        errors = check_callbacks()
    assert [e.id for e in errors] == ["django_nextauth.E003"]


def test_manage_py_check_fails_on_bad_path() -> None:
    with (
        configure(redirect="myproject.auth.no_such_redirect"),
        pytest.raises(SystemCheckError, match=r"django_nextauth\.E003.*\['redirect'\]"),
    ):
        call_command("check", databases=[])


class _BareUser:
    pk = None


def test_user_to_token_from_a_bare_user_object() -> None:
    # No name methods, no email, no pk yet: only what NextAuth would have.
    assert user_to_token(_BareUser()) == {"name": None}
