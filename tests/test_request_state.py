"""The per-request SessionState and the strategy's decrypted-token cache."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth import get_token, jwt
from django_nextauth.session import (
    get_session_user,
    peek_session_state,
    session_state,
    session_vary,
    session_was_read,
    strategy,
)
from django_nextauth.session.request_state import mark_read
from django_nextauth.session.token_cache import DecryptedTokens
from tests.conftest import CLAIMS as README_CLAIMS
from tests.strategies import json_like
from tests.test_session import CLAIMS, V4, req, v4_token


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    strategy().tokens.clear()


def test_state_is_cached_on_the_request() -> None:
    request = req({V4: v4_token()})
    assert peek_session_state(request) is None
    assert not session_was_read(request)
    state = session_state(request)
    assert session_state(request) is state
    assert not session_was_read(request)  # nothing looked at the cookie yet
    assert state.from_cookie and not state.from_bearer
    assert session_was_read(request)


def test_token_is_the_claims_after_reading_the_user_with_default_callbacks() -> None:
    request = req({V4: v4_token()})
    get_session_user(request)
    state = session_state(request)
    assert state.token == state.claims and state.stored_token == state.claims


def test_mark_read() -> None:
    request = req()
    mark_read(request)
    assert session_was_read(request) and session_vary(request) == ("Cookie",)
    assert peek_session_state(request) is None


@pytest.mark.parametrize(
    ("cookies", "headers", "vary"),
    [
        ({V4: "anything"}, {}, ("Cookie",)),
        ({}, {}, ("Cookie",)),  # looked for and not found: the answer depends on the cookie
        ({}, {"HTTP_AUTHORIZATION": "Bearer x"}, ("Cookie", "Authorization")),
    ],
)
def test_session_vary_names_what_the_read_looked_at(
    cookies: dict[str, str], headers: dict[str, str], vary: tuple[str, ...]
) -> None:
    request = req(cookies, **headers)
    state = session_state(request)
    assert session_vary(request) == ()  # the state alone looked at nothing
    assert state.raw in ("anything", "x", None)
    assert session_vary(request) == vary == state.vary


def test_name_does_not_decrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = decrypt_counter(monkeypatch)
    state = session_state(req({V4: v4_token()}))
    assert state.name == V4 and not state.is_bad and state.stored_token is None
    assert calls == []


# --- the decrypted-token cache ----------------------------------------------------------------


def decrypt_counter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = jwt.decrypt

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decrypt", counting)
    return calls


def test_cache_skips_decryption_for_a_repeated_token(monkeypatch: pytest.MonkeyPatch) -> None:
    token = v4_token(README_CLAIMS)  # a list claim: served from the cache too
    expected = jwt.decode(token, secret=jwt_secret())
    calls = decrypt_counter(monkeypatch)
    for _ in range(3):
        assert get_token(req({V4: token})) == expected
    assert len(calls) == 1


def jwt_secret() -> str:
    from tests.test_session import SECRET

    return SECRET


def test_cached_claims_are_fresh_objects() -> None:
    token = v4_token({**CLAIMS, "roles": ["a"], "org": {"id": 1, "tags": ["x"]}})
    first = get_token(req({V4: token}))
    assert first is not None
    first["roles"].append("b")
    first["org"]["tags"].clear()
    first["sub"] = "hacked"
    again = get_token(req({V4: token}))
    assert again == {**first, "sub": "7", "roles": ["a"], "org": {"id": 1, "tags": ["x"]}}


def test_default_session_user_is_built_once_per_cached_token() -> None:
    token = v4_token(README_CLAIMS)
    first, second = (get_session_user(req({V4: token})) for _ in range(2))
    assert first is second and first["name"] == README_CLAIMS["name"]
    with pytest.raises(TypeError):
        first["name"] = "changed"  # type: ignore[index]  # read-only: safe to share
    other = get_session_user(req({V4: v4_token({**README_CLAIMS, "sub": "8"})}))
    assert other is not first and other.pk == "8"


def test_custom_callbacks_build_a_user_per_request() -> None:
    from tests.test_session import SECRET

    with override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"jwt": jwt_identity}}):
        token = v4_token(README_CLAIMS)
        first, second = (get_session_user(req({V4: token})) for _ in range(2))
        assert first == second and first is not second


def jwt_identity(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return token


def test_cached_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    token = v4_token(max_age=60)
    assert get_token(req({V4: token})) is not None
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 120)
    request = req({V4: token})
    assert get_token(request) is None
    assert session_state(request).is_bad
    assert not get_session_user(req({V4: token})).is_authenticated  # no cached user either


def test_cache_is_keyed_by_secret_and_emptied_on_settings_change() -> None:
    token = v4_token()
    assert get_token(req({V4: token})) is not None
    before = strategy()
    assert len(before.tokens) >= 1
    assert get_token(req({V4: token}), secret="another secret") is None
    with override_settings(NEXTAUTH={"SECRET": "rotated away"}):
        assert strategy() is not before and len(strategy().tokens) == 0
        assert get_token(req({V4: token})) is None


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DecryptedTokens, "size", 3)
    for i in range(5):
        get_token(req({V4: v4_token({"sub": str(i)})}))
    assert 1 <= len(strategy().tokens) <= 3


def test_failed_decryption_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = decrypt_counter(monkeypatch)
    for _ in range(2):
        assert get_token(req({V4: "garbage"})) is None
    assert len(calls) == 2 and len(strategy().tokens) == 0


json_values = json_like(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8), max_leaves=12
)


@settings(max_examples=40, deadline=None)
@given(extra=st.dictionaries(st.sampled_from(["roles", "org", "n", "flag"]), json_values))
def test_cache_hits_equal_fresh_decodes(extra: dict[str, Any]) -> None:
    token = v4_token({**CLAIMS, **extra})
    fresh = jwt.decode(token, secret=jwt_secret())
    first, second = get_token(req({V4: token})), get_token(req({V4: token}))
    assert first == second == fresh and first is not second
