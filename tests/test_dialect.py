"""The v4 / v5 table: the facts keys.py, jwt.py and the settings read from it."""

from __future__ import annotations

import pytest

from django_nextauth.dialect import COOKIE_ATTRIBUTES, DIALECTS, V4, V5, VERSIONS, dialect


def test_one_list_of_versions() -> None:
    assert VERSIONS == ("v4", "v5") == tuple(DIALECTS)
    assert [dialect(version).version for version in VERSIONS] == list(VERSIONS)
    with pytest.raises(KeyError):
        dialect("v6")


@pytest.mark.parametrize(
    ("salt", "v4", "v5"),
    [
        ("", b"NextAuth.js Generated Encryption Key", b"Auth.js Generated Encryption Key ()"),
        (
            "authjs.session-token",
            b"NextAuth.js Generated Encryption Key (authjs.session-token)",
            b"Auth.js Generated Encryption Key (authjs.session-token)",
        ),
    ],
)
def test_hkdf_info(salt: str, v4: bytes, v5: bytes) -> None:
    assert (V4.hkdf_info(salt), V5.hkdf_info(salt)) == (v4, v5)


def test_salts_and_content_encryption() -> None:
    assert (V4.default_salt, V5.default_salt) == ("", "authjs.session-token")
    assert V5.salt("__Secure-authjs.session-token") == "__Secure-authjs.session-token"
    assert V4.salt("__Secure-next-auth.session-token") == ""
    assert (V4.enc, V4.decode_encs) == ("A256GCM", ("A256GCM",))
    assert (V5.enc, V5.decode_encs) == ("A256CBC-HS512", ("A256CBC-HS512", "A256GCM"))
    assert (V4.header_kid, V5.header_kid) == (False, True)


def test_every_cookie_shares_its_attributes() -> None:
    assert (COOKIE_ATTRIBUTES.path, COOKIE_ATTRIBUTES.http_only) == ("/", True)
    assert COOKIE_ATTRIBUTES.same_site == "Lax"
