"""Malformed input to every route never gives a 500 (and never a session without CSRF).

Every route x every method x a catalogue of broken bodies, headers, cookies and
query strings, for both wire versions; then Hypothesis throws arbitrary JSON
bodies at the routes that parse them, with a valid CSRF token so the requests
reach ``authorize``, the callbacks and the session update.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECRET = "fuzz-tests-secret"
FORM = "application/x-www-form-urlencoded"

ROUTES = [
    "",
    "csrf",
    "providers",
    "session",
    "signin",
    "signin/credentials",
    "signin/nope",
    "callback/credentials",
    "callback/nope",
    "callback/%E2%80%AE%00",
    "signout",
    "error",
    "_log",
    "verify-request",
    "webauthn-options/credentials",
    "x" * 2000,
    "csrf/",
    "../csrf",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"]

_DEEP = "[" * 100_000 + "]" * 100_000
#: (content type, body) pairs: broken, mistyped, oversized or hostile.
BODIES: list[tuple[str, bytes | str]] = [
    (FORM, ""),
    ("application/json", ""),
    ("application/json", '{"csrfToken": '),
    ("application/json", "[1, 2, 3]"),
    ("application/json", '"just a string"'),
    ("application/json", "null"),
    ("application/json", "1e999999"),
    ("application/json", "NaN"),
    ("application/json", _DEEP),
    ("application/json", '{"data": ' + "[" * 5000 + "]" * 5000 + "}"),
    ("application/json", b"\xff\xfe{\x00}"),
    ("application/json; charset=latin-1", '{"csrfToken": "\u00e9"}'),
    (
        "application/json",
        json.dumps(
            {
                "csrfToken": ["a", "b"],
                "callbackUrl": {"u": 1},
                "username": {"$ne": None},
                "password": ["x"],
                "json": "TRUE",
                "data": {"name": ["x"] * 100},
            }
        ),
    ),
    ("application/json", json.dumps({"csrfToken": 7, "callbackUrl": 7, "username": 7})),
    ("application/json", json.dumps({"username": "a\x00b", "password": "\ud800"})),
    (FORM, "csrfToken=%zz&callbackUrl=%&username=%C0%AF"),
    (FORM, b"username=\xff\xfe&password=\x00"),
    (FORM, "csrfToken&csrfToken&json&json=true&json=TRUE"),
    (FORM, "callbackUrl=" + "%2F" * 5000),
    (FORM, "&".join(f"f{i}=v" for i in range(1500))),  # Django's field limit: 1000
    (FORM, "password=" + "a" * (3 * 1024 * 1024)),  # Django's body limit: 2.5 MB
    ("multipart/form-data; boundary=xyz", "garbage without boundaries"),
    ("multipart/form-data", "no boundary parameter"),
    ("text/plain", "csrfToken=abc&username=alice&password=pw"),
    ("application/xml", "<csrfToken>abc</csrfToken>"),
    ("", "csrfToken=abc"),
    ("application/x-www-form-urlencoded; charset=utf-16", "a=b"),
]
HEADERS: list[dict[str, str]] = [
    {},
    {"HTTP_X_AUTH_RETURN_REDIRECT": "1"},
    {"HTTP_AUTHORIZATION": "Bearer %zz"},
    {"HTTP_AUTHORIZATION": "Bearer " + "A" * 70_000},
    {"HTTP_COOKIE": "next-auth.csrf-token=%zz%7C; authjs.csrf-token=\u00e9|\u00e9"},
    {"HTTP_COOKIE": "next-auth.session-token=a; next-auth.session-token.0=b; authjs.x=c"},
    {"HTTP_COOKIE": "next-auth.session-token.0=" + "A" * 4000 + "; next-auth.session-token.5=B"},
    {"HTTP_COOKIE": "next-auth.callback-url=javascript%3Aalert(1); authjs.callback-url=%"},
    {"HTTP_COOKIE": '"; ;;=;=='},
    {"HTTP_ACCEPT": "application/json;q=x", "HTTP_X_FORWARDED_FOR": "garbage, ,"},
]
QUERIES = [
    "",
    "?callbackUrl=%zz&error=%",
    "?error=" + "A" * 10_000,
    "?csrf=true&csrfToken=x&json=true",
]


@pytest.fixture(params=["v4", "v5"])
def version(request: pytest.FixtureRequest) -> Iterator[str]:
    cache.clear()
    with override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": request.param}):
        yield request.param


def _no_session_cookie(response: Any) -> bool:
    return not any("session-token" in name and m.value for name, m in response.cookies.items())


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_every_route_and_method(client: Client, version: str, route: str, method: str) -> None:
    response = client.generic(method, f"/api/auth/{route}")
    assert response.status_code < 500
    assert _no_session_cookie(response)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES[:13])
@pytest.mark.parametrize(("content_type", "body"), BODIES)
def test_malformed_bodies(
    client: Client, version: str, route: str, content_type: str, body: bytes | str
) -> None:
    # An empty Content-Type stands for a missing one (Django 4.2's client always sends one).
    response = client.generic("POST", f"/api/auth/{route}", body, content_type=content_type)
    assert response.status_code < 500
    assert _no_session_cookie(response)


#: Each broken header or cookie with a plain query, and each broken query without them.
REQUESTS = [(headers, "") for headers in HEADERS] + [({}, query) for query in QUERIES[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES[:13])
@pytest.mark.parametrize(("headers", "query"), REQUESTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_malformed_headers_cookies_and_queries(
    client: Client, version: str, route: str, headers: dict[str, str], query: str, method: str
) -> None:
    response = client.generic(method, f"/api/auth/{route}{query}", "username=a", FORM, **headers)
    assert response.status_code < 500
    assert _no_session_cookie(response)


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.com", "testserver:99999", "[::1", "a b", ""])
def test_bad_host_header(client: Client, version: str, host: str) -> None:
    response = client.get("/api/auth/session", HTTP_HOST=host)
    assert response.status_code == 400


# --- past the CSRF check ------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
BODY_KEYS = st.sampled_from(
    ["username", "password", "email", "callbackUrl", "json", "redirect", "data", "csrfToken", "x"]
)


def _signed_in_client(version: str) -> tuple[Client, str]:
    client = Client()
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": "fuzz", "password": "pw", "csrfToken": token}
    signed_in = client.post("/api/auth/callback/credentials", urlencode(body), content_type=FORM)
    assert signed_in["Location"] == "http://testserver"  # signed in, not sent to /error
    return client, token


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(["callback/credentials", "session", "signout", "signin/credentials"]),
    fields=st.dictionaries(BODY_KEYS, JSON_VALUES, max_size=6),
    as_json=st.booleans(),
    header=st.booleans(),
)
def test_arbitrary_bodies_with_a_valid_csrf_token(
    route: str, fields: dict[str, Any], as_json: bool, header: bool
) -> None:
    users = get_user_model().objects
    if not users.filter(username="fuzz").exists():
        users.create_user("fuzz", password="pw")  # type: ignore[attr-defined]
    cache.clear()
    for version in ("v4", "v5"):
        with override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": version}):
            client, token = _signed_in_client(version)
            body = {**fields, "csrfToken": token}
            extra = {"HTTP_X_AUTH_RETURN_REDIRECT": "1"} if header else {}
            if as_json:
                payload, content_type = json.dumps(body), "application/json"
            else:
                flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
                payload, content_type = urlencode(flat), FORM
            response = client.generic("POST", f"/api/auth/{route}", payload, content_type, **extra)
            assert response.status_code < 500
            if route == "callback/credentials" and response.status_code == 200:
                # JSON mode: the url is absolute and on this site.
                assert response.json()["url"].startswith("http://testserver")
