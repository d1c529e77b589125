"""NextAuth v4 (next-auth 4.24) and Auth.js v5 (@auth/core 0.41): every wire difference.

Everything that differs between the two versions lives here as data, so the
rest of the package asks ``dialect(version).something`` instead of comparing
version strings. Facts and their sources: ``docs/protocol.md`` (sessions,
cookies, CSRF, routes) and ``docs/protocol-providers.md`` (OAuth check
cookies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CHECK_COOKIE_MAX_AGE",
    "COOKIE_ATTRIBUTES",
    "CookieAttributes",
    "DIALECTS",
    "CookieKind",
    "CookieSpec",
    "Dialect",
    "V4",
    "V5",
    "VERSIONS",
    "Version",
    "dialect",
]

Version = Literal["v4", "v5"]
#: Every version, in the order they came out (the one list: settings, commands, tests).
VERSIONS: tuple[Version, ...] = ("v4", "v5")
CookieKind = Literal[
    "session_token", "csrf_token", "callback_url", "state", "pkce_code_verifier", "nonce"
]
#: Lifetime of the OAuth check cookies (state, PKCE verifier, nonce), in seconds.
CHECK_COOKIE_MAX_AGE = 15 * 60


@dataclass(frozen=True)
class CookieAttributes:
    """The attributes NextAuth writes on every one of its cookies, in both versions."""

    http_only: bool = True
    #: ``None`` replaces it only for the check cookies of a ``form_post`` provider.
    same_site: str = "Lax"
    path: str = "/"


COOKIE_ATTRIBUTES = CookieAttributes()


@dataclass(frozen=True)
class CookieSpec:
    """How NextAuth names and writes one of its cookies.

    ``name`` is the plain name; :meth:`full_name` adds ``__Secure-`` / ``__Host-``.
    ``max_age``: the ``Max-Age`` attribute NextAuth writes (``None``: none), and
    ``expires``: whether it writes ``Expires`` (now + the cookie's lifetime). The
    attributes every cookie shares are :data:`COOKIE_ATTRIBUTES`.
    """

    kind: CookieKind
    name: str
    host_prefix: bool = False
    max_age: int | None = None
    expires: bool = False

    def full_name(self, secure: bool) -> str:
        if not secure:
            return self.name
        return ("__Host-" if self.host_prefix else "__Secure-") + self.name


def _cookies(prefix: str) -> dict[CookieKind, CookieSpec]:
    # Both versions write the same attributes; only the name prefix differs.
    check = CHECK_COOKIE_MAX_AGE
    return {
        "session_token": CookieSpec("session_token", f"{prefix}.session-token", expires=True),
        "csrf_token": CookieSpec("csrf_token", f"{prefix}.csrf-token", host_prefix=True),
        "callback_url": CookieSpec("callback_url", f"{prefix}.callback-url"),
        "state": CookieSpec("state", f"{prefix}.state", max_age=check, expires=True),
        "pkce_code_verifier": CookieSpec(
            "pkce_code_verifier", f"{prefix}.pkce.code_verifier", max_age=check, expires=True
        ),
        # NextAuth writes the nonce cookie with Expires only.
        "nonce": CookieSpec("nonce", f"{prefix}.nonce", expires=True),
    }


@dataclass(frozen=True)
class Dialect:
    """One NextAuth version's wire rules."""

    version: Version
    #: ``enc`` of session tokens (and check cookies) this version writes.
    enc: str
    #: The ``enc`` values it reads (v5 also reads v4's ``A256GCM``).
    decode_encs: tuple[str, ...]
    #: Whether the JWE key-derivation salt is the token's cookie name (v5) or ``""`` (v4).
    salt_is_cookie_name: bool
    #: The HKDF ``info`` label; v4 appends `` (<salt>)`` only for a non-empty salt, v5 always.
    key_info: str
    #: Whether the protected header names its key: ``kid`` = the RFC 7638 thumbprint (v5).
    header_kid: bool
    #: Session-cookie chunk size: 4096 minus NextAuth's estimate of an empty cookie.
    chunk_size: int
    cookies: dict[CookieKind, CookieSpec]
    #: ``GET /session`` body when signed out: v4's client wants ``{}``, v5's ``null``.
    signed_out_body: Any
    #: Whether the CSRF hash input is every secret comma-joined (``${secret}`` of a JS
    #: array, v5) rather than one secret at a time (v4).
    csrf_joins_secrets: bool
    #: Whether the v4 client's ``POST /_log`` route exists.
    has_log_route: bool
    #: v4 redirects error codes to ``{base}/error`` (which may bounce to the sign-in
    #: page); v5 sends them to the configured error / sign-in page directly.
    errors_via_error_route: bool
    #: Whether the error page matches ``?error=`` case-insensitively (v4) or exactly.
    error_codes_ignore_case: bool
    #: The session dict is built from the decoded claims (v4) or from the ``jwt``
    #: callback's result (v5).
    session_from_jwt_result: bool
    #: ``authorize`` results get a string ``id`` (a random UUID when missing), as
    #: @auth/core does.
    stringify_user_id: bool
    #: The message of NextAuth's JSON 500 answer to a configuration error.
    config_message: str
    #: E-mail sign-in (``docs/protocol-providers.md`` §2). v4's default address
    #: check also wants a "." in the domain.
    email_domain_needs_dot: bool
    #: The ``id`` of the placeholder user of an address with no account: the address
    #: itself (v4) or a random UUID (v5).
    email_placeholder_id: Literal["email", "uuid"]
    #: v4 reports a failed step of an e-mail sign-in with its own code (``EmailSignin``,
    #: ``EmailCreateAccount``, ``Callback``); v5 reports them all as ``Configuration``.
    step_error_codes: bool

    def cookie(self, kind: CookieKind, *, secure: bool) -> str:
        """The full cookie name of ``kind``: ``[__Secure-|__Host-]<prefix>.<suffix>``."""
        return self.cookies[kind].full_name(secure)

    def salt(self, cookie_name: str) -> str:
        """The JWE key-derivation salt of a token stored in ``cookie_name``."""
        return cookie_name if self.salt_is_cookie_name else ""

    @property
    def default_salt(self) -> str:
        """The salt ``encode`` / ``decode`` use when given none: the plain session cookie's."""
        return self.salt(self.cookies["session_token"].name)

    def hkdf_info(self, salt: str) -> bytes:
        """The HKDF ``info`` that derives the content-encryption key for ``salt``."""
        if salt or self.salt_is_cookie_name:
            return f"{self.key_info} ({salt})".encode()
        return self.key_info.encode()


V4 = Dialect(
    version="v4",
    enc="A256GCM",
    decode_encs=("A256GCM",),
    salt_is_cookie_name=False,
    key_info="NextAuth.js Generated Encryption Key",
    header_kid=False,
    chunk_size=4096 - 163,
    cookies=_cookies("next-auth"),
    signed_out_body={},
    csrf_joins_secrets=False,
    has_log_route=True,
    errors_via_error_route=True,
    error_codes_ignore_case=True,
    session_from_jwt_result=False,
    stringify_user_id=False,
    config_message="There is a problem with the server configuration. "
    "Check the server logs for more information.",
    email_domain_needs_dot=True,
    email_placeholder_id="email",
    step_error_codes=True,
)
V5 = Dialect(
    version="v5",
    enc="A256CBC-HS512",
    decode_encs=("A256CBC-HS512", "A256GCM"),
    salt_is_cookie_name=True,
    key_info="Auth.js Generated Encryption Key",
    header_kid=True,
    chunk_size=4096 - 160,
    cookies=_cookies("authjs"),
    signed_out_body=None,
    csrf_joins_secrets=True,
    has_log_route=False,
    errors_via_error_route=False,
    error_codes_ignore_case=False,
    session_from_jwt_result=True,
    stringify_user_id=True,
    config_message="There was a problem with the server configuration. "
    "Check the server logs for more information.",
    email_domain_needs_dot=False,
    email_placeholder_id="uuid",
    step_error_codes=False,
)
DIALECTS: dict[str, Dialect] = {d.version: d for d in (V4, V5)}


def dialect(version: str) -> Dialect:
    """The :class:`Dialect` of a version in :data:`VERSIONS`; ``KeyError`` for anything else
    (settings validation rejects other values before they get here)."""
    return DIALECTS[version]
