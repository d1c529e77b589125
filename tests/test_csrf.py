"""The double-submit CSRF cookie: format, secrets per version, verification."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from django_nextauth import csrf
from django_nextauth.csrf import apply_csrf_cookie, csrf_hash, get_csrf_state, make_csrf_cookie
from django_nextauth.exceptions import MissingSecret

SECRET = "csrf-tests-secret"


def sha256hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cookie_for(token: str, secret: str) -> str:
    return f"{token}|{sha256hex(token + secret)}"


@pytest.fixture(params=["v4", "v5"])
def version(request: pytest.FixtureRequest) -> Any:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": request.param}):
        yield request.param


def _name(version: str, secure: bool = False) -> str:
    base = "next-auth.csrf-token" if version == "v4" else "authjs.csrf-token"
    return f"__Host-{base}" if secure else base


def test_csrf_hash_is_sha256_of_token_and_secret() -> None:
    assert csrf_hash("abc", "xyz") == sha256hex("abcxyz")


def test_new_cookie_format(version: str) -> None:
    token, value = make_csrf_cookie()
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert value == cookie_for(token, SECRET)


def test_tokens_are_random(version: str) -> None:
    assert len({make_csrf_cookie()[0] for _ in range(20)}) == 20


@override_settings(NEXTAUTH={"SECRET": ["new", "old"], "VERSION": "v5"})
def test_v5_hashes_with_the_comma_joined_secret_array() -> None:
    token, value = make_csrf_cookie()
    assert value == cookie_for(token, "new,old")


@override_settings(NEXTAUTH={"SECRET": ["new", "old"], "VERSION": "v4"})
def test_v4_issues_with_the_first_secret_and_accepts_older_ones(rf: RequestFactory) -> None:
    token, value = make_csrf_cookie()
    assert value == cookie_for(token, "new")
    old = "a" * 64
    request = rf.post("/", HTTP_COOKIE=f"next-auth.csrf-token={cookie_for(old, 'old')}")
    state = get_csrf_state(request, body_token=old)
    assert (state.token, state.verified, state.cookie_value) == (old, True, None)


@override_settings(NEXTAUTH={"SECRET": ["new", "old"], "VERSION": "v5"})
def test_v5_does_not_accept_a_single_secret_of_the_array(rf: RequestFactory) -> None:
    token = "b" * 64
    request = rf.post("/", HTTP_COOKIE=f"authjs.csrf-token={cookie_for(token, 'new')}")
    state = get_csrf_state(request, body_token=token)
    assert not state.verified
    assert state.token != token


def test_missing_cookie_mints_one(rf: RequestFactory, version: str) -> None:
    state = get_csrf_state(rf.get("/"))
    assert not state.verified
    assert state.cookie_name == _name(version)
    assert state.cookie_value == cookie_for(state.token, SECRET)


def test_valid_cookie_is_reused_and_post_verifies(rf: RequestFactory, version: str) -> None:
    token = "c" * 64
    # On the wire the "|" is percent-encoded, as encodeURIComponent writes it.
    cookie = cookie_for(token, SECRET).replace("|", "%7C")
    request = rf.post("/", HTTP_COOKIE=f"{_name(version)}={cookie}")
    state = get_csrf_state(request, body_token=token)
    assert (state.token, state.cookie_value, state.verified) == (token, None, True)


def test_get_never_verifies(rf: RequestFactory, version: str) -> None:
    token = "d" * 64
    request = rf.get("/", HTTP_COOKIE=f"{_name(version)}={cookie_for(token, SECRET)}")
    assert not get_csrf_state(request, body_token=token).verified


@pytest.mark.parametrize(
    "body_token", [None, "", "e" * 63, "E" * 64, "f" * 64, 123, ["e" * 64], {"t": 1}, "\ud800"]
)
def test_wrong_body_token_does_not_verify(
    rf: RequestFactory, version: str, body_token: object
) -> None:
    token = "e" * 64
    request = rf.post("/", HTTP_COOKIE=f"{_name(version)}={cookie_for(token, SECRET)}")
    state = get_csrf_state(request, body_token=body_token)
    assert not state.verified
    assert state.cookie_value is None  # the cookie itself is fine and kept


@pytest.mark.parametrize(
    "cookie",
    [
        "g" * 64,
        "g" * 64 + "|",
        "|" + sha256hex(SECRET),
        "g" * 64 + "|" + "0" * 64,
        "g" * 64 + "|" + sha256hex("g" * 64 + "wrong-secret"),
        "g" * 64 + "|" + sha256hex("g" * 64 + SECRET) + "|x",
        "g" * 64 + "|" + sha256hex("g" * 64 + SECRET).upper(),
    ],
)
def test_forged_cookie_is_replaced_and_never_verifies(
    rf: RequestFactory, version: str, cookie: str
) -> None:
    request = rf.post("/", HTTP_COOKIE=f"{_name(version)}={cookie}")
    state = get_csrf_state(request, body_token="g" * 64)
    assert not state.verified
    assert state.token != "g" * 64
    assert state.cookie_value == cookie_for(state.token, SECRET)


def test_secure_requests_use_the_host_prefix(rf: RequestFactory, version: str) -> None:
    state = get_csrf_state(rf.get("/", secure=True))
    assert state.cookie_name == _name(version, secure=True)
    assert state.secure


def test_cookie_of_the_other_prefix_is_ignored(rf: RequestFactory, version: str) -> None:
    token = "h" * 64
    request = rf.post("/", HTTP_COOKIE=f"{_name(version)}={cookie_for(token, SECRET)}", secure=True)
    assert not get_csrf_state(request, body_token=token).verified


def test_apply_writes_nextauths_exact_header(rf: RequestFactory, version: str) -> None:
    state = get_csrf_state(rf.get("/"))
    response = HttpResponse()
    apply_csrf_cookie(response, state)
    value = cookie_for(state.token, SECRET).replace("|", "%7C")
    expected = f"{_name(version)}={value}; Path=/; HttpOnly; SameSite=Lax"
    assert response.cookies[_name(version)].OutputString() == expected


def test_apply_writes_nothing_when_reused(rf: RequestFactory, version: str) -> None:
    token = "i" * 64
    state = get_csrf_state(rf.get("/", HTTP_COOKIE=f"{_name(version)}={cookie_for(token, SECRET)}"))
    response = HttpResponse()
    apply_csrf_cookie(response, state)
    assert not response.cookies


def test_compares_in_constant_time(rf: RequestFactory, version: str, monkeypatch: Any) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = csrf.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(csrf.hmac, "compare_digest", spy)
    token = "j" * 64
    request = rf.post("/", HTTP_COOKIE=f"{_name(version)}={cookie_for(token, SECRET)}")
    assert get_csrf_state(request, body_token=token).verified
    assert (token.encode(), token.encode()) in calls  # body token vs cookie token
    assert any(a == sha256hex(token + SECRET).encode() for a, _ in calls)  # hash check


@override_settings(NEXTAUTH={}, DEBUG=False)
def test_missing_secret_raises(rf: RequestFactory) -> None:
    with pytest.raises(MissingSecret):
        get_csrf_state(rf.get("/"))


@pytest.mark.parametrize(
    ("meta", "ok"),
    [
        ({}, True),  # no browser header: nothing to check (the double-submit pair still is)
        ({"HTTP_ORIGIN": "http://testserver"}, True),
        ({"HTTP_ORIGIN": "HTTP://TESTSERVER:80"}, True),
        ({"HTTP_ORIGIN": "https://site.example"}, True),  # NEXTAUTH["URL"]'s origin
        ({"HTTP_ORIGIN": "https://a.trusted.example"}, True),
        ({"HTTP_ORIGIN": "https://trusted.example"}, True),
        ({"HTTP_ORIGIN": "http://partner.example:8080"}, True),
        ({"HTTP_ORIGIN": "http://a.trusted.example"}, False),  # wildcard keeps its scheme
        ({"HTTP_ORIGIN": "https://eviltrusted.example"}, False),
        ({"HTTP_ORIGIN": "http://partner.example"}, False),
        ({"HTTP_ORIGIN": "http://evil.example"}, False),
        ({"HTTP_ORIGIN": "null"}, False),
        ({"HTTP_ORIGIN": "http://evil.example", "HTTP_REFERER": "http://testserver/"}, False),
        ({"HTTP_REFERER": "http://testserver/api/auth/signin?x=1"}, True),
        ({"HTTP_REFERER": "http://evil.example/testserver"}, False),
        ({"HTTP_REFERER": "not a url"}, False),
    ],
)
@override_settings(
    CSRF_TRUSTED_ORIGINS=["https://*.trusted.example", "http://partner.example:8080"]
)
def test_origin_verified(rf: RequestFactory, meta: dict[str, str], ok: bool) -> None:
    request = rf.post("/api/auth/signout", **meta)
    assert csrf.origin_verified(request, "https://site.example") is ok


def test_error_codes_are_their_strings() -> None:
    from django_nextauth.errors import ErrorCode

    assert str(ErrorCode.ACCESS_DENIED) == "AccessDenied"
    assert f"{ErrorCode.MISSING_CSRF}" == "MissingCSRF"
