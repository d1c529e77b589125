"""django_nextauth.jwt: format, keys, rotation, claims and header policy.

Tokens are checked against tests/jwe.py, an independent reference written from
the RFCs; tests/interop/ checks them against the real Node packages.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from django_nextauth import jwt, keys
from django_nextauth.dialect import V5
from django_nextauth.exceptions import (
    ClaimInvalid,
    ConfigurationError,
    DecryptionFailed,
    InvalidToken,
    MalformedToken,
    MissingSecret,
    TokenExpired,
)

from .jwe import (
    V4_HEADER,
    b64url,
    b64url_decode,
    cbc_hmac_tag,
    derive_key,
    header_segment,
    open_token,
    seal,
    thumbprint,
    v5_header,
)

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
OLD = "old-secret-9Qm2v8cV0pL3sX7aZ1rT5yU4wE6iO0n="
OTHER = "some-other-secret"
PAYLOAD = {"name": "Zoë Lovelace", "email": "zoe@example.com", "picture": None, "sub": "1"}
V4_KEY = derive_key(SECRET)
V5_KEY = derive_key(SECRET, version="v5")
V5_GCM_KEY = derive_key(SECRET, version="v5", length=32)
NOW = 1_800_000_000


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {**PAYLOAD, "iat": now, "exp": now + 60, "jti": str(uuid.uuid4()), **extra}


@pytest.fixture
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> float:
    """The clock reads NOW + 0.75 s, so whole-second rounding is visible."""
    monkeypatch.setattr(jwt.time, "time", lambda: NOW + 0.75)
    return NOW


# Round trips and format


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_round_trip(version: jwt.Version) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version=version, max_age=3600)
    decoded = jwt.decode(token, secret=SECRET, version=version)
    assert {key: decoded[key] for key in PAYLOAD} == PAYLOAD
    assert decoded["exp"] - decoded["iat"] == 3600
    assert abs(decoded["iat"] - time.time()) < 5
    assert uuid.UUID(decoded["jti"]).version == 4


def test_encode_sets_iat_exp_jti_over_the_payload() -> None:
    token = jwt.encode({**PAYLOAD, "iat": 1, "exp": 2, "jti": "mine"}, secret=SECRET)
    decoded = jwt.decode(token, secret=SECRET)
    assert decoded["iat"] > 1 and decoded["exp"] - decoded["iat"] == jwt.DEFAULT_MAX_AGE
    assert decoded["jti"] != "mine"


def test_each_token_has_a_fresh_iv_and_jti() -> None:
    first, second = (jwt.encode(PAYLOAD, secret=SECRET) for _ in range(2))
    assert first.split(".")[2] != second.split(".")[2]
    assert jwt.decode(first, secret=SECRET)["jti"] != jwt.decode(second, secret=SECRET)["jti"]


def test_v4_format_matches_the_reference() -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET)
    protected, encrypted_key, iv, _, tag = token.split(".")
    assert protected == "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0"  # next-auth's constant
    assert encrypted_key == ""
    assert (len(b64url_decode(iv)), len(b64url_decode(tag))) == (12, 16)
    header, plaintext = open_token(token, key=V4_KEY)
    assert header == V4_HEADER
    # JSON.stringify's bytes: compact, non-ASCII left as UTF-8.
    assert plaintext.startswith('{"name":"Zoë Lovelace","email":'.encode())


@pytest.mark.parametrize("salt", [None, "__Secure-authjs.session-token"])
def test_v5_format_matches_the_reference(salt: str | None) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version="v5", salt=salt)
    key = derive_key(SECRET, version="v5", salt=salt)
    protected, encrypted_key, iv, _, tag = token.split(".")
    assert b64url_decode(protected) == json.dumps(v5_header(key), separators=(",", ":")).encode()
    assert len(thumbprint(key)) == 86
    assert encrypted_key == ""
    assert (len(b64url_decode(iv)), len(b64url_decode(tag))) == (16, 32)
    assert json.loads(open_token(token, key=key)[1])["name"] == "Zoë Lovelace"


@pytest.mark.parametrize(
    ("version", "key", "header"),
    [
        ("v4", V4_KEY, V4_HEADER),
        ("v5", V5_KEY, v5_header(V5_KEY)),
        ("v5", V5_GCM_KEY, v5_header(V5_GCM_KEY, "A256GCM")),
        ("v5", V5_GCM_KEY, {"alg": "dir", "enc": "A256GCM"}),  # kid-less, as @auth/core accepts
    ],
)
def test_decodes_reference_tokens(version: jwt.Version, key: bytes, header: dict[str, Any]) -> None:
    expected = claims()
    assert jwt.decode(seal(expected, key=key, header=header), secret=SECRET, version=version) == (
        expected
    )


def test_typ_and_cty_headers_are_accepted_like_jose() -> None:
    header = {**V4_HEADER, "typ": "JWT", "cty": "JWT"}
    assert jwt.decode(seal(claims(), key=V4_KEY, header=header), secret=SECRET)["sub"] == "1"


def test_json_whitespace_is_accepted_like_json_parse() -> None:
    plaintext = b' { "sub" : "1" } \n'
    assert jwt.decode(seal(plaintext, key=V4_KEY, header=V4_HEADER), secret=SECRET) == {"sub": "1"}


def test_lone_surrogates_are_escaped_like_json_stringify() -> None:
    token = jwt.encode({"name": "a\ud800b"}, secret=SECRET)
    assert b'"a\\ud800b"' in open_token(token, key=V4_KEY)[1]
    assert jwt.decode(token, secret=SECRET)["name"] == "a\ud800b"


# Salts and versions


def test_v4_salt_changes_the_key_and_info() -> None:
    key = derive_key(SECRET, salt="next-auth.state")
    token = seal(claims(), key=key, header=V4_HEADER)
    assert jwt.decode(token, secret=SECRET, salt="next-auth.state")["sub"] == "1"
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=SECRET)


def test_v5_default_salt_is_the_session_cookie_name() -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version="v5")
    assert V5.default_salt == "authjs.session-token"
    assert jwt.decode(token, secret=SECRET, version="v5", salt="authjs.session-token")
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=SECRET, version="v5", salt="__Secure-authjs.session-token")


def test_a_v4_token_is_not_a_v5_token_and_back() -> None:
    v4_token = jwt.encode(PAYLOAD, secret=SECRET)
    v5_token = jwt.encode(PAYLOAD, secret=SECRET, version="v5")
    with pytest.raises(DecryptionFailed):  # A256GCM is allowed in v5, the key differs
        jwt.decode(v4_token, secret=SECRET, version="v5")
    with pytest.raises(MalformedToken):  # A256CBC-HS512 is not allowed in v4
        jwt.decode(v5_token, secret=SECRET, version="v4")


# Secrets and rotation


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_wrong_secret(version: jwt.Version) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version=version)
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=OTHER, version=version)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_rotation_encodes_with_the_first_and_decodes_with_any(version: jwt.Version) -> None:
    token = jwt.encode(PAYLOAD, secret=[SECRET, OLD], version=version)
    assert jwt.decode(token, secret=SECRET, version=version)["sub"] == "1"
    assert jwt.decode(token, secret=(OLD, SECRET), version=version)["sub"] == "1"
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=OLD, version=version)


def test_v5_kid_picks_the_secret() -> None:
    token = jwt.encode(PAYLOAD, secret=OLD, version="v5")
    assert jwt.decode(token, secret=[SECRET, OTHER, OLD], version="v5")["sub"] == "1"
    with pytest.raises(DecryptionFailed):
        jwt.decode(token, secret=[SECRET, OTHER], version="v5")


def test_v5_unknown_kid_is_not_tried_against_the_secrets() -> None:
    header = {**v5_header(V5_KEY), "kid": thumbprint(derive_key(OTHER, version="v5"))}
    with pytest.raises(DecryptionFailed):
        jwt.decode(seal(claims(), key=V5_KEY, header=header), secret=SECRET, version="v5")


def test_kidless_v5_gcm_tries_every_secret() -> None:
    token = seal(claims(), key=V5_GCM_KEY, header={"alg": "dir", "enc": "A256GCM"})
    assert jwt.decode(token, secret=[OTHER, OLD, SECRET], version="v5")["sub"] == "1"


@pytest.mark.parametrize("secret", [None, "", [], (), [""], [SECRET, ""], [SECRET, 1], b"x"])
def test_missing_or_bad_secret(secret: Any) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET)
    with pytest.raises(MissingSecret):
        jwt.decode(token, secret=secret)
    with pytest.raises(MissingSecret):
        jwt.encode(PAYLOAD, secret=secret)


def test_a_missing_secret_is_a_configuration_error_not_a_bad_token() -> None:
    assert issubclass(MissingSecret, ConfigurationError)
    assert not issubclass(MissingSecret, InvalidToken)


def test_unknown_version() -> None:
    with pytest.raises(ConfigurationError):
        jwt.decode("x", secret=SECRET, version="v6")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        jwt.encode(PAYLOAD, secret=SECRET, version="v3")  # type: ignore[arg-type]


def test_derived_keys_are_cached_and_bounded() -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET)
    jwt.decode(token, secret=SECRET)
    before = keys.keyring.cache_info()
    for _ in range(3):
        jwt.decode(token, secret=SECRET)
    after = keys.keyring.cache_info()
    assert after.misses == before.misses
    assert after.maxsize is not None and after.maxsize <= 256


def test_the_secret_never_shows() -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET)
    errors = []
    for bad in (token[:-2], token + "x", "a.b.c.d.e", token.replace(".", "..", 1)):
        with pytest.raises(InvalidToken) as caught:
            jwt.decode(bad, secret=SECRET)
        errors.append(caught.value)
    with pytest.raises(InvalidToken) as caught:
        jwt.decode(token, secret=OTHER)
    errors.append(caught.value)
    derived = keys.keyring((SECRET,), "", "v4", "A256GCM")
    shown = " ".join([*map(str, errors), *map(repr, errors), *map(repr, derived)])
    for secret_thing in (SECRET, OTHER, b64url(V4_KEY), V4_KEY.hex()):
        assert secret_thing not in shown


# Registered claims (jose's rules: whole-second clock, 15 s tolerance)


@pytest.mark.parametrize(
    ("claim", "value", "error"),
    [
        ("exp", NOW - 15, TokenExpired),
        ("exp", NOW - 14, None),
        ("exp", NOW - 15 + 0.5, None),  # jose compares against whole seconds
        ("nbf", NOW + 15, None),
        ("nbf", NOW + 16, ClaimInvalid),
        ("nbf", NOW + 15.5, ClaimInvalid),
        ("iat", NOW + 10_000, None),  # iat is only type-checked
    ],
)
def test_time_claims(frozen_time: int, claim: str, value: float, error: type | None) -> None:
    token = seal({"sub": "1", claim: value}, key=V4_KEY, header=V4_HEADER)
    if error is None:
        assert jwt.decode(token, secret=SECRET)[claim] == value
    else:
        with pytest.raises(error):
            jwt.decode(token, secret=SECRET)


def test_claims_without_exp_are_accepted_like_jose(frozen_time: int) -> None:
    token = seal({"sub": "1"}, key=V4_KEY, header=V4_HEADER)
    assert jwt.decode(token, secret=SECRET) == {"sub": "1"}


def test_an_expired_token_from_encode(frozen_time: int) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, max_age=-16)
    with pytest.raises(TokenExpired):
        jwt.decode(token, secret=SECRET)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", ["1800000000", True, None, [1], {"n": 1}])
def test_time_claims_must_be_numbers(claim: str, value: Any) -> None:
    token = seal(claims(**{claim: value}), key=V4_KEY, header=V4_HEADER)
    with pytest.raises(ClaimInvalid):
        jwt.decode(token, secret=SECRET)


# Header policy (tokens sealed with the real key: the header alone decides)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "enc": "A256GCM"},
        {"alg": "A256KW", "enc": "A256GCM"},
        {"enc": "A256GCM"},
        {"alg": "dir"},
        {"alg": "dir", "enc": "A128GCM"},
        {"alg": "dir", "enc": "A256CBC-HS512"},  # swapped enc: not allowed in v4
        {"alg": "dir", "enc": "A256GCM", "zip": "DEF"},
        {"alg": "dir", "enc": "A256GCM", "crit": ["exp"], "exp": 1},
        {"alg": "dir", "enc": "A256GCM", "jku": "https://example.com/keys"},
        {"alg": "dir", "enc": "A256GCM", "kid": 7},
        {"alg": "dir", "enc": "A256GCM", "kid": "é"},
        {"alg": ["dir"], "enc": "A256GCM"},
    ],
    ids=repr,
)
def test_header_policy_v4(header: dict[str, Any]) -> None:
    token = seal(claims(), key=V4_KEY, header=header, enc="A256GCM")
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET)


@pytest.mark.parametrize(
    "header",
    [
        b"",
        b"not json",
        b"[]",
        b'"dir"',
        b"null",
        b'{"alg":"dir","enc":"A256GCM","x":NaN}',
        b'{"alg":"dir","enc":"A256GCM"} {}',
        b'{"alg":"dir","enc":"A256GCM"\xff}',
        b"[" * 5_000,
        b'{"a":' * 3_000,
    ],
    ids=lambda header: repr(header[:40]),
)
def test_header_that_is_not_a_json_object(header: bytes) -> None:
    token = seal(claims(), key=V4_KEY, header=header)
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET)


def test_swapped_enc_v5() -> None:
    # A GCM ciphertext under a header claiming CBC, and the reverse.
    for header, enc in ((v5_header(V5_KEY), "A256GCM"), (v5_header(V5_GCM_KEY, "A256GCM"), "X")):
        token = seal(claims(), key=V5_KEY, header=header, enc=enc)
        with pytest.raises(InvalidToken):
            jwt.decode(token, secret=SECRET, version="v5")


# Segments


def test_encrypted_key_must_be_empty() -> None:
    protected, _, iv, ciphertext, tag = jwt.encode(PAYLOAD, secret=SECRET).split(".")
    with pytest.raises(MalformedToken):
        jwt.decode(".".join((protected, "AAAA", iv, ciphertext, tag)), secret=SECRET)


def test_wrong_iv_length() -> None:
    token = seal(claims(), key=V4_KEY, header=V4_HEADER, iv=bytes(16))  # GCM takes any IV size
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET)


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_truncated_tag(version: jwt.Version) -> None:
    protected, _, iv, ciphertext, tag = jwt.encode(PAYLOAD, secret=SECRET, version=version).split(
        "."
    )
    short_tag = b64url(b64url_decode(tag)[:12])
    with pytest.raises(MalformedToken):
        jwt.decode(
            ".".join((protected, "", iv, ciphertext, short_tag)), secret=SECRET, version=version
        )


def _cbc_token(iv: bytes, ciphertext: bytes) -> str:
    """An A256CBC-HS512 token with a valid MAC over an arbitrary ciphertext."""
    protected = header_segment(v5_header(V5_KEY))
    tag = cbc_hmac_tag(V5_KEY, protected.encode(), iv, ciphertext)
    return ".".join((protected, "", b64url(iv), b64url(ciphertext), b64url(tag)))


def test_cbc_bad_padding_behind_a_valid_mac() -> None:
    iv = bytes(range(16))
    for block in (b'{"sub":"1"}' + bytes(5), b'{"sub":"12"}' + b"\x05" * 4, bytes(16)):
        encryptor = Cipher(algorithms.AES(V5_KEY[32:]), modes.CBC(iv)).encryptor()
        token = _cbc_token(iv, encryptor.update(block) + encryptor.finalize())
        with pytest.raises(DecryptionFailed):
            jwt.decode(token, secret=SECRET, version="v5")


@pytest.mark.parametrize("length", [0, 15, 17])
def test_cbc_ciphertext_not_whole_blocks(length: int) -> None:
    with pytest.raises(DecryptionFailed):
        jwt.decode(_cbc_token(bytes(16), bytes(length)), secret=SECRET, version="v5")


def test_cbc_decryption_is_right_after_any_earlier_token() -> None:
    """Each CBC decryption stands alone: no state carries from one token to the next."""
    tokens = [jwt.encode({"n": n * "x"}, secret=SECRET, version="v5") for n in range(40)]
    for n, token in reversed(list(enumerate(tokens))):
        assert jwt.decode(token, secret=SECRET, version="v5")["n"] == n * "x"


# Raw input


@pytest.mark.parametrize("token", [None, 1, b"a.b.c.d.e", ["a"], {"t": 1}, 1.5, object()])
def test_non_string_tokens(token: Any) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET)


@pytest.mark.parametrize("char", ["+", "/", "=", " ", "\n", "\x00", "é", "%", "!", "*"])
def test_characters_outside_base64url(char: str) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET)
    position = token.rindex(".") + 3
    with pytest.raises(MalformedToken):
        jwt.decode(token[:position] + char + token[position + 1 :], secret=SECRET)
    with pytest.raises(MalformedToken):
        jwt.decode(token + char, secret=SECRET)


def test_padded_segments_are_not_base64url() -> None:
    protected, _, iv, ciphertext, tag = jwt.encode(PAYLOAD, secret=SECRET).split(".")
    assert len(tag) % 4 == 2
    with pytest.raises(MalformedToken):
        jwt.decode(".".join((protected, "", iv, ciphertext, tag + "==")), secret=SECRET)


def test_non_canonical_base64url_is_rejected() -> None:
    """The unused low bits of the last character must be zero (tag: 22 chars, 4 spare bits)."""
    token = jwt.encode(PAYLOAD, secret=SECRET)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    assert last & 0x0F == 0
    for spare in range(1, 16):
        variant = token[:-1] + alphabet[last | spare]
        assert b64url_decode(variant.split(".")[-1]) == b64url_decode(token.split(".")[-1])
        with pytest.raises(MalformedToken):
            jwt.decode(variant, secret=SECRET)


def test_size_bound_applies_before_any_crypto() -> None:
    big = {"blob": "x" * 47_000}
    token = jwt.encode(big, secret=SECRET)
    assert len(token) <= jwt.MAX_TOKEN_LENGTH
    assert jwt.decode(token, secret=SECRET)["blob"] == big["blob"]
    too_big = jwt.encode({"blob": "x" * 50_000}, secret=SECRET)
    assert len(too_big) > jwt.MAX_TOKEN_LENGTH
    with pytest.raises(MalformedToken):
        jwt.decode(too_big, secret=SECRET)
    with pytest.raises(MalformedToken):
        jwt.decode("a" * (jwt.MAX_TOKEN_LENGTH + 1), secret=SECRET)


@pytest.mark.parametrize(
    "token", ["", ".", "....", "a.b.c.d", "a..b.c.d.e", "a..b.c", "eyJhbGciOiJub25lIn0.e30."]
)
def test_not_a_compact_jwe(token: str) -> None:
    with pytest.raises(MalformedToken):
        jwt.decode(token, secret=SECRET)


def test_salt_must_be_a_string() -> None:
    with pytest.raises(ConfigurationError, match="salt"):
        jwt.encode(PAYLOAD, secret=SECRET, salt=1)  # type: ignore[arg-type]
