"""The direct read of the session user (``JwtStrategy.direct_user``, issue 21's eighth pass):
it answers as the request's ``SessionState`` would, the same object, or not at all, and a
response through the middleware is the same with it as without it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import RequestFactory, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_nextauth import jwt
from django_nextauth.dialect import dialect
from django_nextauth.middleware import NextAuthMiddleware
from django_nextauth.session import (
    aget_session_user,
    get_session_user,
    login,
    logout,
    peek_session_state,
    session_vary,
)
from django_nextauth.session.base import strategy
from django_nextauth.session.carried import Decoded, Incoming
from django_nextauth.session.jwt import JwtStrategy
from django_nextauth.session.request_state import new_session_state
from django_nextauth.users import ANONYMOUS, AnonymousSessionUser, SessionUser
from tests.conftest import CLAIMS, SECRET

CHUNK = 3933
PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


class StateOnly(JwtStrategy):
    """The JWT strategy without its direct read: every read through the request's state."""

    def direct_user(self, request: HttpRequest) -> SessionUser | AnonymousSessionUser | None:
        return None


class AudienceChecked(JwtStrategy):
    """A site's strategy that refuses tokens for another audience: its decode must run."""

    def decode(self, incoming: Incoming, **kwargs: Any) -> Decoded | None:
        decoded = super().decode(incoming, **kwargs)
        return None if decoded is None or decoded.claim("aud") != "site" else decoded


class HeaderToo(JwtStrategy):
    """A site's strategy that also takes the token from an ``X-Session`` header."""

    def find(self, request: HttpRequest, candidates: Any) -> Incoming:
        incoming = super().find(request, candidates)
        header = request.META.get("HTTP_X_SESSION")
        if incoming.raw is None and header:
            return Incoming(header, False, True, incoming.candidates)
        return incoming


def add_role(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**token, "role": "admin"}


#: The settings that decide whether the direct read may answer.
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "absolute lifetime": {"SESSION": {"ABSOLUTE_MAX_AGE": 600}},
    "sliding": {"SESSION": {"SLIDING": True, "UPDATE_AGE": 0}},
    "jwt callback": {"CALLBACKS": {"jwt": f"{__name__}.add_role"}},
    "revocation": {"SESSION": {"REVOCATION_CACHE": "default"}},
}


def cookie_name(version: str, secure: bool) -> str:
    return dialect(version).cookie("session_token", secure=secure)  # type: ignore[arg-type]


def make(
    version: str,
    secure: bool,
    *,
    age: int = 0,
    secret: str = SECRET,
    max_age: int = 3600,
    **extra: Any,
) -> str:
    """A token for the cookie of ``version`` (``secure``: the ``__Secure-`` name's salt),
    signed in ``age`` seconds ago, with ``extra`` claims."""
    name = cookie_name(version, secure)
    return jwt.encode(
        {**CLAIMS, "auth_time": int(time.time()) - age, **extra},
        secret=secret,
        max_age=max_age,
        salt=dialect(version).salt(name),  # type: ignore[arg-type]
        version=version,  # type: ignore[arg-type]
    )


