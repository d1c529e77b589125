"""Safe redirect targets: NextAuth's default ``redirect`` callback, hardened.

NextAuth's default callback (v4 ``default-callbacks.ts``, v5 ``init.ts``) is::

    if url starts with "/":            return baseUrl + url
    elif new URL(url).origin == baseUrl: return url
    else:                               return baseUrl

:func:`default_redirect` keeps that contract and answers ``base_url`` for
anything that could leave the site or confuse a browser: scheme-relative
(``//evil``) and backslash (``/\\evil``) paths, the same hidden behind
percent-encoding, control characters and whitespace, other schemes
(``javascript:``, ``data:``), userinfo (``https://site@evil``), other hosts or
ports, non-ASCII (look-alike) host names and unparsable URLs. Django's
:func:`~django.utils.http.url_has_allowed_host_and_scheme` checks every answer
once more.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

__all__ = ["MAX_URL_LENGTH", "default_redirect", "normalize_origin"]

#: Longer callback URLs are refused: they would not fit in the callback-url cookie.
MAX_URL_LENGTH = 2048

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Decode this many rounds of percent-encoding when looking for a hidden "//" or "/\".
_UNQUOTE_ROUNDS = 3


def default_redirect(*, url: str, base_url: str, request: HttpRequest | None = None) -> str:
    """Where to send the browser for ``url``: on this site, or ``base_url`` (the site origin).

    A path starting with ``/`` is joined to ``base_url``; an absolute URL with
    exactly ``base_url``'s origin (scheme, host and port) is returned unchanged;
    everything else gives ``base_url``. ``request`` is accepted for the callback
    signature and not used.
    """
    base_origin = normalize_origin(base_url)
    if base_origin is None or not isinstance(url, str) or not _is_clean(url):
        return base_url
    if url.startswith("/"):
        if _hides_authority(url):
            return base_url
        candidate = base_url.rstrip("/") + url
    else:
        candidate = url
    return candidate if _is_on_site(candidate, base_origin) else base_url


def normalize_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower-cased, default port dropped.

    ``None`` for anything that has no such origin or that we refuse to treat as
    one: other schemes, userinfo, a bad port, a non-ASCII or empty host.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host or not host.isascii():
        return None
    if "@" in parts.netloc or "\\" in parts.netloc or "%" in parts.netloc:
        return None
    if ":" in host:  # IPv6 literal: urlsplit strips the brackets.
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _is_clean(url: str) -> bool:
    """Non-empty, not too long, no whitespace, control, format or separator characters."""
    # Browsers strip tabs and newlines from URLs and some treat other invisible
    # characters specially, so any of them is a reason to refuse the URL.
    return 0 < len(url) <= MAX_URL_LENGTH and all(_is_visible(ch) for ch in url)


def _is_visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch)[0] not in "CZ"


def _hides_authority(path: str) -> bool:
    """True when a ``/...`` path is, or decodes to, something a browser reads as ``//host``."""
    for _ in range(_UNQUOTE_ROUNDS + 1):
        # Browsers drop tabs and newlines, so "/%09/evil" can end up as "//evil".
        visible = "".join(ch for ch in path if _is_visible(ch))
        if visible[:2] in ("//", "/\\"):
            return True
        decoded = unquote(path)
        if decoded == path:
            return False
        path = decoded
    # Still changing after several rounds: deliberately obfuscated.
    return True


def _is_on_site(url: str, base_origin: str) -> bool:
    if normalize_origin(url) != base_origin:
        return False
    base = urlsplit(base_origin)
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={base.netloc}, require_https=base.scheme == "https"
    )
