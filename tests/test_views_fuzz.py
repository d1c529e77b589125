"""Malformed input never gives a 500 (and never a session without CSRF).

Targeted cases for each way a request can be broken (method, body, header,
cookie, query, host), each sent to the routes that read it, then Hypothesis,
with a fixed budget, throws arbitrary bodies at the routes past a valid CSRF
token so they reach ``authorize``, the callbacks and the session update.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import json_like

FORM = "application/x-www-form-urlencoded"

#: Every kind of route: JSON, page, provider-addressed (known, unknown, hostile), unknown.
ROUTES = [
    "csrf",
    "providers",
    "session",
    "signin",
    "signin/nope",
    "callback/credentials",
    "callback/%E2%80%AE%00",
    "signout",
    "error",
    "_log",
    "webauthn-options/credentials",
    "x" * 2000,
    "../csrf",
]
#: The routes that parse a body.
PARSING = ["session", "signin/credentials", "callback/credentials", "signout", "_log"]
METHODS = ["GET", "POST", "PUT", "HEAD", "OPTIONS", "FOO"]

#: (content type, body) pairs: broken, mistyped, oversized or hostile.
BODIES: list[tuple[str, bytes | str]] = [
    ("application/json", '{"csrfToken": '),
    ("application/json", "[1, 2, 3]"),
    ("application/json", "1e999999"),
    ("application/json", "[" * 100_000 + "]" * 100_000),
    ("application/json", b"\xff\xfe{\x00}"),
    ("application/json", json.dumps({"csrfToken": ["a"], "username": {"$ne": None}, "json": 1})),
    (FORM, b"username=\xff\xfe&password=\x00&csrfToken=%zz&callbackUrl=%"),
    (FORM, "&".join(f"f{i}=v" for i in range(1500))),  # Django's field limit: 1000
    (FORM, "password=" + "a" * (3 * 1024 * 1024)),  # Django's body limit: 2.5 MB
    ("text/plain", "csrfToken=abc&username=alice&password=pw"),
    ("", "csrfToken=abc"),
    ("application/x-www-form-urlencoded; charset=utf-16", "a=b"),
]
#: Broken headers and cookies.
HEADERS: list[dict[str, str]] = [
    {"HTTP_AUTHORIZATION": "Bearer %zz"},
    {"HTTP_AUTHORIZATION": "Bearer " + "A" * 70_000},
    {"HTTP_COOKIE": "next-auth.csrf-token=%zz%7C; authjs.csrf-token=\u00e9|\u00e9"},
    {"HTTP_COOKIE": "next-auth.session-token=a; next-auth.session-token.0=b; authjs.x=c"},
    {"HTTP_COOKIE": "next-auth.session-token.0=" + "A" * 4000 + "; next-auth.session-token.5=B"},
    {"HTTP_COOKIE": "next-auth.callback-url=javascript%3Aalert(1); authjs.callback-url=%"},
    {"HTTP_COOKIE": '"; ;;=;=='},
    {"HTTP_ACCEPT": "application/json;q=x", "HTTP_X_FORWARDED_FOR": "garbage, ,"},
    {"HTTP_ORIGIN": "null", "HTTP_REFERER": "::"},
]
QUERIES = ["?callbackUrl=%zz&error=%", "?error=" + "A" * 10_000, "?csrf=true&json=true"]


def _no_session_cookie(response: Any) -> bool:
    return not any("session-token" in name and m.value for name, m in response.cookies.items())


@pytest.mark.django_db
def test_every_route_and_method(client: Client, version: str) -> None:
    for route in ROUTES:
        for method in METHODS:
            response = client.generic(method, f"/api/auth/{route}")
            assert response.status_code < 500, (method, route)
            assert _no_session_cookie(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("content_type", "body"), BODIES, ids=range(len(BODIES)))
def test_malformed_bodies(client: Client, version: str, content_type: str, body: Any) -> None:
    # An empty Content-Type stands for a missing one (Django 4.2's client always sends one).
    for route in PARSING:
        response = client.generic("POST", f"/api/auth/{route}", body, content_type=content_type)
        assert response.status_code < 500, route
        assert _no_session_cookie(response)


@pytest.mark.django_db
def test_malformed_headers_cookies_and_queries(client: Client, version: str) -> None:
    requests = [(headers, "") for headers in HEADERS] + [({}, query) for query in QUERIES]
    for headers, query in requests:
        for route in ("session", "signin", "callback/credentials", "signout", "error", "csrf"):
            for method in ("GET", "POST"):
                response = client.generic(
                    method, f"/api/auth/{route}{query}", "username=a", FORM, **headers
                )
                assert response.status_code < 500, (route, method, headers, query)
                assert _no_session_cookie(response)


@pytest.mark.parametrize("host", ["evil.com", "testserver:99999", "[::1", "a b", ""])
def test_bad_host_header(client: Client, version: str, host: str) -> None:
    assert client.get("/api/auth/session", HTTP_HOST=host).status_code == 400


# --- past the CSRF check ------------------------------------------------------------

JSON_VALUES = json_like(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    keys=st.text(max_size=10),
    max_size=4,
    max_leaves=20,
)
BODY_KEYS = st.sampled_from(
    ["username", "password", "email", "callbackUrl", "json", "redirect", "data", "csrfToken", "x"]
)


@pytest.fixture
def fuzz_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("fuzz", password="pw")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(["callback/credentials", "session", "signout", "signin/credentials"]),
    fields=st.dictionaries(BODY_KEYS, JSON_VALUES, max_size=6),
    as_json=st.booleans(),
    header=st.booleans(),
)
def test_arbitrary_bodies_with_a_valid_csrf_token(
    version: str, fuzz_user: Any, route: str, fields: dict[str, Any], as_json: bool, header: bool
) -> None:
    cache.clear()
    client = Client()
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": "fuzz", "password": "pw", "csrfToken": token}
    signed_in = client.post("/api/auth/callback/credentials", urlencode(body), content_type=FORM)
    assert signed_in["Location"] == "http://testserver"  # signed in, not sent to /error
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
