"""A request served through NextAuthMiddleware is freed when its response is closed, not left
a reference cycle for the garbage collector (django_nextauth/lazy.py, ``SessionState.settle``;
``bench/cycles.py`` prints what the cycles cost)."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.test import RequestFactory, override_settings

from django_nextauth.lazy import LazyRequestAttribute, RequestCall
from django_nextauth.session import session_state

SEEN: list[weakref.ref[HttpRequest]] = []


class Recorder:
    """Listed after NextAuthMiddleware: keeps a weak reference to every request it sees."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        SEEN.append(weakref.ref(request))
        return self.get_response(request)


@pytest.fixture
def app(nextauth: Callable[..., None]) -> Iterator[WSGIHandler]:
    nextauth(SET_REQUEST_USER=True)
    middleware = ["django_nextauth.middleware.NextAuthMiddleware", f"{__name__}.Recorder"]
    with override_settings(MIDDLEWARE=middleware):
        yield WSGIHandler()


def environ(path: str, cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }


def start_response(status: str, headers: list[tuple[str, str]]) -> None:
    assert status.startswith("200"), status


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/untouched/",  # the session never read
        "/whoami/",  # request.session_user, read directly (no state)
        "/awhoami/",  # await request.asession_user()
        "/token/",  # request.session_token: the request's SessionState
        "/sign-in-as/",  # a login written by the middleware
        "/session/",  # request.nextauth_session and get_server_session
        "/django-user/",  # request.user (SET_REQUEST_USER)
        "/adjango-user/",  # await request.auser()
        "/api/auth/session",  # the poll: the session re-issued, the CSRF cookie minted
    ],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_request_is_freed_when_its_response_is_closed(
    app: WSGIHandler,
    make_token: Callable[..., str],
    session_cookie: str,
    path: str,
    signed_in: bool,
) -> None:
    cookie = f"{session_cookie}={make_token()}" if signed_in else "theme=dark"
    app(environ(path, cookie), start_response).close()  # URL resolution and imports warmed up
    gc.collect()
    gc.disable()  # only reference counting frees anything now
    try:
        app(environ(path, cookie), start_response).close()
        assert SEEN[-1]() is None, "the request outlived its response: a reference cycle"
    finally:
        gc.enable()


def test_a_lazy_attribute_first_read_after_its_request_is_gone_says_so() -> None:
    request = RequestFactory().get("/")
    lazy = LazyRequestAttribute(lambda r: r.path, request)
    call = RequestCall(lambda r: r.path, request)
    kept = LazyRequestAttribute(lambda r: r.path, request)
    assert kept == "/"
    del request
    with pytest.raises(ReferenceError, match="while the request is served"):
        bool(lazy)
    with pytest.raises(ReferenceError):
        call()
    assert kept == "/"  # a value read in time stays


def test_a_state_made_apart_keeps_its_request_until_settled() -> None:
    """``session_state(request)`` without the middleware holds the request until its
    response is settled: a caller may drop the request and still read the state."""
    state = session_state(RequestFactory().get("/"))
    assert state.claims is None and state.request.path == "/"
