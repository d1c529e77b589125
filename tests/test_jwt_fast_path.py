"""django_nextauth.jwt's speed tricks, each against the plain way it replaces.

bench/decode.py shows what each saves; these tests pin that nothing else changed:
``split`` plus strict base64url refuses exactly the tokens the regex over the whole token
did, the prebuilt JSON decoder parses as ``json.loads`` does, the header memo is keyed by
the key material too, the payload's nesting is bounded on every Python, and a ``jti``
formatted from random bytes is the text ``uuid.uuid4()`` would give.
"""

from __future__ import annotations

import binascii
import json
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_nextauth import jwt, keys
from django_nextauth.exceptions import DecryptionFailed, MalformedToken
from tests.strategies import json_like

from .jwe import V4_HEADER, b64url, derive_key, header_segment, seal

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
OTHER = "some-other-secret"
KEY = derive_key(SECRET)
NEAR_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \n\x00!é"
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The parse the decoder used before: one regex over the whole token.
COMPACT_JWE = re.compile(r"([\w-]+)\.\.([\w-]*)\.([\w-]*)\.([\w-]*)", re.ASCII)


def plain_parse_refuses(token: str) -> bool:
    """Whether the regex-and-plain-base64 parse refuses ``token`` (the header is valid)."""
    match = COMPACT_JWE.fullmatch(token)
    if match is None:
        return True
    try:
        iv, _, tag = (keys.b64decode_plain(segment) for segment in match.groups()[1:])
    except binascii.Error:
        return True
    return (len(iv), len(tag)) != (12, 16)


HEADER = header_segment(V4_HEADER)


def mutated(token: str, position: int, char: str, how: str) -> str:
    """``token`` with one character inserted or replaced after its (valid) header."""
    start = len(HEADER) + 1
    at = start + position % (len(token) - start + 1)
    if how == "insert":
        return token[:at] + char + token[at:]
    if how == "replace":
        return token[:at] + char + token[at + 1 :]
    return token


near_tokens = st.builds(
    lambda ct, position, char, how: mutated(
        ".".join((HEADER, "", b64url(bytes(12)), b64url(ct), b64url(bytes(16)))),
        position,
        char,
        how,
    ),
    st.binary(max_size=24),
    st.integers(0, 200),
    st.sampled_from(NEAR_ALPHABET),
    st.sampled_from(["insert", "replace", "none"]),
)
any_tails = st.text(alphabet=NEAR_ALPHABET, max_size=60).map(lambda tail: HEADER + "." + tail)


@SLOW
@given(token=near_tokens | any_tails)
def test_split_refuses_what_the_regex_refused(token: str) -> None:
    expected = MalformedToken if plain_parse_refuses(token) else DecryptionFailed
    with pytest.raises((MalformedToken, DecryptionFailed)) as caught:
        jwt.decrypt(token, secret=SECRET)
    assert caught.type is expected


finite = st.floats(allow_nan=False, allow_infinity=False)
json_values = json_like(
    st.none() | st.booleans() | st.integers() | finite | st.text(),
    keys=st.text(),
    max_size=4,
    max_leaves=20,
)


@given(value=json_values, indent=st.none() | st.integers(0, 2))
def test_the_prebuilt_decoder_parses_as_json_loads(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert jwt._loads(text) == json.loads(text)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_the_prebuilt_decoder_refuses_what_json_parse_refuses(constant: str) -> None:
    with pytest.raises(ValueError):
        jwt._loads(f'{{"exp":{constant}}}')


def nested(depth: int, inner: str = "1") -> str:
    """``depth`` arrays and objects around ``inner``, alternating."""
    text = inner
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"a":{text}}}'
    return text


def decode_payload(text: str) -> dict[str, Any]:
    return jwt.decode(seal(text.encode(), key=KEY, header=V4_HEADER), secret=SECRET)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert decode_payload(nested(jwt.MAX_JSON_DEPTH - 1, "[1]"))


@pytest.mark.parametrize("depth", [jwt.MAX_JSON_DEPTH + 1, 3000, 50_000])
def test_deeper_nesting_is_refused_on_every_python(depth: int) -> None:
    with pytest.raises(MalformedToken):
        decode_payload(nested(depth - 1, "[1]"))
    with pytest.raises(MalformedToken):
        decode_payload('{"a":' + "[" * depth + "]" * depth + "}")


def test_brackets_that_do_not_nest_are_not_depth() -> None:
    """Over the limit's count of brackets, the nesting itself is what counts."""
    assert decode_payload(json.dumps({"s": "[{" * 500, "many": [[1]] * 200}))


def test_a_deeply_nested_header_is_refused() -> None:
    deep = "[" * (jwt.MAX_JSON_DEPTH + 1) + "]" * (jwt.MAX_JSON_DEPTH + 1)
    header = ('{"alg":"dir","enc":"A256GCM","typ":' + deep + "}").encode()
    with pytest.raises(MalformedToken):
        jwt.decode(seal({"sub": "1"}, key=KEY, header=header), secret=SECRET)


def test_the_header_memo_is_keyed_by_the_key_material() -> None:
    token = jwt.encode({"sub": "1"}, secret=SECRET, version="v5")
    assert jwt.decode(token, secret=SECRET, version="v5")["sub"] == "1"  # memoised now
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=OTHER, version="v5")
    assert jwt.decode(token, secret=[OTHER, SECRET], version="v5")["sub"] == "1"
    with pytest.raises(MalformedToken):  # v5's kid header is not v4's
        jwt.decode(token, secret=SECRET, version="v4", salt="authjs.session-token")


@given(st.binary(min_size=16, max_size=16))
def test_a_jti_is_the_text_of_uuid4(random: bytes) -> None:
    # The formatting of _uuid4_text, against the uuid module it replaces.
    assert jwt._uuid4_text(random) == str(uuid.UUID(bytes=random, version=4))


def test_new_jti_is_a_fresh_random_version_4_uuid() -> None:
    minted = [jwt.new_jti() for _ in range(64)]
    assert len(set(minted)) == len(minted)
    for jti in minted:
        parsed = uuid.UUID(jti)
        assert str(parsed) == jti
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)


def test_encode_mints_its_jti_from_random_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jwt.os, "urandom", lambda size: bytes(size))
    claims = jwt.decode(jwt.encode({"sub": "1"}, secret=SECRET), secret=SECRET)
    assert claims["jti"] == str(uuid.UUID(bytes=bytes(16), version=4))
