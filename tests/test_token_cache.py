"""django_nextauth.session.token_cache: the claims handed out are the caller's own.

``copy_claims`` replaces a second JSON parse of the plaintext (a speed trick,
bench/middleware.py's cold rows): its copy must equal a fresh parse and share no
list or dict with the claims the cache keeps. A cached token's ``exp`` / ``nbf`` /
``iat`` types are checked once, when it is cached (another trick, the warm rows): a hit
then compares the kept times with the clock, and must refuse exactly what
``jwt.check_claims`` on the whole claims refuses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

from hypothesis import assume, given
from hypothesis import strategies as st

from django_nextauth import jwt
from django_nextauth.exceptions import ClaimInvalid, InvalidToken
from django_nextauth.session.shape import default_session_user
from django_nextauth.session.token_cache import CachedToken, copy_claims
from tests.strategies import json_like

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
objects = st.dictionaries(st.text(), json_like(scalars, keys=st.text(), max_size=4), max_size=6)


def containers(value: Any) -> Iterator[int]:
    """The ids of every dict and list in ``value``."""
    if isinstance(value, dict):
        yield id(value)
        for child in value.values():
            yield from containers(child)
    elif isinstance(value, list):
        yield id(value)
        for child in value:
            yield from containers(child)


@given(objects)
def test_the_copy_is_a_fresh_parse_sharing_no_container(claims: dict[str, Any]) -> None:
    assume(not {"exp", "nbf", "iat"} & set(claims))
    token = CachedToken(json.dumps(claims).encode())
    handed_out = token.claims
    assert handed_out == json.loads(json.dumps(claims)) == token.checked
    assert not set(containers(handed_out)) & set(containers(token.checked))
    assert copy_claims(claims) == claims


def test_changing_the_claims_handed_out_changes_nothing_kept() -> None:
    token = CachedToken(b'{"sub":"1","roles":["staff"],"org":{"teams":[["a"]]}}')
    first = token.claims
    first["roles"].append("admin")
    first["org"]["teams"][0].append("b")
    first["sub"] = "2"
    assert token.checked == {"sub": "1", "roles": ["staff"], "org": {"teams": [["a"]]}}
    assert token.claims == token.checked


NOW = 1_800_000_000
times = (
    st.integers(NOW - 100, NOW + 100)
    | st.floats(NOW - 100, NOW + 100)
    | st.booleans()
    | st.none()
    | st.text(max_size=3)
    | st.lists(st.integers(), max_size=1)
)
time_claims = st.fixed_dictionaries(
    {}, optional={"exp": times, "nbf": times, "iat": times, "auth_time": times}
)


def verdict(check: Any) -> type[Exception] | None:
    try:
        check()
    except InvalidToken as exc:
        return type(exc)
    return None


@given(claims=time_claims)
def test_a_cached_token_refuses_what_check_claims_refuses(claims: dict[str, Any]) -> None:
    with mock.patch.object(jwt.time, "time", lambda: NOW + 0.5):
        whole = verdict(lambda: jwt.check_claims(claims))
    try:
        token = CachedToken(json.dumps(claims).encode())
    except ClaimInvalid:  # a wrong type: refused before anything is cached
        assert whole is ClaimInvalid
        return
    assert (token.exp, token.nbf) == (claims.get("exp"), claims.get("nbf"))
    with mock.patch.object(jwt.time, "time", lambda: NOW + 0.5):
        assert verdict(lambda: jwt.check_times(token.exp, token.nbf)) is whole
    signed_in = claims.get("auth_time")
    assert token.auth_time == (signed_in if type(signed_in) in (int, float) else None)


values = json_like(scalars, keys=st.text(), max_size=4)
user_claims = st.fixed_dictionaries(
    {}, optional={"name": values, "email": values, "picture": values, "sub": scalars}
)


@given(user_claims)
def test_the_cached_session_user_shares_nothing_with_the_kept_claims(
    claims: dict[str, Any],
) -> None:
    # The default session user is built from the kept claims without copying them all:
    # whatever it holds is its own, so changing it changes nothing the next request reads.
    token = CachedToken(json.dumps(claims).encode())
    user = token.default_user(default_session_user)
    assert user == default_session_user(copy_claims(token.checked))  # what a copy gives
    assert not set(containers(dict(user))) & set(containers(token.checked))


def test_changing_the_cached_session_user_changes_no_claims() -> None:
    token = CachedToken(b'{"sub":"1","name":{"given":"Alice"},"picture":["a.png"]}')
    user = token.default_user(default_session_user)
    user["name"]["given"] = "Mallory"
    user["image"].append("b.png")
    assert token.checked == {"sub": "1", "name": {"given": "Alice"}, "picture": ["a.png"]}
