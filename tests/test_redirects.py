"""Redirect safety: the default ``redirect`` callback and every endpoint that redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from django.core.exceptions import DisallowedHost
from django.test import Client, RequestFactory, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.links import site_origin
from django_nextauth.redirects import (
    MAX_URL_LENGTH,
    default_redirect,
    normalize_origin,
)
from tests.conftest import system_checks
from tests.interop.nodejs import run_node

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


def test_default_redirect_keeps_hostile_urls_on_site() -> None:
    left = [url for url in HOSTILE if default_redirect(url=url, base_url=BASE) != BASE]
    assert left == []


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            "".join,
            st.lists(
                st.sampled_from(
                    [
                        "/",
                        "\\",
                        "%2F",
                        "%5C",
                        "%25",
                        "\t",
                        "evil.com",
                        "@",
                        ":",
                        "http:",
                        "testserver",
                        "?",
                        "#",
                        ".",
                        "\u3002",
                    ]
                ),
                max_size=8,
            ),
        ),
    )
)
def test_default_redirect_never_leaves_the_site(url: str) -> None:
    result = default_redirect(url=url, base_url=BASE)
    assert result == BASE or result.startswith(BASE + "/")
    assert normalize_origin(result) == BASE


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
    with override_settings(NEXTAUTH={"SECRET": "redirect-tests-secret", "URL": url}):
        # The request's own host does not matter, even one ALLOWED_HOSTS refuses.
        assert site_origin(rf.get("/", HTTP_HOST="evil.com")) == origin


# --- through the endpoints: each passes callbackUrl through the same check -------------

#: A few hostile values of each kind; the full battery runs against the function above.
SAMPLE = [
    "//evil.com",
    "/%2F%2Fevil.com",
    "https://evil.com",
    "javascript:alert(1)",
    "http://testserver@evil.com/",
    "/\t/evil.com",
]
FORM = "application/x-www-form-urlencoded"


def _csrf(client: Client) -> str:
    token: str = client.get("/api/auth/csrf").json()["csrfToken"]
    return token


def _cookie(client: Client, name: str) -> str:
    return unquote(client.cookies[name].value)


def _post(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, urlencode(data), content_type=FORM, **extra)


def _cookie_prefix(version: str) -> str:
    return "next-auth" if version == "v4" else "authjs"


@pytest.mark.django_db
def test_sign_in_json_url_stays_on_site(client: Client, alice: Any, version: str) -> None:
    for url in SAMPLE:
        token = _csrf(client)
        body = {"username": "alice", "password": "pw", "csrfToken": token, "callbackUrl": url}
        response = _post(client, "/api/auth/callback/credentials", {**body, "json": "true"})
        assert (response.status_code, response.json()) == (200, {"url": BASE})
        assert _cookie(client, f"{_cookie_prefix(version)}.callback-url") == BASE


def test_sign_out_location_stays_on_site(client: Client, version: str) -> None:
    for url in SAMPLE:
        response = _post(
            client, "/api/auth/signout", {"csrfToken": _csrf(client), "callbackUrl": url}
        )
        assert (response.status_code, response["Location"]) == (302, BASE)


def test_hostile_callback_url_cookie_is_replaced(client: Client, version: str) -> None:
    name = f"{_cookie_prefix(version)}.callback-url"
    for url in SAMPLE:
        client.cookies[name] = quote(url, safe="!*'()")  # as encodeURIComponent writes it
        token = _csrf(client)
        response = _post(
            client, "/api/auth/signout", {"csrfToken": token}, HTTP_X_AUTH_RETURN_REDIRECT="1"
        )
        assert response.json() == {"url": BASE}
        assert _cookie(client, name) == BASE


def test_hostile_query_callback_url_on_pages(client: Client, version: str) -> None:
    for url in SAMPLE:
        response = client.get("/api/auth/signin", {"callbackUrl": url})
        assert response.status_code == 200
        assert _cookie(client, f"{_cookie_prefix(version)}.callback-url") == BASE
        assert b"evil" not in response.content


def test_on_site_callback_url_is_kept(client: Client, version: str) -> None:
    for url, expected in ON_SITE[:4]:
        token = _csrf(client)
        response = _post(
            client, "/api/auth/signout", {"csrfToken": token, "callbackUrl": url, "json": "true"}
        )
        assert response.json() == {"url": expected}


def hostile_sign_in_callback(**kwargs: Any) -> str:
    return str(kwargs["credentials"]["next"])


@pytest.mark.django_db
def test_sign_in_callback_string_goes_through_redirect_check(
    client: Client, alice: Any, nextauth: Any
) -> None:
    nextauth(CALLBACKS={"sign_in": f"{__name__}.hostile_sign_in_callback"})
    for url in SAMPLE:
        body = {"username": "alice", "password": "pw", "csrfToken": _csrf(client), "next": url}
        response = _post(client, "/api/auth/callback/credentials", body)
        assert (response.status_code, response["Location"]) == (302, BASE)


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
    with override_settings(NEXTAUTH={"SECRET": "redirect-tests-secret", "URL": url}):
        ids = [m.id for m in system_checks()]
    assert ("django_nextauth.E006" not in ids) == ok


def test_unusable_url_setting_falls_back_to_the_request(rf: RequestFactory) -> None:
    with override_settings(
        NEXTAUTH={"SECRET": "redirect-tests-secret", "URL": "ftp://example.com"}
    ):
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
    nextauth = {
        "SECRET": "redirect-tests-secret",
        "CALLBACKS": {"redirect": f"{__name__}.{callback}"},
    }
    with override_settings(NEXTAUTH=nextauth):
        token = _csrf(client)
        response = _post(
            client,
            "/api/auth/signout",
            {"csrfToken": token, "callbackUrl": "/anything", "json": "true"},
        )
    assert response.json() == {"url": expected}
    assert "secret" not in caplog.text
