"""NEXTAUTH["COOKIES"] (django_nextauth/conf/cookies.py): NextAuth's ``cookies`` option for
the cookie names, its checks (E050, W050), and every cookie written under the new names."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from django_nextauth import jwt
from django_nextauth.conf import nextauth_settings, validate
from django_nextauth.conf.cookies import COOKIE_KINDS
from django_nextauth.cookies import cookie_name
from django_nextauth.oauth import create_checks, read_checks
from django_nextauth.test import login, logout
from tests.conftest import CLAIMS, SECRET, system_checks

NAMES = {
    "sessionToken": {"name": "site-a.session-token"},
    "csrfToken": {"name": "site-a.csrf-token"},
    "callbackUrl": {"name": "site-a.callback-url"},
    "state": {"name": "site-a.state"},
    "pkceCodeVerifier": {"name": "site-a.pkce"},
    "nonce": {"name": "site-a.nonce"},
    "webauthnChallenge": {"name": "site-a.challenge"},
}


def problems(**nextauth: Any) -> list[Any]:
    return [p for p in validate({"SECRET": SECRET, **nextauth}) if p.path[:1] == ("COOKIES",)]


COOKIE_KINDS_V5_ONLY = "webauthnChallenge"

# --- the checks -------------------------------------------------------------------------------


def test_no_problem_for_every_kind_or_none() -> None:
    assert problems(COOKIES=NAMES) == []
    assert problems(COOKIES={}) == []
    assert problems() == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("site-a", "must be a dict"),
        ({"session_token": {"name": "a"}}, "Did you mean 'sessionToken'?"),
        ({"sessionToken": "a"}, "must be {'name': '...'}"),
        ({"sessionToken": {"name": "a", "options": {}}}, "Only the name can be set"),
        ({"sessionToken": {}}, "must be {'name': '...'}"),
        ({"sessionToken": {"name": ""}}, "is not a cookie name"),
        ({"sessionToken": {"name": "a b"}}, "is not a cookie name"),
        ({"sessionToken": {"name": "a;b=c"}}, "is not a cookie name"),
        ({"sessionToken": {"name": 7}}, "is not a cookie name"),
        ({"sessionToken": {"name": "a"}, "csrfToken": {"name": "a"}}, "alike ('a')"),
        (
            {"sessionToken": {"name": "next-auth.csrf-token"}},
            "cookies alike ('next-auth.csrf-token')",
        ),
    ],
)
def test_e050_each_mistake_is_one_error(value: Any, fragment: str) -> None:
    (problem,) = problems(COOKIES=value)
    assert problem.id == "django_nextauth.E050"
    assert problem.setting.startswith("NEXTAUTH['COOKIES']")
    assert fragment in problem.message + problem.hint
    with override_settings(NEXTAUTH={"SECRET": SECRET, "COOKIES": value}):
        (message,) = [m for m in system_checks() if m.id == "django_nextauth.E050"]
        assert message.hint
        with pytest.raises(Exception, match="COOKIES"):
            nextauth_settings.dialect  # noqa: B018  (reading it refuses the broken value)


@pytest.mark.parametrize("prefix", ["__Secure-", "__Host-"])
def test_w050_a_prefixed_name_without_secure_cookies(prefix: str) -> None:
    value = {"sessionToken": {"name": f"{prefix}site-a.session-token"}}
    (problem,) = problems(COOKIES=value)
    assert problem.id == "django_nextauth.W050"
    assert not problem.fatal
    assert problems(COOKIES=value, USE_SECURE_COOKIES=True) == []


def test_the_nextauth_spelling_is_named() -> None:
    (problem,) = [
        p for p in validate({"SECRET": SECRET, "cookies": NAMES}) if p.path == ("cookies",)
    ]
    assert "Rename 'cookies' to 'COOKIES'" in problem.hint


# --- the names --------------------------------------------------------------------------------


@pytest.mark.parametrize("secure", [False, True])
def test_every_name_is_used_as_given(nextauth: Any, version: str, secure: bool) -> None:
    nextauth(VERSION=version, COOKIES=NAMES)
    for kind, option in NAMES.items():
        if kind == COOKIE_KINDS_V5_ONLY and version == "v4":
            continue  # next-auth 4 has no WebAuthn cookie to rename
        snake = COOKIE_KINDS[kind]
        assert cookie_name(snake, version=version, secure=secure) == option["name"]
    # The kinds not renamed keep NextAuth's names.
    nextauth(VERSION=version, COOKIES={"sessionToken": {"name": "s"}})
    prefix = "next-auth" if version == "v4" else "authjs"
    assert cookie_name("csrf_token", version=version, secure=True) == f"__Host-{prefix}.csrf-token"


def test_a_setting_change_renames_at_once(nextauth: Any) -> None:
    nextauth(COOKIES={"sessionToken": {"name": "one"}})
    assert nextauth_settings.dialect.cookie("session_token", secure=False) == "one"
    nextauth(COOKIES={"sessionToken": {"name": "two"}})
    assert nextauth_settings.dialect.cookie("session_token", secure=False) == "two"


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie(client: Client, nextauth: Any, version: str, secure: bool) -> None:
    nextauth(VERSION=version, COOKIES=NAMES)
    login(client, CLAIMS, secure=secure)
    assert set(client.cookies) == {"site-a.session-token"}
    # v5 salts the token with its cookie name: the name as given.
    token = client.cookies["site-a.session-token"].value
    salt = "site-a.session-token" if version == "v5" else ""
    assert jwt.decode(token, secret=SECRET, salt=salt, version=version)["sub"] == "1"  # type: ignore[arg-type]
    answer = client.get("/whoami/", secure=secure).json()
    assert answer["authenticated"] and answer["email"] == CLAIMS["email"]


def test_a_chunked_session_cookie_keeps_the_custom_name(
    client: Client, nextauth: Any, version: str
) -> None:
    nextauth(VERSION=version, COOKIES=NAMES)
    login(client, {**CLAIMS, "padding": "p" * 6000}, secure=True)
    names = set(client.cookies)
    assert len(names) > 1
    assert names == {f"site-a.session-token.{n}" for n in range(len(names))}
    assert client.get("/whoami/", secure=True).json()["authenticated"]
    logout(client, secure=True)  # every chunk goes
    assert not client.get("/whoami/", secure=True).json()["authenticated"]


def test_the_csrf_and_callback_url_cookies(client: Client, nextauth: Any, version: str) -> None:
    nextauth(VERSION=version, COOKIES=NAMES)
    answer = client.get("/api/auth/csrf", secure=True)
    assert answer.status_code == 200
    assert set(answer.cookies) == {"site-a.csrf-token", "site-a.callback-url"}
    token = answer.json()["csrfToken"]
    body = {"csrfToken": token, "callbackUrl": "/after/", "username": "x", "password": "y"}
    signin = client.post(
        "/api/auth/callback/credentials",
        urlencode(body),
        content_type="application/x-www-form-urlencoded",
        secure=True,
        HTTP_ORIGIN="https://testserver",
    )
    # The CSRF token was read back from the renamed cookie (else: MissingCSRF).
    assert "csrf=true" not in signin.get("Location", "")
    assert signin.cookies["site-a.callback-url"].value == "https://testserver/after/"
    assert not [name for name in signin.cookies if "next-auth" in name or "authjs" in name]


def test_the_oauth_check_cookies(nextauth: Any, version: str) -> None:
    nextauth(VERSION=version, COOKIES=NAMES)
    every = ("state", "pkce", "nonce")
    made = create_checks("acme", every, version=version, secret=SECRET, secure=True)
    cookies = {cookie.name: cookie.value for cookie in made.cookies}
    assert set(cookies) == {"site-a.state", "site-a.pkce", "site-a.nonce"}
    read = read_checks(cookies, "acme", every, version=version, secret=SECRET, secure=True)
    assert read.code_verifier == made.code_verifier
    assert set(read.clear) == set(cookies)


# --- two sites on one host (browsers ignore ports) --------------------------------------------

SITE_A = {"SECRET": SECRET, "COOKIES": {"sessionToken": {"name": "site-a.session-token"}}}
SITE_B = {
    "SECRET": "b" * 43,
    "COOKIES": {"sessionToken": {"name": "site-b.session-token"}},
}


def test_two_sites_on_one_host_do_not_sign_each_other_out(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # One cookie jar: a browser sends both sites' cookies to either port.
    with override_settings(NEXTAUTH=SITE_A):
        login(client, {**CLAIMS, "email": "a@example.com"})
    with override_settings(NEXTAUTH=SITE_B):
        login(client, {**CLAIMS, "email": "b@example.com"})
    with caplog.at_level(logging.WARNING, logger="django_nextauth"):
        with override_settings(NEXTAUTH=SITE_A):
            assert client.get("/whoami/").json()["email"] == "a@example.com"
        with override_settings(NEXTAUTH=SITE_B):
            assert client.get("/whoami/").json()["email"] == "b@example.com"
            logout(client)
            assert not client.get("/whoami/").json()["authenticated"]
        with override_settings(NEXTAUTH=SITE_A):  # signing out of B leaves A alone
            assert client.get("/whoami/").json()["email"] == "a@example.com"
    assert not caplog.records  # no cookie of the other site was even tried


def test_nextauth_decode_salts_with_the_custom_name(
    client: Client, nextauth: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    nextauth(VERSION="v5", COOKIES={"sessionToken": {"name": "site-a.session-token"}})
    login(client, CLAIMS)
    call_command("nextauth_decode", client.cookies["site-a.session-token"].value)
    assert '"sub": "1"' in capsys.readouterr().out
