"""Invariants of the speed tricks on ``GET /api/auth/session`` (issue 21): each gives what the
plain code it replaces gave (docs/architecture.md, "The speed tricks")."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.test import Client, RequestFactory, override_settings
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth import cookies, session_cookie
from django_nextauth.cookies import encode_value, set_cookie
from django_nextauth.flow import context
from django_nextauth.flow.context import build_context, query_value, safe_redirect
from django_nextauth.flow.responses import NO_CACHE, json_response
from django_nextauth.links import _request_origin, site_origin
from django_nextauth.redirects import default_redirect, normalize_origin
from django_nextauth.session_cookie import write_session_cookie

from .conftest import SECRET

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
#: Text a cookie value may be: the base64url alphabet, what encodeURIComponent keeps, and
#: what it must encode (separators, "%", "|", non-ASCII, surrogate-free).
COOKIE_TEXT = st.one_of(
    st.text(alphabet=BASE64URL, max_size=80),
    st.text(alphabet=BASE64URL + "!~*'()|%:/?#[]@$&+,;= \"\\<>^`{}é\u2028😀", max_size=40),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20),
)


# --- cookies.py -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(COOKIE_TEXT)
def test_encode_value_is_encode_uri_component(value: str) -> None:
    assert encode_value(value) == quote(value, safe="!*'()")


def test_a_session_token_is_its_own_encoding(make_token: Any) -> None:
    token = make_token()
    assert encode_value(token) is token  # the shortcut taken
    assert encode_value("a|b") == "a%7Cb"  # and not for what needs encoding


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**33), min_size=1, max_size=6))
def test_the_kept_expiry_date_is_http_date(seconds: list[int]) -> None:
    # Repeats (the kept entry) and changes (a new one) alike give http_date's text.
    for each in [*seconds, *seconds]:
        moment = datetime.fromtimestamp(each, tz=timezone.utc)
        assert cookies._expires(moment) == http_date(each)


@pytest.mark.parametrize("value", sorted(session_cookie._PRIVATE_NO_STORE))
def test_private_no_store_values_are_fixed_points(value: str) -> None:
    response = HttpResponse()
    response["Cache-Control"] = value
    patch_cache_control(response, private=True, no_store=True)
    assert response["Cache-Control"] == value


def test_the_json_routes_cache_control_takes_the_shortcut() -> None:
    assert NO_CACHE["Cache-Control"] in session_cookie._PRIVATE_NO_STORE


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "private, no-store"),
        ("public, max-age=60", "max-age=60, private, no-store"),
        ("no-cache", "no-cache, private, no-store"),
        ("private, no-cache, no-store", "private, no-cache, no-store"),
    ],
)
def test_a_session_write_is_never_stored(before: str | None, after: str) -> None:
    response = HttpResponse()
    if before is not None:
        response["Cache-Control"] = before
    request = RequestFactory().get("/")
    write_session_cookie(
        response,
        request,
        "next-auth.session-token",
        "token",
        secure=False,
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        chunk_size=4000,
    )
    assert response["Cache-Control"] == after
    assert response.cookies["next-auth.session-token"].output(header="") == (
        "next-auth.session-token=token; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; "
        "HttpOnly; SameSite=Lax"
    )


def test_set_cookie_still_encodes() -> None:
    response = HttpResponse()
    set_cookie(response, "next-auth.callback-url", "http://testserver", secure=True)
    assert response.cookies["next-auth.callback-url"].output(header="") == (
        "next-auth.callback-url=http%3A%2F%2Ftestserver; Path=/; HttpOnly; Secure; SameSite=Lax"
    )


# --- flow/responses.py ------------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.datetimes(),  # not JSON: default=str
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_json_response_is_json_dumps(data: Any) -> None:
    expected = json.dumps(data, separators=(",", ":"), default=str)
    assert json_response(data).content == expected.encode()


# --- flow/context.py, links.py ----------------------------------------------------------------

HOSTS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9.-]{0,20}(:[0-9]{1,5})?", fullmatch=True),
    st.from_regex(r"\[[0-9a-f:]{2,12}\](:[0-9]{1,5})?", fullmatch=True),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http", "https", "HTTP", "ftp"]), HOSTS)
def test_default_redirect_keeps_an_origin(scheme: str, host: str) -> None:
    # What the shortcut in safe_redirect assumes, for any text that is an origin or not.
    for base in (f"{scheme}://{host}", normalize_origin(f"{scheme}://{host}")):
        if base is not None:
            assert default_redirect(url=base, base_url=base) == base


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["http", "https"]), HOSTS)
def test_the_request_origin_is_normalize_origin(scheme: str, host: str) -> None:
    expected = normalize_origin(f"{scheme}://{host}")
    assert _request_origin(scheme, host) == expected  # a miss, then a hit
    assert _request_origin(scheme, host) == expected


def test_site_origin_checks_allowed_hosts_on_every_request() -> None:
    request = RequestFactory().get("/", HTTP_HOST="kept.example")
    with override_settings(ALLOWED_HOSTS=["kept.example"]):
        assert site_origin(request) == "http://kept.example"
    with override_settings(ALLOWED_HOSTS=["other.example"]), pytest.raises(DisallowedHost):
        site_origin(RequestFactory().get("/", HTTP_HOST="kept.example"))


def test_a_custom_redirect_callback_sees_the_stored_origin(nextauth: Any) -> None:
    seen: list[str] = []

    def redirect(*, url: str, base_url: str, **kwargs: Any) -> str:
        seen.append(url)
        return base_url + "/elsewhere"

    nextauth(CALLBACKS={"redirect": redirect})
    request = RequestFactory().get("/")
    assert safe_redirect(request, "http://testserver", "http://testserver") == (
        "http://testserver/elsewhere"
    )
    assert seen == ["http://testserver"]


def test_the_session_poll_needs_no_auth_path(
    client: Client, make_token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(request: Any) -> str:
        raise AssertionError("auth_path asked")

    monkeypatch.setattr(context, "auth_path", refused)
    client.cookies["next-auth.session-token"] = make_token()
    response = client.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "alice@example.com"


def test_auth_url_is_the_origin_and_the_mount_path() -> None:
    ctx = build_context(RequestFactory().get("/api/auth/providers"))
    assert ctx.auth_url == "http://testserver/api/auth"


def test_the_polled_session_sets_only_the_session_cookie(client: Client, make_token: Any) -> None:
    client.cookies["next-auth.session-token"] = make_token()
    first = client.get("/api/auth/session")
    assert list(first.cookies) == [
        "next-auth.csrf-token",
        "next-auth.callback-url",
        "next-auth.session-token",
    ]
    # The browser sends back what it got: only the session cookie is re-issued.
    again = client.get("/api/auth/session")
    assert list(again.cookies) == ["next-auth.session-token"]
    assert again["Cache-Control"] == "private, no-cache, no-store"
    assert again["Pragma"] == "no-cache"
    assert again["Expires"] == "0"
    assert SECRET  # the test settings' secret made the token


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcU=&%2Fl:/?#+ é", max_size=30))
def test_query_value_is_request_get(query: str) -> None:
    environ = {"QUERY_STRING": query}
    plain = RequestFactory().get("/", **environ)
    assert query_value(RequestFactory().get("/", **environ), "callbackUrl") == plain.GET.get(
        "callbackUrl"
    )


def test_query_value_sees_a_get_set_on_the_request() -> None:
    request = RequestFactory().get("/")
    request.GET = QueryDict("callbackUrl=/set-by-hand")
    assert query_value(request, "callbackUrl") == "/set-by-hand"
