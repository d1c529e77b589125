"""django_nextauth.jwt under hostile input: whatever arrives, decode returns claims or raises
a subclass of InvalidToken, never anything else.

Exhaustive where the space is small (every single-character change of a real
token), hypothesis where it is not. Forged tokens are sealed with the real key
by tests/jwe.py, so they fail on the rule under test, not on authentication.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_nextauth import jwt
from django_nextauth.exceptions import InvalidToken, MalformedToken
from tests.strategies import json_like

from .jwe import V4_HEADER, b64url, derive_key, seal, v5_header

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
PAYLOAD = {"name": "Ada Lovelace", "email": "ada@example.com", "sub": "1"}
TOKENS: dict[jwt.Version, str] = {
    "v4": jwt.encode(PAYLOAD, secret=SECRET, version="v4"),
    "v5": jwt.encode(PAYLOAD, secret=SECRET, version="v5"),
}
KEYS = {"v4": derive_key(SECRET), "v5": derive_key(SECRET, version="v5")}
HEADERS = {"v4": V4_HEADER, "v5": v5_header(KEYS["v5"])}
URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Every base64url character, the separator, and characters that must never pass.
REPLACEMENTS = URL_ALPHABET + ".+/= \t\n\x00%é\u2028😀"
# Real crypto on a shared CI machine: no per-example deadline.
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

versions = st.sampled_from(["v4", "v5"])
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=()))  # lone surrogates too
)
json_values = json_like(json_scalars, keys=st.text(), max_size=4, max_leaves=20)
REGISTERED = {"iat", "exp", "nbf", "jti"}
payloads = st.dictionaries(
    st.text(st.characters(exclude_categories=())).filter(lambda key: key not in REGISTERED),
    json_values,
    max_size=8,
)


def assert_rejected(token: Any, version: jwt.Version) -> None:
    with pytest.raises(InvalidToken):
        jwt.decode(token, secret=SECRET, version=version)


def sealed(plaintext: bytes | dict[str, Any], version: jwt.Version, /, **header: Any) -> str:
    """A token with this plaintext and header extras, sealed with the real key."""
    enc = HEADERS[version]["enc"]
    return seal(plaintext, key=KEYS[version], header={**HEADERS[version], **header}, enc=enc)


# Round trip


@SLOW
@given(payload=payloads, version=versions)
def test_round_trip_any_json_object(payload: dict[str, Any], version: jwt.Version) -> None:
    claims = jwt.decode(
        jwt.encode(payload, secret=SECRET, version=version), secret=SECRET, version=version
    )
    assert {key: claims[key] for key in payload} == payload
    assert set(claims) == {*payload, "iat", "exp", "jti"}


# Every small change to a real token


@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.parametrize("segment", range(5))
def test_every_single_character_change(version: jwt.Version, segment: int) -> None:
    parts = TOKENS[version].split(".")
    for position in range(max(len(parts[segment]), 1)):
        original = parts[segment][position : position + 1]
        for char in REPLACEMENTS:
            if char == original:
                continue
            changed = [*parts]
            changed[segment] = parts[segment][:position] + char + parts[segment][position + 1 :]
            assert_rejected(".".join(changed), version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_every_deletion_and_truncation(version: jwt.Version) -> None:
    token = TOKENS[version]
    for position in range(len(token)):
        assert_rejected(token[:position] + token[position + 1 :], version)  # one deleted
        assert_rejected(token[:position], version)  # prefix
        assert_rejected(token[position + 1 :], version)  # suffix


@SLOW
@given(version=versions, data=st.data())
def test_insertions(version: jwt.Version, data: st.DataObject) -> None:
    token = TOKENS[version]
    position = data.draw(st.integers(0, len(token)))
    inserted = data.draw(st.text(min_size=1, max_size=4))
    assert_rejected(token[:position] + inserted + token[position:], version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_extra_missing_and_shuffled_segments(version: jwt.Version) -> None:
    token = TOKENS[version]
    parts = token.split(".")
    variants = [
        token + ".",
        "." + token,
        token + ".AAAA",
        token.replace(".", "..", 1),
        *(".".join(parts[:index] + parts[index + 1 :]) for index in range(5)),
        *(".".join(parts[: index + 1] + parts[index:]) for index in range(5)),
        ".".join((parts[0], "", parts[2], parts[4], parts[3])),
        ".".join((parts[0], "", parts[3], parts[2], parts[4])),
        ".".join((parts[0], parts[2], "", parts[3], parts[4])),
    ]
    for variant in variants:
        assert_rejected(variant, version)


# Forged headers, sealed with the real key


@SLOW
@given(version=versions, alg=st.text())
def test_alg_other_than_dir(version: jwt.Version, alg: str) -> None:
    if alg != "dir":
        with pytest.raises(MalformedToken):
            jwt.decode(sealed(PAYLOAD, version, alg=alg), secret=SECRET, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.parametrize("alg", ["none", "None", "HS256", "A256KW", "A256GCMKW", "RSA-OAEP", ""])
def test_alg_none_and_friends(version: jwt.Version, alg: str) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(sealed(PAYLOAD, version, alg=alg), secret=SECRET, version=version)
    unsecured = b64url(b'{"alg":"none"}') + "." + b64url(b'{"sub":"1"}') + "."
    assert_rejected(unsecured, version)


@SLOW
@given(version=versions, enc=st.text())
def test_enc_outside_the_allow_list(version: jwt.Version, enc: str) -> None:
    if enc not in ("A256GCM", "A256CBC-HS512"):
        with pytest.raises(MalformedToken):
            jwt.decode(sealed(PAYLOAD, version, enc=enc), secret=SECRET, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_swapped_enc(version: jwt.Version) -> None:
    other = "A256CBC-HS512" if version == "v4" else "A256GCM"
    assert_rejected(sealed(PAYLOAD, version, enc=other), version)


@SLOW
@given(
    version=versions,
    extra=st.dictionaries(
        st.text().filter(lambda key: key not in {"alg", "enc", "kid", "typ", "cty"}),
        json_values,
        min_size=1,
        max_size=3,
    ),
)
def test_unknown_header_parameters(version: jwt.Version, extra: dict[str, Any]) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(sealed(PAYLOAD, version, **extra), secret=SECRET, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.parametrize(
    "extra",
    [{"zip": "DEF"}, {"crit": ["exp"]}, {"crit": []}, {"crit": ["b64"], "b64": False}, {"jwk": {}}],
    ids=repr,
)
def test_zip_and_crit(version: jwt.Version, extra: dict[str, Any]) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(sealed(PAYLOAD, version, **extra), secret=SECRET, version=version)


@SLOW
@given(version=versions, kid=json_values)
def test_any_other_kid(version: jwt.Version, kid: Any) -> None:
    assert_rejected(sealed(PAYLOAD, version, kid=kid), version)


# Forged payloads, sealed with the real key


@SLOW
@given(version=versions, plaintext=st.binary(max_size=300))
def test_arbitrary_plaintext(version: jwt.Version, plaintext: bytes) -> None:
    try:
        claims = jwt.decode(sealed(plaintext, version), secret=SECRET, version=version)
    except InvalidToken:
        return
    assert isinstance(claims, dict)  # the rare bytes that are a JSON object


@SLOW
@given(version=versions, value=json_values.filter(lambda value: not isinstance(value, dict)))
def test_json_that_is_not_an_object(version: jwt.Version, value: Any) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(sealed(json.dumps(value).encode(), version), secret=SECRET, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.parametrize(
    "plaintext",
    [
        b"",
        b"not json",
        b'{"sub":"1"',
        b'{"sub":"1"}}',
        b'{"sub":"1"} {"sub":"2"}',
        b'{"exp":NaN}',
        b'{"exp":Infinity}',
        b'{"exp":-Infinity}',
        b'{"sub":"\xff"}',
        b'{"sub":"\xed\xa0\x80"}',  # an encoded surrogate is not UTF-8
        b"\xef\xbb\xbf{}",  # a BOM
        b'{"a":' * 3000 + b"1" + b"}" * 3000,
        b"[" * 3000 + b"]" * 3000,
    ],
    ids=lambda plaintext: repr(plaintext[:24]),
)
def test_plaintext_that_is_not_a_json_object(version: jwt.Version, plaintext: bytes) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(sealed(plaintext, version), secret=SECRET, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_json_nesting_limit(version: jwt.Version) -> None:
    # The same limit on every Python: 3.13's json parses the 3,000 levels above.
    def nested(depth: int) -> bytes:  # the claims object is level 1
        return b'{"a":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"

    deepest = jwt.decode(
        sealed(nested(jwt.MAX_JSON_DEPTH), version), secret=SECRET, version=version
    )
    assert str(deepest["a"]).count("[") == jwt.MAX_JSON_DEPTH - 1
    with pytest.raises(MalformedToken, match="not JSON"):
        jwt.decode(sealed(nested(jwt.MAX_JSON_DEPTH + 1), version), secret=SECRET, version=version)
    # Many containers side by side, and brackets inside strings, are no nesting.
    wide = {"roles": [[{"id": n}] for n in range(200)], "note": "[{" * 200}
    plaintext = json.dumps(wide).encode()
    assert jwt.decode(sealed(plaintext, version), secret=SECRET, version=version) == wide


# Raw input


@SLOW
@given(version=versions, token=st.text())
def test_any_text(version: jwt.Version, token: str) -> None:
    assert_rejected(token, version)


@SLOW
@given(
    version=versions,
    parts=st.lists(st.text(alphabet=URL_ALPHABET, max_size=60), min_size=5, max_size=5),
)
def test_any_five_base64url_segments(version: jwt.Version, parts: list[str]) -> None:
    assert_rejected(".".join(parts), version)


@SLOW
@given(version=versions, segment=st.integers(0, 4), text=st.text(min_size=1, max_size=30))
def test_a_segment_replaced_by_anything(version: jwt.Version, segment: int, text: str) -> None:
    parts = TOKENS[version].split(".")
    if parts[segment] != text:
        parts[segment] = text
        assert_rejected(".".join(parts), version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_non_canonical_base64url_in_every_segment(version: jwt.Version) -> None:
    parts = TOKENS[version].split(".")
    spare_bits = {2: 0x0F, 3: 0x03}
    checked = 0
    for segment in (0, 2, 3, 4):
        bits = spare_bits.get(len(parts[segment]) % 4)
        if bits is None:
            continue
        last = URL_ALPHABET.index(parts[segment][-1])
        for spare in range(1, bits + 1):
            changed = [*parts]
            changed[segment] = parts[segment][:-1] + URL_ALPHABET[last | spare]
            with pytest.raises(MalformedToken):
                jwt.decode(".".join(changed), secret=SECRET, version=version)
            checked += 1
    assert checked


@SLOW
@given(version=versions, extra=st.integers(1, 100_000))
def test_oversized(version: jwt.Version, extra: int) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode("A" * (jwt.MAX_TOKEN_LENGTH + extra), secret=SECRET, version=version)


@SLOW
@given(
    version=versions,
    token=st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.binary()
    | st.lists(st.text(), max_size=3)
    | st.dictionaries(st.text(), st.text(), max_size=3)
    | st.builds(bytearray, st.binary())
    | st.builds(memoryview, st.binary()),
)
def test_non_string_input(version: jwt.Version, token: Any) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET, version=version)


def test_the_tokens_tampered_with_above_are_valid() -> None:
    """So every rejection above is earned by the change, not by the token."""
    for version, token in TOKENS.items():
        claims = jwt.decode(token, secret=SECRET, version=version)
        assert claims["exp"] > time.time() + 3600
        assert uuid.UUID(claims["jti"])
