"""django_nextauth.keys: the strict base64url decoder's fast way against its plain way.

``keys.b64decode`` (strict ``a2b_base64`` over a translated alphabet plus a last-character
bit test) is a speed trick; these tests pin its invariant: it accepts exactly the
segments ``keys.b64decode_plain`` accepts (alphabet, length, canonical trailing bits),
with the same bytes. ``keys.dumps`` (prebuilt encoders) writes what ``json.dumps`` writes.
"""

from __future__ import annotations

import binascii
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from django_nextauth import keys
from tests.strategies import json_like

URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# The URL alphabet, the standard one's extra characters, padding, whitespace, and others.
NEAR_ALPHABET = URL_ALPHABET + "+/=. \t\n\r\x00\x0b!*%~"


def outcome(decode: Callable[[str], bytes], segment: str) -> bytes | None:
    """What ``decode`` makes of ``segment``: its bytes, or ``None`` when it refuses."""
    try:
        return decode(segment)
    except binascii.Error:
        return None


@given(st.text(alphabet=NEAR_ALPHABET, max_size=40))
@example("")
@example("QQ")  # canonical: 4 spare bits zero
@example("QR")  # the same byte with a spare bit set
@example("QUI")
@example("QUJ")
@example("QQ==")  # padded
@example("Q")  # a length of 4n + 1
@example("QUJD====")  # strict a2b_base64 alone accepts this
@example("a+b/")
def test_fast_decode_agrees_with_the_plain_one(segment: str) -> None:
    assert outcome(keys.b64decode, segment) == outcome(keys.b64decode_plain, segment)


@given(st.binary(max_size=64), st.integers(0, 63))
def test_every_last_character_of_real_encodings(data: bytes, last: int) -> None:
    """A canonical encoding decodes; with its last character changed, both agree."""
    segment = keys.b64encode(data).decode()
    assert keys.b64decode(segment) == data
    if segment:
        changed = segment[:-1] + URL_ALPHABET[last]
        assert outcome(keys.b64decode, changed) == outcome(keys.b64decode_plain, changed)


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="3.10 has no strict a2b_base64")
def test_python_3_10_uses_the_plain_way() -> None:
    assert keys.b64decode is keys.b64decode_plain


JSON_VALUES = json_like(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    keys=st.text(),
)


@given(JSON_VALUES, st.sampled_from(["", "\ud800", "é", "\x00"]))
def test_dumps_writes_what_json_dumps_writes(value: Any, text: str) -> None:
    # The prebuilt encoders against json.dumps with the same options, lone surrogates included.
    value = [value, text]
    try:
        expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        expected_bytes = expected.encode()
    except UnicodeEncodeError:
        expected_bytes = json.dumps(value, separators=(",", ":"), allow_nan=False).encode()
    assert keys.dumps(value) == expected_bytes


@pytest.mark.parametrize("number", [float("nan"), float("inf")])
def test_dumps_refuses_what_json_cannot_carry(number: float) -> None:
    with pytest.raises(ValueError):
        keys.dumps({"x": number})
