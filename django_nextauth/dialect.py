"""NextAuth v4 (next-auth 4.24) and Auth.js v5 (@auth/core 0.41): every wire difference.

Everything that differs between the two versions lives here as data, so the
rest of the package asks ``dialect(version).something`` instead of comparing
version strings. Facts and their sources: ``docs/protocol.md`` (sessions,
cookies, CSRF, routes) and ``docs/protocol-providers.md`` (OAuth check
cookies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

__all__ = [
    "CHALLENGE_COOKIE_MAX_AGE",
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
    "session_token",
    "csrf_token",
    "callback_url",
    "state",
    "pkce_code_verifier",
    "nonce",
    "webauthn_challenge",
]
#: Lifetime of the OAuth check cookies (state, PKCE verifier, nonce), in seconds.
CHECK_COOKIE_MAX_AGE = 15 * 60
#: Lifetime of the WebAuthn challenge cookie (v5 only), in seconds.
CHALLENGE_COOKIE_MAX_AGE = 15 * 60


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

    ``name`` is the plain name; :meth:`full_name` adds ``__Secure-`` / ``__Host-``, unless
    the name was given by the site (``given``): NextAuth's ``cookies`` option uses a name as
    it is, on http and https alike.
    ``max_age``: the ``Max-Age`` attribute NextAuth writes (``None``: none), and
    ``expires``: whether it writes ``Expires`` (now + the cookie's lifetime). The
    attributes every cookie shares are :data:`COOKIE_ATTRIBUTES`.
    """

    kind: CookieKind
    name: str
    host_prefix: bool = False
    max_age: int | None = None
    expires: bool = False
    given: bool = False

    def full_name(self, secure: bool) -> str:
        if not secure or self.given:
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
    #: Whether the version has WebAuthn (Auth.js's ``webauthn`` provider type and its
    #: ``webauthnChallenge`` cookie); next-auth 4 has none.
    has_webauthn: bool

    # --- OAuth: next-auth 4 (openid-client) vs Auth.js (oauth4webapi) on the wire.
    # Facts and sources: docs/protocol-providers.md §1.2-1.11.
    #: Spaces in the authorization URL's query: ``%20`` (openid-client) or ``+``
    #: (``URLSearchParams``).
    oauth_space: str
    #: How the authorization URL's query is assembled (docs/protocol-providers.md §1.5):
    #: ``openid-client`` sets ``client_id``, ``scope`` (default ``openid``),
    #: ``response_type``, ``redirect_uri`` first; ``oauth4webapi`` (Auth.js) first merges
    #: the provider's parameters into an explicit URL, then sets ``response_type``,
    #: ``client_id``, ``redirect_uri``, and appends an OIDC provider's missing scope last.
    oauth_authorization_style: Literal["openid-client", "oauth4webapi"]
    #: The ``state`` parameter is a JWE (salt ``encodedState``) rather than the random value.
    oauth_state_is_jwe: bool
    #: An ``?error=`` from the IdP is reported before any check (v4) or only after
    #: ``iss`` and ``state`` passed (v5).
    oauth_idp_error_first: bool
    #: id_token ``exp`` / ``nbf`` / ``iat`` clock tolerance in seconds.
    id_token_clock_tolerance: int
    #: ``account.type`` is always ``"oauth"`` (v4) or the provider's type (v5); v4 also
    #: lists every OAuth provider as ``"oauth"`` in ``GET /providers``.
    oauth_account_type_is_oauth: bool
    #: The token response's ``expires_in`` stays in ``account`` (v5) or becomes
    #: ``expires_at`` only (openid-client's TokenSet).
    oauth_account_keeps_expires_in: bool
    #: ``user.id`` is a fresh UUID on every OAuth sign-in without an adapter (v5), not the
    #: profile's id (v4).
    oauth_random_user_id: bool
    #: ``?error=`` code per :data:`~django_nextauth.oauth.failures.ErrorKind` (``None``:
    #: back to the sign-in page without a code).
    oauth_error_codes: Mapping[str, str | None]
    #: The authorization parameters NextAuth's OIDC presets (Google, Auth0, ...) send:
    #: next-auth 4's definitions ask for ``openid email profile``; Auth.js's set none and
    #: append ``openid profile email`` as for any OIDC provider.
    oauth_oidc_preset_params: Mapping[str, str]
    # --- end of OAuth

    def cookie(self, kind: CookieKind, *, secure: bool) -> str:
        """The full cookie name of ``kind``: ``[__Secure-|__Host-]<prefix>.<suffix>``."""
        return self.cookies[kind].full_name(secure)

    def with_cookie_names(self, names: Mapping[CookieKind, str]) -> Dialect:
        """This dialect with the cookies of ``names`` renamed (their names used as given)."""
        if not names:
            return self
        cookies = {
            kind: replace(spec, name=names[kind], given=True) if kind in names else spec
            for kind, spec in self.cookies.items()
        }
        return replace(self, cookies=cookies)

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
    has_webauthn=False,
    # --- OAuth
    oauth_space="%20",
    oauth_authorization_style="openid-client",
    oauth_state_is_jwe=False,
    oauth_idp_error_first=True,
    id_token_clock_tolerance=10,
    oauth_account_type_is_oauth=True,
    oauth_account_keeps_expires_in=False,
    oauth_random_user_id=False,
    oauth_error_codes={
        "signin": "OAuthSignin",
        "callback": "OAuthCallback",
        "idp_error": "Callback",
        "profile": None,
    },
    oauth_oidc_preset_params={"scope": "openid email profile"},
)
V5 = Dialect(
    version="v5",
    enc="A256CBC-HS512",
    decode_encs=("A256CBC-HS512", "A256GCM"),
    salt_is_cookie_name=True,
    key_info="Auth.js Generated Encryption Key",
    header_kid=True,
    chunk_size=4096 - 160,
    cookies={
        **_cookies("authjs"),
        # @auth/core's webauthnChallenge: Max-Age and Expires, like the check cookies.
        "webauthn_challenge": CookieSpec(
            "webauthn_challenge",
            "authjs.challenge",
            max_age=CHALLENGE_COOKIE_MAX_AGE,
            expires=True,
        ),
    },
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
    has_webauthn=True,
    # --- OAuth
    oauth_space="+",
    oauth_authorization_style="oauth4webapi",
    oauth_state_is_jwe=True,
    oauth_idp_error_first=False,
    id_token_clock_tolerance=30,
    oauth_account_type_is_oauth=False,
    oauth_account_keeps_expires_in=True,
    oauth_random_user_id=True,
    oauth_error_codes={
        "signin": "Configuration",
        "callback": "Configuration",
        "idp_error": "OAuthCallbackError",
        "profile": None,
    },
    oauth_oidc_preset_params={},
)
DIALECTS: dict[str, Dialect] = {d.version: d for d in (V4, V5)}


def dialect(version: str) -> Dialect:
    """The :class:`Dialect` of a version in :data:`VERSIONS`; ``KeyError`` for anything else
    (settings validation rejects other values before they get here)."""
    return DIALECTS[version]
