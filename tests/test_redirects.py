"""Redirect safety: the default ``redirect`` callback and every endpoint that redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from django.core.checks import run_checks
from django.core.exceptions import DisallowedHost
from django.test import Client, RequestFactory, override_settings

from django_nextauth.redirects import (
    MAX_URL_LENGTH,
    default_redirect,
    normalize_origin,
    site_origin,
)
from tests.interop.nodejs import run_node

SECRET = "redirect-tests-secret"
BASE = "http://testserver"

#: Values an attacker may put in callbackUrl (body, query or cookie). None may leave the site.
HOSTILE = [
    "//evil.com",
    "///evil.com",
    "////evil.com",
    "//evil.com/%2F..",
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/%2F%2Fevil.com",
    "/%252F%252Fevil.com",
    "/%25252F%25252Fevil.com",
    "%2F%2Fevil.com",
    "/%5Cevil.com",
    "/%5C%5Cevil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n//evil.com",
    "\t//evil.com",
    " //evil.com",
    "\x00//evil.com",
    "/\u200b/evil.com",
    "/\u2028/evil.com",
    "/\u3000/evil.com",
    "https://evil.com",
    "http://evil.com/",
    "http://evil.com:80/",
    "https://evil.com/http://testserver",
    "http://testserver.evil.com/",
    "http://TESTSERVER.evil.com/",
    "http://evil-testserver/",
    "http://testserver@evil.com/",
    "http://testserver:80@evil.com/",
    "http://user:pass@testserver/",
    "//testserver@evil.com",
    "http://evil.com\\@testserver/",
    "http://testserver\\@evil.com/",
    "http://evil.com#@testserver",
    "http://evil.com?@testserver",
    "http://testserver%2eevil.com/",
    "http://testserver%40evil.com/",
    "http://evil.com%2f@testserver/",
    "https:evil.com",
    "http:/evil.com",
    "http:\\\\evil.com",
    "http:/\\evil.com",
    "http://testserver:8080/",
    "https://testserver/",
    "http://test\u0455erver/",  # Cyrillic "dze", looks like "s"
    "http://testserver\uff0fevil.com/",  # fullwidth solidus
    "http://testserver\u3002evil.com/",  # ideographic full stop
    "http://xn--testrver-1fb.com/",
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://0x7f.1/",
    "http://[testserver/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://testserver/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://testserver/",
    "evil.com",
    "testserver.evil.com/",
    "?next=//evil.com",
    "#//evil.com",
    "/" + "a" * MAX_URL_LENGTH,
]

#: Legitimate values and what the default callback makes of them.
ON_SITE = [
    ("/", BASE + "/"),
    ("/dashboard", BASE + "/dashboard"),
    ("/a/b?c=d&e=%2F#frag", BASE + "/a/b?c=d&e=%2F#frag"),
    ("/path%20with%20spaces", BASE + "/path%20with%20spaces"),
    ("http://testserver", "http://testserver"),
    ("http://testserver/profile?tab=1", "http://testserver/profile?tab=1"),
]


def test_battery_is_large_enough() -> None:
    assert len(HOSTILE) >= 30
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("url", HOSTILE)
def test_default_redirect_keeps_hostile_urls_on_site(url: str) -> None:
    assert default_redirect(url=url, base_url=BASE) == BASE


@pytest.mark.parametrize(("url", "expected"), ON_SITE)
def test_default_redirect_allows_relative_and_same_origin(url: str, expected: str) -> None:
    assert default_redirect(url=url, base_url=BASE) == expected


def test_default_redirect_with_https_base_and_port() -> None:
    base = "https://example.com:8443"
    assert default_redirect(url="/x", base_url=base) == base + "/x"
    assert default_redirect(url="https://example.com:8443/y", base_url=base) == base + "/y"
    assert default_redirect(url="https://example.com/y", base_url=base) == base
    assert default_redirect(url="http://example.com:8443/y", base_url=base) == base


def test_default_redirect_ipv6_base() -> None:
    base = "http://[::1]:8000"
    assert default_redirect(url="http://[::1]:8000/a", base_url=base) == base + "/a"
    assert default_redirect(url="http://[::2]:8000/a", base_url=base) == base


@pytest.mark.parametrize("url", [None, 42, ["/x"], {"u": "/x"}, b"/x", ""])
def test_default_redirect_non_strings(url: Any) -> None:
    assert default_redirect(url=url, base_url=BASE) == BASE


def test_default_redirect_unusable_base_returns_it() -> None:
    assert default_redirect(url="/x", base_url="not a url") == "not a url"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("HTTP://Example.COM:80/x", "http://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("https://example.com:8443/", "https://example.com:8443"),
        ("http://[::1]:80/", "http://[::1]"),
        ("ftp://example.com", None),
        ("http://u@example.com", None),
        ("http://example.com:99999", None),
        ("http://ex\u00e1mple.com", None),
        ("http:///nohost", None),
    ],
)
def test_normalize_origin(url: str, origin: str | None) -> None:
    assert normalize_origin(url) == origin


def test_site_origin_from_request(rf: RequestFactory) -> None:
    assert site_origin(rf.get("/", HTTP_HOST="LocalHost:8000")) == "http://localhost:8000"
    assert site_origin(rf.get("/", secure=True)) == "https://testserver"


def test_site_origin_refuses_hosts_not_allowed(rf: RequestFactory) -> None:
    with pytest.raises(DisallowedHost):
        site_origin(rf.get("/", HTTP_HOST="evil.com"))


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://example.com/api/auth", "https://example.com"),
        ("example.com", "https://example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
    ],
)
def test_site_origin_from_setting(rf: RequestFactory, url: str, origin: str) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "URL": url}):
        # The request's own host does not matter, even one ALLOWED_HOSTS refuses.
        assert site_origin(rf.get("/", HTTP_HOST="evil.com")) == origin


# --- through the endpoints ------------------------------------------------------------


def _csrf(client: Client) -> str:
    token: str = client.get("/api/auth/csrf").json()["csrfToken"]
    return token


def _cookie(client: Client, name: str) -> str:
    return unquote(client.cookies[name].value)


@pytest.fixture(params=["v4", "v5"])
def version(request: pytest.FixtureRequest) -> Any:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": request.param}):
        yield request.param


def _cookie_prefix(version: str) -> str:
    return "next-auth" if version == "v4" else "authjs"


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE)
def test_sign_in_json_url_stays_on_site(
    client: Client, django_user_model: Any, version: str, url: str
) -> None:
    django_user_model.objects.create_user("alice", password="pw")
    token = _csrf(client)
    body = {"username": "alice", "password": "pw", "csrfToken": token, "callbackUrl": url}
    response = client.post(
        "/api/auth/callback/credentials",
        urlencode({**body, "json": "true"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json() == {"url": BASE}
    assert _cookie(client, f"{_cookie_prefix(version)}.callback-url") == BASE


@pytest.mark.parametrize("url", HOSTILE)
def test_sign_out_location_stays_on_site(client: Client, version: str, url: str) -> None:
    token = _csrf(client)
    response = client.post("/api/auth/signout", {"csrfToken": token, "callbackUrl": url})
    assert response.status_code == 302
    assert response["Location"] == BASE


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_callback_url_cookie_is_replaced(client: Client, version: str, url: str) -> None:
    name = f"{_cookie_prefix(version)}.callback-url"
    client.cookies[name] = quote(url, safe="!*'()")  # as encodeURIComponent writes it
    token = _csrf(client)
    response = client.post(
        "/api/auth/signout", {"csrfToken": token}, HTTP_X_AUTH_RETURN_REDIRECT="1"
    )
    assert response.json() == {"url": BASE}
    assert _cookie(client, name) == BASE


@pytest.mark.parametrize("url", HOSTILE[:20])
def test_hostile_query_callback_url_on_pages(client: Client, version: str, url: str) -> None:
    response = client.get("/api/auth/signin", {"callbackUrl": url})
    assert response.status_code == 200
    assert _cookie(client, f"{_cookie_prefix(version)}.callback-url") == BASE
    assert b"evil" not in response.content


@pytest.mark.parametrize(("url", "expected"), ON_SITE[:4])
def test_on_site_callback_url_is_kept(
    client: Client, version: str, url: str, expected: str
) -> None:
    token = _csrf(client)
    response = client.post(
        "/api/auth/signout", {"csrfToken": token, "callbackUrl": url, "json": "true"}
    )
    assert response.json() == {"url": expected}


def hostile_sign_in_callback(**kwargs: Any) -> str:
    return str(kwargs["credentials"]["next"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE[::3])
def test_sign_in_callback_string_goes_through_redirect_check(
    client: Client, django_user_model: Any, url: str
) -> None:
    django_user_model.objects.create_user("alice", password="pw")
    callbacks = {"sign_in": f"{__name__}.hostile_sign_in_callback"}
    with override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": callbacks}):
        token = _csrf(client)
        response = client.post(
            "/api/auth/callback/credentials",
            {"username": "alice", "password": "pw", "csrfToken": token, "next": url},
        )
    assert response.status_code == 302
    assert response["Location"] == BASE


@pytest.mark.interop
def test_browser_url_parser_agrees_nothing_leaves_the_site() -> None:
    """WHATWG URL parsing (what browsers do) of every answer gives the site's origin."""
    results = [default_redirect(url=url, base_url=BASE) for url in HOSTILE]
    results += [default_redirect(url=url, base_url=BASE) for url, _ in ON_SITE]
    origins = run_node("client_peer.mjs", {"op": "origins", "urls": results})
    assert origins == [BASE] * len(results)


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://example.com", True), ("example.com", True), ("ftp://x", False), (5, False)],
)
def test_url_setting_check_e006(url: Any, ok: bool) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "URL": url}):
        ids = [m.id for m in run_checks()]
    assert ("django_nextauth.E006" not in ids) == ok


