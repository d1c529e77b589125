"""The brute-force limiter: client IP, counters, engaging and releasing (fake clock)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.test import Client, RequestFactory, override_settings

from django_nextauth.ratelimit import Attempt, LimiterUnavailable, client_ip, reserve
from tests.conftest import system_checks

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


def attempt(request: Any, *identities: str) -> Attempt:
    return reserve(request, identities)


def test_account_limit_engages_and_the_window_expires(rf: RequestFactory, clock: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=3, IP=100, WINDOW=60):
        assert all(attempt(request, "alice").allowed for _ in range(3))
        assert not attempt(request, "alice").allowed
        assert attempt(request, "bob").allowed  # other accounts are unaffected
        clock.value += 59
        assert not attempt(request, "alice").allowed
        clock.value += 2
        assert attempt(request, "alice").allowed


def test_window_is_fixed_from_the_first_attempt(rf: RequestFactory, clock: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=2, IP=0, WINDOW=60):
        attempt(request, "alice")
        clock.value += 50
        attempt(request, "alice")  # does not extend the window
        assert not attempt(request, "alice").allowed
        clock.value += 11
        assert attempt(request, "alice").allowed


def test_every_identity_is_counted(rf: RequestFactory) -> None:
    request = rf.post("/")
    with limits(USERNAME=2, IP=0, WINDOW=60):
        attempt(request, "junk1", "victim@example.com")
        attempt(request, "junk2", "victim@example.com")
        assert not attempt(request, "junk3", "victim@example.com").allowed
        assert attempt(request, "junk3").allowed


def test_ip_limit_counts_across_accounts_and_refusals_count_nothing(rf: RequestFactory) -> None:
    attacker = rf.post("/", REMOTE_ADDR="198.51.100.7")
    other = rf.post("/", REMOTE_ADDR="198.51.100.8")
    with limits(USERNAME=2, IP=4, WINDOW=60):
        for name in ("a", "b", "c", "d"):
            assert attempt(attacker, name).allowed
        for _ in range(5):  # a blocked address cannot go on locking accounts
            assert not attempt(attacker, "victim").allowed
        assert attempt(other, "victim").allowed
        assert attempt(other, "victim").allowed
        assert not attempt(other, "victim").allowed


def test_success_gives_the_ip_slot_back_and_clears_the_accounts(rf: RequestFactory) -> None:
    request = rf.post("/")
    with limits(USERNAME=2, IP=3, WINDOW=60):
        attempt(request, "alice")
        attempt(request, "alice").succeeded()
        assert attempt(request, "alice").allowed  # cleared: 1 of 2
        assert attempt(request, "bob").allowed  # IP: 3 of 3 (one slot given back)
        assert not attempt(request, "carol").allowed
        attempt(request).succeeded()  # nothing reserved: nothing to give back


@pytest.mark.parametrize("off", [0, None])
def test_limits_can_be_switched_off(rf: RequestFactory, off: Any) -> None:
    request = rf.post("/")
    with limits(USERNAME=off, IP=off, WINDOW=60):
        assert all(attempt(request, "alice").allowed for _ in range(30))
        assert attempt(request, "alice") == Attempt(True)


def test_a_counter_that_expires_between_add_and_incr(rf: RequestFactory, monkeypatch: Any) -> None:
    request = rf.post("/")
    adds = iter([False, True])  # another request wins the add, then the key expires
    monkeypatch.setattr(cache, "add", lambda *a, **k: next(adds))
    monkeypatch.setattr(cache, "decr", lambda *a, **k: (_ for _ in ()).throw(ValueError()))
    with limits(USERNAME=1, IP=0, WINDOW=60):
        reserved = attempt(request, "alice")
        assert reserved.allowed
        reserved.succeeded()  # decr on a vanished key is not an error


def test_a_counter_that_keeps_vanishing_is_an_outage(rf: RequestFactory, monkeypatch: Any) -> None:
    monkeypatch.setattr(cache, "add", lambda *a, **k: False)
    with limits(USERNAME=1, IP=0, WINDOW=60), pytest.raises(LimiterUnavailable):
        attempt(rf.post("/"), "alice")


class BrokenCache(locmem.LocMemCache):
    """A cache whose server is down."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("cache down")


@override_settings(CACHES={"default": {"BACKEND": f"{__name__}.BrokenCache"}})
def test_a_cache_outage_is_a_controlled_503(client: Client, caplog: Any) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET}), caplog.at_level("ERROR"):
        page = _sign_in(client, "pw", json=None)
        api = _sign_in(client, "pw")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert b"Service unavailable" in page.content
    assert api.status_code == 503
    assert api.json() == {"url": "http://testserver/api/auth/error?error=Configuration"}
    ours = [r for r in caplog.records if r.name == "django_nextauth"]
    assert [r.getMessage() for r in ours] == [
        "django_nextauth: rate-limit cache unavailable (ConnectionError)"
    ] * 2


def test_invalid_settings_fail_check_e005() -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "RATE_LIMIT": {"USERNAME": "5"}}):
        assert "django_nextauth.E005" in [m.id for m in system_checks()]
    with override_settings(NEXTAUTH={"SECRET": SECRET, "NUM_PROXIES": -1}):
        assert "django_nextauth.E005" in [m.id for m in system_checks()]
    with override_settings(NEXTAUTH={"SECRET": SECRET}):
        assert "django_nextauth.E005" not in [m.id for m in system_checks()]


# --- through the credentials callback ------------------------------------------------


def _sign_in(
    client: Client, password: str, username: str = "alice", json: str | None = "true", **extra: Any
) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = {"username": username, "password": password, "csrfToken": token}
    if json:
        body["json"] = json
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
            urlencode({"username": "nobody", "password": "x", "csrfToken": token}),
            content_type="application/x-www-form-urlencoded",
            follow=True,
        )
    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content


# --- concurrency: real threads against a live server --------------------------------

_lock = threading.Lock()


def slow_failing_hook(credentials: dict[str, Any], request: Any) -> Any:
    with _lock:
        calls.append(credentials)
    time.sleep(0.15)  # as long as a password hash: every request is in flight at once
    return None


def _race(live_server: Any, usernames: list[str]) -> list[int]:
    opener = urllib.request.build_opener()
    with opener.open(f"{live_server.url}/api/auth/csrf") as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = json.loads(response.read())["csrfToken"]

    def post(username: str) -> int:
        body = urlencode(
            {"username": username, "password": "x", "csrfToken": token, "json": "true"}
        ).encode()
        request = urllib.request.Request(
            f"{live_server.url}/api/auth/callback/credentials",
            data=body,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with opener.open(request) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    with ThreadPoolExecutor(max_workers=len(usernames)) as pool:
        return list(pool.map(post, usernames))


@pytest.mark.loopback  # live_server
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("limit", "usernames"),
    [
        ({"USERNAME": 3, "IP": 100}, ["alice"] * 10),
        ({"USERNAME": 100, "IP": 3}, list("abcdefghij")),
    ],
    ids=["one-account", "one-address"],
)
def test_concurrent_guesses_reach_authorize_only_up_to_the_limit(
    live_server: Any, limit: dict[str, int], usernames: list[str]
) -> None:
    nextauth = {
        "SECRET": SECRET,
        "PROVIDERS": [{"authorize": f"{__name__}.slow_failing_hook"}],
        "RATE_LIMIT": {**limit, "WINDOW": 900},
    }
    with override_settings(NEXTAUTH=nextauth):
        statuses = _race(live_server, usernames)
    assert len(calls) == 3
    assert sorted(statuses) == [401] * 3 + [429] * 7
