"""The request path against the real next-auth 4 / @auth/core packages (request_peer.mjs).

* Session cookies minted by the packages' own encode + SessionStore (chunked, ``__Secure-``)
  give the right ``request.session_user`` through NextAuthMiddleware.
* Our Set-Cookie strings equal what their serializers and SessionStore write.
* Sessions we issue are read back by their ``getToken``; Bearer handling matches theirs.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from django_nextauth import get_token
from django_nextauth.cookies import cookie_name, serialize
from django_nextauth.dialect import dialect
from django_nextauth.session import issue_session
from django_nextauth.session_cookie import clear_session_cookie, write_session_cookie
from tests.interop.nodejs import run_node

pytestmark = pytest.mark.interop

SECRET = "request-interop-secret-0123456789abcdef"
CLAIMS = {"name": "Ada Lovelace", "email": "ada@example.com", "picture": None, "sub": "42"}
BIG_CLAIMS = {**CLAIMS, "bio": "x" * 6000}
VERSIONS = ("v4", "v5")
EXPIRES = datetime(2026, 12, 27, 13, 1, 28, tzinfo=timezone.utc)
EXPIRES_MS = int(EXPIRES.timestamp() * 1000)
rf = RequestFactory()


def node(cases: list[dict[str, Any]]) -> dict[str, Any]:
    results = run_node("request_peer.mjs", {"cases": cases})
    failed = {k: v["error"] for k, v in results.items() if not v["ok"]}
    assert not failed, failed
    return {key: value["value"] for key, value in results.items()}


def settings_for(version: str, **extra: Any) -> Any:
    return override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": version, **extra})


def browser_cookie_header(set_cookies: list[str]) -> str:
    """The Cookie header a browser sends back after these Set-Cookie headers."""
    jar: dict[str, str] = {}
    for header in set_cookies:
        pair, *attributes = header.split("; ")
        name, _, value = pair.partition("=")
        if "Max-Age=0" in attributes:
            jar.pop(name, None)
        else:
            jar[name] = value
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def our_set_cookies(response: HttpResponse) -> list[str]:
    return [morsel.output(header="") for morsel in response.cookies.values()]


# --- cookies minted by the real packages -> request.session_user ---------------------------------

MINT_CASES = [
    {"version": v, "secure": s, "big": b}
    for v, s, b in itertools.product(VERSIONS, (False, True), (False, True))
]


def mint_id(case: dict[str, Any]) -> str:
    secure = "secure" if case["secure"] else "plain"
    return f"{case['version']}-{secure}-{'big' if case['big'] else 'small'}"


@pytest.fixture(scope="module")
def minted() -> dict[str, Any]:
    return node(
        [
            {
                "id": mint_id(case),
                "op": "mint",
                "version": case["version"],
                "secret": SECRET,
                "claims": BIG_CLAIMS if case["big"] else CLAIMS,
                "secure": case["secure"],
                "maxAge": 3600,
                "incoming": {},
            }
            for case in MINT_CASES
        ]
    )


@pytest.mark.parametrize("case", MINT_CASES, ids=mint_id)
@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/"])
def test_real_cookie_gives_session_user(
    client: Client, minted: dict[str, Any], case: dict[str, Any], path: str
) -> None:
    set_cookies = minted[mint_id(case)]["setCookies"]
    name = cookie_name("session_token", version=case["version"], secure=case["secure"])
    assert all(header.startswith(name) for header in set_cookies)
    if case["big"]:
        assert len(set_cookies) >= 2  # really chunked: name.0, name.1, ...
    with settings_for(case["version"]):
        response = client.get(
            path, HTTP_COOKIE=browser_cookie_header(set_cookies), secure=case["secure"]
        )
    assert response.status_code == 200
    assert response.json() == {
        "authenticated": True,
        "pk": "42",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "image": None,
    }
    assert not response.cookies  # nothing to clean up


@pytest.mark.parametrize("version", VERSIONS)
def test_secure_cookie_is_not_read_over_http_nor_plain_over_https(
    client: Client, minted: dict[str, Any], version: str
) -> None:
    secure_jar = browser_cookie_header(minted[f"{version}-secure-small"]["setCookies"])
    plain_jar = browser_cookie_header(minted[f"{version}-plain-small"]["setCookies"])
    with settings_for(version):
        assert client.get("/whoami/", HTTP_COOKIE=secure_jar).json()["authenticated"] is False
        over_https = client.get("/whoami/", HTTP_COOKIE=plain_jar, secure=True)
        assert over_https.json()["authenticated"] is False


def test_v5_secure_cookie_uses_its_name_as_salt(minted: dict[str, Any]) -> None:
    # Renamed to the plain name, the __Secure- token no longer decrypts: the salt differs.
    secure_jar = browser_cookie_header(minted["v5-secure-small"]["setCookies"])
    renamed = secure_jar.replace("__Secure-authjs", "authjs")
    with settings_for("v5"):
        assert get_token(rf.get("/", HTTP_COOKIE=renamed)) is None
        assert get_token(rf.get("/", HTTP_COOKIE=secure_jar, secure=True))["sub"] == "42"  # type: ignore[index]


def test_both_families_while_migrating(client: Client, minted: dict[str, Any]) -> None:
    with settings_for("v5", DECODE_VERSIONS=["v4", "v5"]):
        for version in VERSIONS:
            jar = browser_cookie_header(minted[f"{version}-plain-big"]["setCookies"])
            assert client.get("/whoami/", HTTP_COOKIE=jar).json()["pk"] == "42"


# --- our Set-Cookie strings == theirs -------------------------------------------------------------

SERIALIZE_CASES = [
    ("next-auth.csrf-token", "a" * 64 + "|" + "b" * 64, False, None, None),
    ("__Host-authjs.csrf-token", "tok|hash", True, None, None),
    ("next-auth.callback-url", "http://localhost:3000/a b?x=(1)&y=!*'~", False, None, None),
    ("authjs.callback-url", "https://exämple.com/ünï/😀", True, None, None),
    ("next-auth.session-token", "eyJ.a-b_c.d", False, EXPIRES_MS, None),
    ("__Secure-authjs.session-token", "eyJ.x", True, EXPIRES_MS, None),
    ("next-auth.session-token.1", "", False, None, 0),
    ("__Secure-next-auth.state", "v", True, EXPIRES_MS, 900),
    ("x", '";,\\ \t=%', False, None, None),
]


@pytest.mark.parametrize("version", VERSIONS)
def test_serialize_matches_the_cookie_serializer(version: str) -> None:
    expected = node(
        [
            {
                "id": str(i),
                "op": "serialize",
                "version": version,
                "name": name,
                "value": value,
                "secure": secure,
                "expires": expires,
                "maxAge": max_age,
            }
            for i, (name, value, secure, expires, max_age) in enumerate(SERIALIZE_CASES)
        ]
    )
    for i, (name, value, secure, expires, max_age) in enumerate(SERIALIZE_CASES):
        when = None if expires is None else datetime.fromtimestamp(expires / 1000, timezone.utc)
        ours = serialize(name, value, secure=secure, expires=when, max_age=max_age)
        assert ours == expected[str(i)], name


def chunk_token(length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    return "".join(alphabet[i % len(alphabet)] for i in range(length))


INCOMING = {
    "none": [],
    "plain": [""],
    "three-chunks": [".0", ".1", ".2"],
    "mixed": [".1", "", ".0"],
}
SIZES = {"small": 300, "exact": 3933, "two": 5000, "three": 9000}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("secure", [False, True], ids=["plain", "secure"])
def test_chunked_writes_match_session_store(version: str, secure: bool) -> None:
    name = cookie_name("session_token", version=version, secure=secure)
    cases = list(itertools.product(INCOMING.items(), SIZES.items()))
    expected = node(
        [
            {
                "id": f"{incoming_id}-{size_id}",
                "op": "chunk",
                "version": version,
                "secure": secure,
                "token": chunk_token(size),
                "incoming": {name + suffix: "old" for suffix in suffixes},
                "expires": EXPIRES_MS,
            }
            for (incoming_id, suffixes), (size_id, size) in cases
        ]
        + [
            {
                "id": f"clean-{incoming_id}",
                "op": "clean",
                "version": version,
                "secure": secure,
                "incoming": {name + suffix: "old" for suffix in suffixes},
            }
            for incoming_id, suffixes in INCOMING.items()
        ]
    )
    for (incoming_id, suffixes), (size_id, size) in cases:
        header = "; ".join(f"{name}{suffix}=old" for suffix in suffixes)
        request = rf.get("/", HTTP_COOKIE=header, secure=secure)
        response = HttpResponse()
        write_session_cookie(
            response,
            request,
            name,
            chunk_token(size),
            secure=secure,
            expires=EXPIRES,
            chunk_size=dialect(version).chunk_size,
        )
        assert our_set_cookies(response) == expected[f"{incoming_id}-{size_id}"], (
            incoming_id,
            size_id,
        )
    for incoming_id, suffixes in INCOMING.items():
        header = "; ".join(f"{name}{suffix}=old" for suffix in suffixes)
        response = HttpResponse()
        clear_session_cookie(response, rf.get("/", HTTP_COOKIE=header), name, secure=secure)
        assert our_set_cookies(response) == expected[f"clean-{incoming_id}"], incoming_id


# --- sessions we issue, read by their getToken --------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_issued_sessions_are_read_by_real_get_token(version: str) -> None:
    cases = []
    for secure, claims in itertools.product((False, True), (CLAIMS, BIG_CLAIMS)):
        response = HttpResponse()
        with settings_for(version):
            issue_session(response, rf.get("/", secure=secure), claims)
        set_cookies = our_set_cookies(response)
        assert (len(set_cookies) > 1) is (claims is BIG_CLAIMS)
        cases.append(
            {
                "id": f"{secure}-{len(claims)}",
                "op": "getToken",
                "version": version,
                "secret": SECRET,
                "secure": secure,
                "cookie": browser_cookie_header(set_cookies),
            }
        )
    for case_id, claims in node(cases).items():
        assert claims is not None, case_id
        assert claims["sub"] == "42" and claims["name"] == "Ada Lovelace"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_custom_session_cookie_name_is_read_by_real_get_token(version: str) -> None:
    # NEXTAUTH["COOKIES"] = NextAuth's `cookies: { sessionToken: { name } }`: the name as
    # given on http and https (no __Secure- added), the v5 salt and the chunks under it.
    name = "site-a.session-token"
    cases = []
    for secure, claims in itertools.product((False, True), (CLAIMS, BIG_CLAIMS)):
        response = HttpResponse()
        with settings_for(version, COOKIES={"sessionToken": {"name": name}}):
            issue_session(response, rf.get("/", secure=secure), claims)
        set_cookies = our_set_cookies(response)
        assert all(
            header.startswith(f"{name}=") or header.startswith(f"{name}.") for header in set_cookies
        )
        common = {"op": "getToken", "version": version, "secret": SECRET, "secure": secure}
        cookie = browser_cookie_header(set_cookies)
        cases.append(
            {"id": f"{secure}-{len(claims)}", **common, "cookie": cookie, "cookieName": name}
        )
        # Without the name, next-auth looks for its default cookie and finds none.
        cases.append({"id": f"default-{secure}-{len(claims)}", **common, "cookie": cookie})
    for case_id, claims in node(cases).items():
        if case_id.startswith("default-"):
            assert claims is None, case_id
        else:
            assert claims is not None, case_id
            assert claims["sub"] == "42" and claims["name"] == "Ada Lovelace"


BEARER_HEADERS = [
    "Bearer {token}",
    "Bearer {pct}",
    "bearer {token}",
    "Bearer  {token}",
    "Bearer {token} extra",
    "Bearer",
    "Bearer %E0%A4%A",
    "Basic {token}",
]


@pytest.mark.parametrize("version", VERSIONS)
def test_bearer_fallback_matches_get_token(version: str, minted: dict[str, Any]) -> None:
    token = minted[f"{version}-plain-small"]["token"]
    pct = token.replace(".", "%2E").replace("-", "%2D")
    headers = [h.format(token=token, pct=pct) for h in BEARER_HEADERS]
    cookie_jar = browser_cookie_header(minted[f"{version}-plain-small"]["setCookies"])
    garbage_cookie = f"{cookie_name('session_token', version=version, secure=False)}=garbage"
    cases = [
        {"id": str(i), "op": "getToken", "version": version, "secret": SECRET, "secure": False,
         "authorization": header}
        for i, header in enumerate(headers)
    ] + [
        # A cookie, good or bad, wins over the header.
        {"id": "cookie-good", "op": "getToken", "version": version, "secret": SECRET,
         "secure": False, "cookie": cookie_jar, "authorization": "Bearer garbage"},
        {"id": "cookie-bad", "op": "getToken", "version": version, "secret": SECRET,
         "secure": False, "cookie": garbage_cookie, "authorization": f"Bearer {token}"},
    ]  # fmt: skip
    theirs = node(cases)
    with settings_for(version):
        for i, header in enumerate(headers):
            ours = get_token(rf.get("/", HTTP_AUTHORIZATION=header))
            assert (ours or {}).get("sub") == (theirs[str(i)] or {}).get("sub"), header
        good = rf.get("/", HTTP_COOKIE=cookie_jar, HTTP_AUTHORIZATION="Bearer garbage")
        assert get_token(good)["sub"] == theirs["cookie-good"]["sub"] == "42"  # type: ignore[index]
        bad = rf.get("/", HTTP_COOKIE=garbage_cookie, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert get_token(bad) is None and theirs["cookie-bad"] is None