def test_unusable_url_setting_falls_back_to_the_request(rf: RequestFactory) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "URL": "ftp://example.com"}):
        assert site_origin(rf.get("/")) == "http://testserver"


def test_deeply_encoded_paths_are_refused() -> None:
    url = "/%2525252525252525252Fx"  # still decoding after several rounds
    assert default_redirect(url=url, base_url=BASE) == BASE


# --- custom redirect callbacks: trusted, but the answer is always an absolute URL ------


def partner_redirect(**kwargs: Any) -> str:
    return "https://partner.example/welcome"


def relative_redirect(**kwargs: Any) -> str:
    return "/relative"


def root_redirect(**kwargs: Any) -> str:
    return "/"


def scheme_relative_redirect(**kwargs: Any) -> str:
    return "//evil.com"


def non_string_redirect(**kwargs: Any) -> Any:
    return ["/x"]


def broken_redirect(**kwargs: Any) -> str:
    raise RuntimeError("redirect callback secret")


@pytest.mark.parametrize(
    ("callback", "expected"),
    [
        ("partner_redirect", "https://partner.example/welcome"),
        ("relative_redirect", BASE + "/relative"),
        ("root_redirect", BASE + "/"),
        ("scheme_relative_redirect", BASE),
        ("non_string_redirect", BASE),
        ("broken_redirect", BASE),
    ],
)
def test_custom_redirect_callback(
    client: Client, callback: str, expected: str, caplog: Any
) -> None:
    nextauth = {"SECRET": SECRET, "CALLBACKS": {"redirect": f"{__name__}.{callback}"}}
    with override_settings(NEXTAUTH=nextauth):
        token = _csrf(client)
        response = client.post(
            "/api/auth/signout", {"csrfToken": token, "callbackUrl": "/anything", "json": "true"}
        )
    assert response.json() == {"url": expected}
    assert "secret" not in caplog.text
