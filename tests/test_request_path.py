"""Invariants of the warm request path's speed tricks (issue 21, part 2): each trick gives
what the slower code it replaced gave."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import include, path, reverse, set_script_prefix
from django.utils.cache import patch_vary_headers
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth import jwt
from django_nextauth.cookies import decode_value, use_secure_cookies
from django_nextauth.flow import context
from django_nextauth.flow.context import auth_path
from django_nextauth.middleware import NextAuthMiddleware
from django_nextauth.session import session_state
from django_nextauth.session.base import strategy
from django_nextauth.session.request_state import new_session_state
from django_nextauth.session_cookie import _session_cookies, read_chunked
from django_nextauth.views.base import AuthView

NAME = "next-auth.session-token"
PROXY = ("HTTP_X_FORWARDED_PROTO", "https")
ROTATED = "a-rotated-secret-a-rotated-secret-0123456789"


class _mounted_elsewhere:  # noqa: N801 (a URLconf module's stand-in)
    urlpatterns = [path("elsewhere/auth/", include("django_nextauth.urls"))]


def full_scan(cookies: dict[str, str]) -> str | None:
    """read_chunked without its shortcut for no chunk-like key (the scan it skips)."""
    request = RequestFactory().get("/")
    request.COOKIES = cookies
    found = _session_cookies(request, NAME)
    if not found:
        return None
    plain = found.pop(NAME, None)
    if plain is not None:
        return "" if found else decode_value(plain)
    chunks = {int(key[len(NAME) + 1 :]): value for key, value in found.items()}
    if max(chunks) != len(chunks) - 1:
        return ""
    return decode_value("".join(chunks[i] for i in range(len(chunks))))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [NAME, f"{NAME}.0", f"{NAME}.1", f"{NAME}.01", f"{NAME}.x", f"{NAME}x", "theme"]
        ),
        st.sampled_from(["", "a", "b%20c", "%zz"]),
    )
)
def test_read_chunked_shortcut_agrees_with_the_full_scan(cookies: dict[str, str]) -> None:
    request = RequestFactory().get("/")
    request.COOKIES = cookies
    assert read_chunked(request, NAME) == full_scan(cookies)


def plain_session_cookies(cookies: dict[str, str]) -> dict[str, str]:
    """_session_cookies as a plain loop over the jar (what its C prefilter must not change)."""
    found = {}
    for key, value in cookies.items():
        suffix = key[len(NAME) + 1 :]
        chunk = key.startswith(NAME + ".") and suffix.isdigit() and len(suffix) <= 3
        if value and (key == NAME or (chunk and (suffix == "0" or suffix[0] != "0"))):
            found[key] = value
    return found


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [NAME, f"{NAME}.0", f"{NAME}.12", f"{NAME}.01", f"{NAME}.1234", f"{NAME}.x", f"{NAME}x"]
            + ["a", "theme", NAME[:-1]]
        ),
        st.sampled_from(["", "a", "b%20c"]),
    )
)
def test_session_cookies_prefilter_agrees_with_a_plain_loop(cookies: dict[str, str]) -> None:
    request = RequestFactory().get("/")
    request.COOKIES = cookies
    found = _session_cookies(request, NAME)
    assert list(found.items()) == list(plain_session_cookies(cookies).items())  # order too


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [
        ({NAME: "tok", f"{NAME}.x": "y"}, "tok"),  # not a chunk: the plain cookie stands
        ({NAME: "tok", f"{NAME}.0": "y"}, ""),  # a plain cookie next to a chunk: no token
        ({NAME: "tok", "theme": "dark"}, "tok"),
    ],
)
def test_read_chunked_plain_cookie_cases(cookies: dict[str, str], expected: str) -> None:
    request = RequestFactory().get("/")
    request.COOKIES = cookies
    assert read_chunked(request, NAME) == expected


def test_proxy_ssl_header_is_read_again_when_the_setting_changes() -> None:
    # The header is read once per settings snapshot: override_settings must reach it.
    def secure() -> bool:
        request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
        session = session_state(request).name.startswith("__Secure-")
        assert use_secure_cookies(request) is session
        return session

    assert not secure()
    with override_settings(SECURE_PROXY_SSL_HEADER=PROXY):
        assert secure()
    assert not secure()


@pytest.mark.parametrize("header", [None, ("HTTP_X_FORWARDED_PROTO", "https")])
@pytest.mark.parametrize("forwarded", [None, "https", "http", " https , http", "https2"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_is_secure_agrees_with_django(
    header: tuple[str, str] | None, forwarded: str | None, scheme: str
) -> None:
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_PROTO": forwarded}
    with override_settings(SECURE_PROXY_SSL_HEADER=header):
        request = RequestFactory().get("/", secure=scheme == "https", **extra)
        expected = request.is_secure()
        assert session_state(request).name.startswith("__Secure-") is expected
        assert use_secure_cookies(request) is expected  # the CSRF cookie's rule: the same one


def test_auth_views_are_sensitive_once_at_definition() -> None:
    # sensitive_variables wraps dispatch itself (the error reporter looks for this frame),
    # not a method_decorator that re-decorates per request.
    assert AuthView.dispatch.__code__.co_name == "sensitive_variables_wrapper"
    view = AuthView.as_view()
    request = RequestFactory().post("/", {"password": "hunter2"})
    view(request)
    assert request.sensitive_post_parameters == "__ALL__"  # type: ignore[attr-defined]


def run_middleware(cookie: str, view: Callable[..., HttpResponse]) -> tuple[HttpResponse, object]:
    request = RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}")
    response = NextAuthMiddleware(view)(request)
    return response, request


@pytest.mark.parametrize("existing", [None, "Accept-Language", "*", "cookie"])
def test_vary_as_patch_vary_headers_writes_it(
    existing: str | None, make_token: Callable[..., str]
) -> None:
    def view(request: object) -> HttpResponse:
        assert request.session_user.is_authenticated  # type: ignore[attr-defined]
        response = HttpResponse()
        if existing is not None:
            response["Vary"] = existing
        return response

    response, _ = run_middleware(make_token(), view)
    expected = HttpResponse()
    if existing is not None:
        expected["Vary"] = existing
    patch_vary_headers(expected, ("Cookie",))
    assert response["Vary"] == expected["Vary"]


def test_the_sliding_check_copies_no_claims(
    make_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    nextauth: Callable[..., None],
) -> None:
    nextauth(SESSION={"SLIDING": True, "UPDATE_AGE": 3600})
    seen = {}

    def view(request: object) -> HttpResponse:
        assert request.session_user.is_authenticated  # type: ignore[attr-defined]
        seen["state"] = session_state(request)  # type: ignore[arg-type]
        return HttpResponse()

    cookie = make_token(max_age=30 * 86400)
    monkeypatch.setattr(time, "time", lambda real=time.time: real() + 3600 + 60)
    response, _ = run_middleware(cookie, view)
    state = seen["state"]
    assert NAME in response.cookies  # re-issued (older than UPDATE_AGE)
    assert state.issued_at == state.stored_token["iat"]


def test_issued_at_reads_without_copying(make_token: Callable[..., str]) -> None:
    request = RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={make_token()}")
    state = session_state(request)
    assert state.user.is_authenticated
    assert isinstance(state.issued_at, int)
    decoded = state.__dict__["_decoded"]
    assert "claims" not in decoded.__dict__  # no copy made for the check


def test_the_strategy_keeps_the_secrets_of_its_settings_snapshot(
    make_token: Callable[..., str], nextauth: Callable[..., None]
) -> None:
    # Resolved once per strategy (one per settings snapshot), not re-tupled per decode ...
    assert strategy()._secrets is strategy()._secrets  # type: ignore[attr-defined]
    old = make_token()
    # ... and a rotation (a new snapshot) is seen at once: the new secret reads, the old
    # one only while it is still listed.
    nextauth(SECRET=ROTATED)
    assert not session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={old}")).claims
    new = jwt.encode({"sub": "1"}, secret=ROTATED)
    assert session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={new}")).claims


def test_auth_path_is_reversed_once_per_urlconf(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def counting(*args: object, **kwargs: object) -> str:
        calls.append(args)
        return reverse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(context, "reverse", counting)
    request = RequestFactory().get("/")
    expected = reverse("nextauth:index").rstrip("/")
    assert [auth_path(request) for _ in range(3)] == [expected] * 3
    assert len(calls) == 1
    with override_settings(ROOT_URLCONF=_mounted_elsewhere):  # a new URLconf: reversed again
        assert auth_path(request) == "/elsewhere/auth"
    set_script_prefix("/prefix/")
    try:
        assert auth_path(request) == "/prefix" + expected  # reverse() adds the script prefix
    finally:
        set_script_prefix("/")
    assert auth_path(request) == expected
    # once each: the root URLconf, the other one, and (the memo reset when the override
    # ended) the two script prefixes
    assert len(calls) == 4
    assert auth_path(request) == expected
    assert len(calls) == 4


def test_a_warm_hit_decrypts_nothing(
    make_token: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache is asked first; a hit never reaches decrypt,
    # and the clock is still checked on it.
    cookie = make_token(max_age=60)
    assert session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}")).claims

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("decrypted on a cache hit")

    monkeypatch.setattr(jwt, "decrypt", refuse)
    assert session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}")).claims
    monkeypatch.setattr(time, "time", lambda real=time.time: real() + 120)
    assert not session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}")).claims


def test_session_state_is_new_session_state(make_token: Callable[..., str]) -> None:
    # session_state builds the state inline (no override handling): the same cookie names,
    # over http and https, as new_session_state.
    for secure in (False, True):
        request = RequestFactory().get("/", secure=secure)
        assert session_state(request).name == new_session_state(request).name


def test_unset_state_attributes_are_class_defaults_never_shared_values(
    make_token: Callable[..., str],
) -> None:
    # SessionState keeps its rarely-set attributes as class-level defaults (no instance
    # writes per request): what one request records is never seen by another's state.
    cookie = make_token()
    first = session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}"))
    assert first.user.is_authenticated
    first.logout()
    assert first.pending and first.user.is_anonymous
    second = session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={cookie}"))
    assert not second.pending and not second.unavailable
    assert second.user.is_authenticated and second.user is not first.user
    rotated = jwt.encode({"sub": "1"}, secret=ROTATED)
    with_secret = new_session_state(
        RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={rotated}"), secret=ROTATED
    )
    assert with_secret.claims  # the override was kept on that state ...
    # ... and only there
    assert not session_state(RequestFactory().get("/", HTTP_COOKIE=f"{NAME}={rotated}")).claims
