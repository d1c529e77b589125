"""NextAuth's double-submit CSRF cookie.

The cookie (``next-auth.csrf-token`` / ``authjs.csrf-token``, ``__Host-`` on
https) holds ``<token>|<hash>`` with ``token`` 32 random bytes as 64 hex digits
and ``hash = sha256hex(token + secret)``. A POST is verified when the cookie's
hash matches and the body field ``csrfToken`` equals the cookie's token. The
hash input uses the secret the way each NextAuth version does: v5 interpolates
its (possibly array) secret into a template string, so a list is comma-joined;
v4 has a single string secret, which is our first one (older secrets still
verify, so rotating the secret does not reset every visitor's token).

Every API response re-issues the cookie when it is missing or does not verify,
as NextAuth's ``init`` does.

The pair is bound to no origin, so a sibling site that can set a cookie for this
host (a subdomain over plain http, or any site when ``__Host-`` is not in use)
could forge it. :func:`origin_verified` adds the check Django's
``CsrfViewMiddleware`` makes: a POST whose ``Origin`` (else ``Referer``) header is
present must come from the site itself or a ``CSRF_TRUSTED_ORIGINS`` entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _random
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import is_same_domain

from .conf import nextauth_settings
from .cookies import read_cookie, set_cookie, use_secure_cookies
from .dialect import dialect
from .redirects import normalize_origin

__all__ = [
    "CsrfState",
    "apply_csrf_cookie",
    "csrf_hash",
    "get_csrf_state",
    "make_csrf_cookie",
    "origin_verified",
]


@dataclass(frozen=True)
class CsrfState:
    """The CSRF token for this request and whether the POST carrying it is verified."""

    token: str
    #: The new cookie value to set, or ``None`` when the incoming cookie is reused.
    cookie_value: str | None
    verified: bool
    cookie_name: str
    secure: bool


def csrf_hash(token: str, secret: str) -> str:
    """``sha256hex(token + secret)``: the second half of the cookie value."""
    return hashlib.sha256((token + secret).encode("utf-8")).hexdigest()


def _hash_secrets() -> tuple[str, ...]:
    """The secret strings a cookie hash may be made with, the issuing one first."""
    configured = nextauth_settings.secrets
    if dialect(str(nextauth_settings.VERSION)).csrf_joins_secrets:
        # `${secret}` of a JavaScript array is its elements joined with ",".
        return (",".join(configured),)
    return configured


def make_csrf_cookie() -> tuple[str, str]:
    """A fresh ``(token, cookie_value)`` pair."""
    token = _random.token_hex(32)
    return token, f"{token}|{csrf_hash(token, _hash_secrets()[0])}"


def _cookie_token(value: str | None) -> str | None:
    """The token of a cookie value whose hash verifies, else ``None``."""
    if not value or "|" not in value:
        return None
    token, _, digest = value.partition("|")
    if not token or "|" in digest:
        return None
    # Check every candidate secret so that the time taken does not say which matched.
    matched = False
    for secret in _hash_secrets():
        expected = csrf_hash(token, secret)
        matched |= hmac.compare_digest(expected.encode(), digest.encode("utf-8", "replace"))
    return token if matched else None


def get_csrf_state(request: HttpRequest, *, body_token: object = None) -> CsrfState:
    """Read the CSRF cookie, verify ``body_token`` against it on POST, mint one if needed.

    ``body_token`` is the request body's ``csrfToken`` field (never the query
    string or a header, as in NextAuth). Raises
    :class:`~django_nextauth.exceptions.MissingSecret` when no secret is configured.
    """
    secure = use_secure_cookies(request)
    name = nextauth_settings.dialect.cookie("csrf_token", secure=secure)
    token = _cookie_token(read_cookie(request, name))
    if token is None:
        token, value = make_csrf_cookie()
        return CsrfState(token, value, False, name, secure)
    verified = (
        request.method == "POST"
        and isinstance(body_token, str)
        and hmac.compare_digest(token.encode("utf-8"), body_token.encode("utf-8", "replace"))
    )
    return CsrfState(token, None, verified, name, secure)


def apply_csrf_cookie(response: HttpResponseBase, state: CsrfState) -> None:
    """Set the CSRF cookie on ``response`` when ``state`` minted a new one."""
    if state.cookie_value is not None:
        set_cookie(response, state.cookie_name, state.cookie_value, secure=state.secure)


def origin_verified(request: HttpRequest, site_origin: str) -> bool:
    """Whether the request's ``Origin`` (else ``Referer``) may post to the auth API.

    True when neither header is sent (non-browser clients), or when the one sent
    names ``site_origin``, the origin the request was addressed to, or a
    ``CSRF_TRUSTED_ORIGINS`` entry (``https://*.example.com`` wildcards included).
    """
    header = request.META.get("HTTP_ORIGIN")
    if header is None:
        header = request.META.get("HTTP_REFERER")
        if header is None:
            return True
    origin = normalize_origin(str(header))
    if origin is None:  # "null" (sandboxed or privacy-stripped), garbage, another scheme
        return False
    allowed = {site_origin, normalize_origin(f"{request.scheme}://{request.get_host()}")}
    if origin in allowed:
        return True
    return any(_trusted(origin, entry) for entry in settings.CSRF_TRUSTED_ORIGINS)


def _trusted(origin: str, entry: str) -> bool:
    """``origin`` matches one ``CSRF_TRUSTED_ORIGINS`` entry, as Django matches them."""
    if "*" not in entry:
        return normalize_origin(entry) == origin
    entry_parts, parts = urlsplit(entry), urlsplit(origin)
    return entry_parts.scheme == parts.scheme and is_same_domain(
        parts.netloc, entry_parts.netloc.replace("*", "", 1)
    )
