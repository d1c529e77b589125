"""The brute-force limiter: client IP, counters, engaging and releasing (fake clock)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.core.checks import run_checks
from django.test import Client, RequestFactory, override_settings

from django_nextauth.ratelimit import (
    client_ip,
    credential_username,
    is_blocked,
    register_failure,
    register_success,
)

SECRET = "ratelimit-tests-secret"
calls: list[dict[str, Any]] = []


def counting_hook(credentials: dict[str, Any], request: Any) -> Any:
    calls.append(credentials)
    return {"id": 1, "name": "Alice"} if credentials.get("password") == "right" else None


@pytest.fixture(autouse=True)
def _clean() -> Any:
    cache.clear()
    calls.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fake clock under the locmem cache, so windows expire without sleeping."""
    now = SimpleNamespace(value=time.time())
    fake = SimpleNamespace(time=lambda: now.value)
    monkeypatch.setattr(locmem, "time", fake)
    monkeypatch.setattr(cache_base, "time", fake)
    return now


def limits(**rate_limit: Any) -> Any:
    return override_settings(NEXTAUTH={"SECRET": SECRET, "RATE_LIMIT": rate_limit})


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, 0, "203.0.113.9"),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, 0, "203.0.113.9"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.1"},
            1,
            "198.51.100.1",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.0.0.1"},
            2,
            "198.51.100.1",
        ),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, 3, "198.51.100.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": " , "}, 1, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, 1, "unknown"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "2001:db8:1:2:ffff::1"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.7"}, 0, "192.0.2.7"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "[2001:db8::1]"}, 1, "2001:db8::/64"),
        ({"REMOTE_ADDR": ""}, 0, "unknown"),
    ],
)
def test_client_ip(rf: RequestFactory, meta: dict[str, str], proxies: int, expected: str) -> None:
    request = rf.get("/")
    request.META.update(meta)
    with override_settings(NEXTAUTH={"SECRET": SECRET, "NUM_PROXIES": proxies}):
        assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        ({"username": " Alice "}, "alice"),
        ({"username": "STRASSE"}, "strasse"),
        ({"username": "Straße"}, "strasse"),
        ({"email": "Bob@Example.com"}, "bob@example.com"),
        ({"username": "", "email": "x@y"}, "x@y"),
        ({"username": 5}, None),
        ({}, None),
    ],
)
def test_credential_username(credentials: dict[str, Any], expected: str | None) -> None:
    assert credential_username(credentials) == expected


def test_username_limit_engages_and_releases(rf: RequestFactory, clock: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=3, IP=100, WINDOW=60):
        for _ in range(3):
            assert not is_blocked(request, "alice")
            register_failure(request, "alice")
        assert is_blocked(request, "alice")
        assert not is_blocked(request, "bob")  # other usernames are unaffected
        clock.value += 59
        assert is_blocked(request, "alice")
        clock.value += 2
        assert not is_blocked(request, "alice")


def test_window_is_fixed_from_the_first_failure(rf: RequestFactory, clock: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=2, IP=0, WINDOW=60):
        register_failure(request, "alice")
        clock.value += 50
        register_failure(request, "alice")  # does not extend the window
        assert is_blocked(request, "alice")
        clock.value += 11
        assert not is_blocked(request, "alice")


def test_ip_limit_counts_across_usernames(rf: RequestFactory, clock: Any) -> None:
    attacker = rf.post("/", REMOTE_ADDR="198.51.100.7")
    other = rf.post("/", REMOTE_ADDR="198.51.100.8")
    with limits(USERNAME=100, IP=4, WINDOW=60):
        for name in ("a", "b", "c", "d"):
            register_failure(attacker, name)
        assert is_blocked(attacker, "e")
        assert is_blocked(attacker, None)
        assert not is_blocked(other, "e")
        clock.value += 61
        assert not is_blocked(attacker, "e")


def test_success_clears_the_username_counter_only(rf: RequestFactory) -> None:
    request = rf.post("/")
    with limits(USERNAME=2, IP=3, WINDOW=60):
        register_failure(request, "alice")
        register_failure(request, "alice")
        assert is_blocked(request, "alice")
        register_success(request, "alice")
        assert not is_blocked(request, "alice")
        register_failure(request, "bob")
        assert is_blocked(request, "carol")  # the IP's three failures still count
        register_success(request, None)  # no username: nothing to clear
        assert is_blocked(request, None)


@pytest.mark.parametrize("off", [0, None])
def test_limits_can_be_switched_off(rf: RequestFactory, off: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=off, IP=off, WINDOW=60):
        for _ in range(50):
            register_failure(request, "alice")
        assert not is_blocked(request, "alice")


def test_counter_that_expired_between_add_and_incr(rf: RequestFactory, monkeypatch: Any) -> None:
    request = rf.post("/")
    monkeypatch.setattr(cache, "add", lambda *a, **k: False)  # as if another request won the add
    with limits(USERNAME=1, IP=0, WINDOW=60):
        register_failure(request, "alice")  # incr() finds nothing: no crash


def test_invalid_settings_fail_check_e005() -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "RATE_LIMIT": {"USERNAME": "5"}}):
        assert "django_nextauth.E005" in [m.id for m in run_checks()]
    with override_settings(NEXTAUTH={"SECRET": SECRET, "NUM_PROXIES": -1}):
        assert "django_nextauth.E005" in [m.id for m in run_checks()]
    with override_settings(NEXTAUTH={"SECRET": SECRET}):
        assert "django_nextauth.E005" not in [m.id for m in run_checks()]


# --- through the credentials callback ------------------------------------------------


def _sign_in(client: Client, password: str, username: str = "alice", **extra: Any) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": username, "password": password, "csrfToken": token, "json": "true"}
    return client.post(
        "/api/auth/callback/credentials",
        urlencode(body),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_sign_in_is_refused_without_calling_authorize_then_released(
    client: Client, clock: Any, version: str
) -> None:
    providers = [{"authorize": f"{__name__}.counting_hook"}]
    nextauth = {
        "SECRET": SECRET,
        "VERSION": version,
        "PROVIDERS": providers,
        "RATE_LIMIT": {"USERNAME": 3, "IP": 20, "WINDOW": 900},
    }
    with override_settings(NEXTAUTH=nextauth):
        for _ in range(3):
            assert _sign_in(client, "wrong").json()["url"].count("CredentialsSignin") == 1
        assert len(calls) == 3
        refused = _sign_in(client, "right")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "900"
        assert "error=TooManyAttempts" in refused.json()["url"]
        assert len(calls) == 3  # authorize was not called
        assert not any("session-token" in c for c in refused.cookies)
        # v5 client mode gets the 429 too.
        refused = _sign_in(client, "right", HTTP_X_AUTH_RETURN_REDIRECT="1")
        assert refused.status_code == 429
        clock.value += 901
        accepted = _sign_in(client, "right")
        assert accepted.status_code == 200
        assert accepted.json() == {"url": "http://testserver"}
        assert len(calls) == 4


@pytest.mark.django_db
def test_refused_page_flow_shows_the_banner(client: Client) -> None:
    nextauth = {"SECRET": SECRET, "RATE_LIMIT": {"USERNAME": 1, "IP": 20, "WINDOW": 900}}
    with override_settings(NEXTAUTH=nextauth):
        _sign_in(client, "wrong", username="nobody")
        token = client.get("/api/auth/csrf").json()["csrfToken"]
        response = client.post(
            "/api/auth/callback/credentials",
            {"username": "nobody", "password": "x", "csrfToken": token},
            follow=True,
        )
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