def chunked(name: str, token: str) -> dict[str, str]:
    return {
        f"{name}.{i}": token[i * CHUNK : (i + 1) * CHUNK] for i in range(-(-len(token) // CHUNK))
    }


def tampered(token: str) -> str:
    head, _, tag = token.rpartition(".")
    return f"{head}.{'A' if tag[0] != 'A' else 'B'}{tag[1:]}"


BIG = "z" * 6000
#: Each kind of request's cookies, from the session cookie's name, the version and ``secure``.
JARS: dict[str, Callable[[str, str, bool], dict[str, str]]] = {
    "signed out": lambda name, version, secure: {},
    "valid": lambda name, version, secure: {name: make(version, secure)},
    "valid, chunked": lambda name, version, secure: chunked(name, make(version, secure, blob=BIG)),
    "expired": lambda name, version, secure: {name: make(version, secure, max_age=-60)},
    "signed in long ago": lambda name, version, secure: {name: make(version, secure, age=3600)},
    "tampered": lambda name, version, secure: {name: tampered(make(version, secure))},
    "wrong secret": lambda name, version, secure: {
        name: make(version, secure, secret="not the secret at all, no")
    },
    "empty": lambda name, version, secure: {name: ""},
    "garbage": lambda name, version, secure: {name: "garbage%20(value)"},
    "plain and chunks": lambda name, version, secure: {
        name: make(version, secure),
        **chunked(name, make(version, secure, blob=BIG)),
    },
}


def jar(kind: str, version: str, secure: bool) -> dict[str, str]:
    """The cookies of one kind of request, the session cookie named for ``secure``."""
    return JARS[kind](cookie_name(version, secure), version, secure)


KINDS = st.sampled_from(list(JARS))


def build_request(
    cookies: dict[str, str], *, https: bool, bearer: str | None = None
) -> HttpRequest:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_PROTO": "https"} if https else {}
    if bearer is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    request = RequestFactory().get("/", **extra)
    request.COOKIES = {"theme": "dark", **cookies}
    return request


def nextauth_settings(version: str, variant: str, **more: Any) -> Any:
    return override_settings(
        SECURE_PROXY_SSL_HEADER=PROXY,
        NEXTAUTH={"SECRET": SECRET, "VERSION": version, **SETTINGS[variant], **more},
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    variant=st.sampled_from(sorted(SETTINGS)),
    version=st.sampled_from(["v4", "v5"]),
    kind=KINDS,
    https=st.booleans(),
    secure_name=st.booleans(),
    bearer=st.booleans(),
)
def test_the_direct_read_is_the_states_user_or_nothing(
    variant: str, version: str, kind: str, https: bool, secure_name: bool, bearer: bool
) -> None:
    with nextauth_settings(version, variant):
        cookies = jar(kind, version, secure_name)
        request = build_request(
            cookies, https=https, bearer=make(version, False) if bearer else None
        )
        direct = strategy().direct_user(request)
        state = new_session_state(request)
        assert direct is None or direct is state.user  # the same object, the cached user
        if direct is not None:
            # A direct answer leaves nothing for the response side to do: no deletion, no
            # renewal, and Vary: Cookie only (no Bearer token was read).
            response = HttpResponse()
            state.settle(response)
            assert not response.cookies and state.vary == ("Cookie",)
        # It answers the reads it is for (a speed trick that never fires is no trick).
        plain_read = variant in ("defaults", "absolute lifetime") and secure_name == https
        if plain_read and kind in ("valid", "valid, chunked"):
            assert isinstance(direct, SessionUser) and direct["email"] == CLAIMS["email"]
        if kind == "signed out" and not bearer:
            assert direct is ANONYMOUS


def respond(view: Callable[[HttpRequest], HttpResponse], request: HttpRequest) -> HttpResponseBase:
    return NextAuthMiddleware(view)(request)  # type: ignore[no-any-return]


def shows_user(request: HttpRequest) -> HttpResponse:
    user = request.session_user  # type: ignore[attr-defined]
    return HttpResponse(f"{user.is_authenticated} {getattr(user, 'pk', None)}")


def outcome(response: HttpResponseBase) -> tuple[Any, ...]:
    """What a client sees, without the parts that differ on every issue (jti, iat)."""
    cookies = sorted(
        (name, morsel["max-age"] == 0 or morsel.value == "")
        for name, morsel in response.cookies.items()
    )
    return response.status_code, response.content, response.get("Vary"), cookies


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    variant=st.sampled_from(sorted(SETTINGS)),
    version=st.sampled_from(["v4", "v5"]),
    kind=KINDS,
    https=st.booleans(),
)
def test_the_middleware_answers_as_without_the_direct_read(
    variant: str, version: str, kind: str, https: bool
) -> None:
    seen = []
    for strategy_path in ("jwt", f"{__name__}.StateOnly"):
        session = {**SETTINGS[variant].get("SESSION", {}), "STRATEGY": strategy_path}
        with nextauth_settings(version, variant, SESSION=session):
            cookies = jar(kind, version, https)
            seen.append(outcome(respond(shows_user, build_request(cookies, https=https))))
    assert seen[0] == seen[1]


@pytest.fixture
def defaults() -> Any:
    with nextauth_settings("v4", "defaults"):
        yield


def test_a_protected_read_builds_no_state(defaults: Any) -> None:
    request = build_request(jar("valid", "v4", False), https=False)

    def view(request: HttpRequest) -> HttpResponse:
        assert request.session_user.is_authenticated  # type: ignore[attr-defined]
        assert peek_session_state(request) is None  # read directly
        assert session_vary(request) == ("Cookie",)
        return HttpResponse("ok")

    response = respond(view, request)
    assert response["Vary"] == "Cookie" and not response.cookies


def test_login_and_logout_after_a_direct_read(defaults: Any) -> None:
    def sign_out(request: HttpRequest) -> HttpResponse:
        assert get_session_user(request).is_authenticated
        logout(request)
        assert not get_session_user(request).is_authenticated  # the state now answers
        return HttpResponse("bye")

    response = respond(sign_out, build_request(jar("valid", "v4", False), https=False))
    assert response.cookies["next-auth.session-token"]["max-age"] == 0

    def sign_in_again(request: HttpRequest) -> HttpResponse:
        assert get_session_user(request).is_authenticated
        login(request, {**CLAIMS, "sub": "2"})
        assert get_session_user(request).pk == "2"
        return HttpResponse("hello")

    response = respond(sign_in_again, build_request(jar("valid", "v4", False), https=False))
    assert response.cookies["next-auth.session-token"].value
    assert response["Vary"] == "Cookie"


@pytest.mark.parametrize("kind", ["expired", "signed in long ago", "tampered"])
def test_a_refused_cookie_is_still_deleted(kind: str) -> None:
    with nextauth_settings("v4", "absolute lifetime"):
        request = build_request(jar(kind, "v4", False), https=False)
        assert strategy().direct_user(request) is None
        response = respond(shows_user, request)
    assert response.content == b"False None"
    assert response.cookies["next-auth.session-token"]["max-age"] == 0


def test_a_bearer_token_is_read_by_the_state(defaults: Any) -> None:
    request = build_request({}, https=False, bearer=make("v4", False))
    assert strategy().direct_user(request) is None
    response = respond(shows_user, request)
    assert response.content == b"True 1"
    assert response["Vary"] == "Cookie, Authorization"


def test_the_async_read_is_direct_too(defaults: Any) -> None:
    request = build_request(jar("valid", "v4", False), https=False)
    user = asyncio.run(aget_session_user(request))
    assert user is get_session_user(request) and user.is_authenticated
    assert peek_session_state(request) is None


def test_a_strategy_that_decodes_its_own_way_is_read_its_way() -> None:
    strategy_path = f"{__name__}.AudienceChecked"
    with nextauth_settings("v4", "defaults", SESSION={"STRATEGY": strategy_path}):
        request = build_request(jar("valid", "v4", False), https=False)  # no "aud": refused
        assert strategy().direct_user(request) is None
        assert respond(shows_user, request).content == b"False None"


def test_a_strategy_that_finds_its_own_way_is_read_its_way() -> None:
    with nextauth_settings("v4", "defaults", SESSION={"STRATEGY": f"{__name__}.HeaderToo"}):
        request = build_request({}, https=False)  # no cookie, no Authorization header
        request.META["HTTP_X_SESSION"] = make("v4", False)
        assert strategy().direct_user(request) is None
        assert respond(shows_user, request).content == b"True 1"
