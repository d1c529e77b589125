"""The per-request session state: finding the token once, and the decoded-token cache."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings

from django_nextauth import get_token, jwt, request_state
from django_nextauth.session import get_session_user, peek_request_session
from tests.test_session import CLAIMS, V4, req, v4_token


def test_state_is_cached_on_the_request() -> None:
    request = req({V4: v4_token()})
    assert request_state.peek_request_session(request) is None
    assert not request_state.session_was_read(request)
    state = request_state.request_session(request)
    assert request_state.request_session(request) is state
    assert request_state.session_was_read(request)


def test_token_is_the_claims_after_reading_the_user_with_default_callbacks() -> None:
    request = req({V4: v4_token()})
    get_session_user(request)
    state = request_state.request_session(request)
    assert state.token == state.claims and state.stored_token == state.claims


def test_mark_read() -> None:
    request = req()
    request_state.mark_read(request)
    assert request_state.session_was_read(request)
    assert request_state.peek_request_session(request) is None


# --- the decoded-token cache ------------------------------------------------------------------


def decode_counter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = jwt.decode

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    return calls


def test_cache_skips_decryption_for_a_repeated_token(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = decode_counter(monkeypatch)
    token = v4_token()
    for _ in range(3):
        assert get_token(req({V4: token}))["sub"] == "7"  # type: ignore[index]
    assert len(calls) == 1
    # Same session user object for the same token (it is read-only).
    assert get_session_user(req({V4: token})) is get_session_user(req({V4: token}))


def test_cached_claims_are_copies() -> None:
    token = v4_token()
    first = get_token(req({V4: token}))
    first["sub"] = "hacked"  # type: ignore[index]
    assert get_token(req({V4: token}))["sub"] == "7"  # type: ignore[index]


def test_nested_claims_are_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = decode_counter(monkeypatch)
    token = v4_token({**CLAIMS, "roles": ["a"]})
    get_token(req({V4: token}))["roles"].append("b")  # type: ignore[index]
    assert get_token(req({V4: token}))["roles"] == ["a"]  # type: ignore[index]
    assert len(calls) == 2


def test_cached_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    token = v4_token(max_age=60)
    assert get_token(req({V4: token})) is not None
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 120)
    request = req({V4: token})
    assert get_token(request) is None
    assert peek_request_session(request).is_bad  # type: ignore[union-attr]


def test_cache_is_keyed_by_secret_and_emptied_on_settings_change() -> None:
    token = v4_token()
    assert get_token(req({V4: token})) is not None
    assert get_token(req({V4: token}), secret="another secret") is None
    with override_settings(NEXTAUTH={"SECRET": "rotated away"}):
        assert get_token(req({V4: token})) is None


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(request_state, "_CACHE_SIZE", 3)
    for i in range(5):
        get_token(req({V4: v4_token({"sub": str(i)})}))
    assert 1 <= len(request_state.config().tokens) <= 3
