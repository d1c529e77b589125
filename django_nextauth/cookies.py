"""NextAuth's cookies, read and written byte-for-byte.

NextAuth serialises cookies with the npm ``cookie`` package: values are
``encodeURIComponent``-encoded (never quoted) and attributes come in a fixed
order. Django's ``SimpleCookie`` quotes some values and orders attributes
alphabetically, so we place a :class:`NextAuthMorsel` in ``response.cookies``:
Django's WSGI and ASGI handlers and the test client emit it verbatim.

Incoming values come from ``request.COOKIES`` and are percent-decoded like the
``cookie`` package's ``parse`` (a malformed escape leaves the value as it is). The session
cookie, chunked when long, is :mod:`django_nextauth.session_cookie`'s.
"""

from __future__ import annotations

import re
from datetime import datetime
from http.cookies import Morsel
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import http_date

from .conf import nextauth_settings
from .dialect import COOKIE_ATTRIBUTES, CookieKind

__all__ = [
    "NextAuthMorsel",
    "cookie_name",
    "decode_value",
    "delete_cookie",
    "encode_value",
    "read_cookie",
    "serialize",
    "set_cookie",
    "use_secure_cookies",
]


# encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) alone; quote() always keeps -_.~.
_URI_COMPONENT_SAFE = "!*'()"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def use_secure_cookies(request: HttpRequest) -> bool:
    """``NEXTAUTH["USE_SECURE_COOKIES"]`` when set, else whether the request is https (what
    ``request.is_secure()`` answers): the one rule for every cookie name and attribute."""
    forced = nextauth_settings.USE_SECURE_COOKIES
    return _came_over_https(request) if forced is None else bool(forced)


def _came_over_https(request: HttpRequest) -> bool:
    """``request.is_secure()`` with ``SECURE_PROXY_SSL_HEADER`` read once, not through the
    lazy settings on every request (``setting_changed`` resets it: conf/__init__.py)."""
    header = nextauth_settings.cached("proxy_ssl_header", _proxy_ssl_header)
    if header is None:
        return request.is_secure()  # malformed: Django decides (and raises)
    value: str | None = request.META.get(header[0]) if header else None
    if value is None:  # no header configured, or none on the request: is_secure()'s fallback
        scheme: str = request._get_scheme()  # type: ignore[attr-defined]
        return scheme == "https"
    return value.split(",", 1)[0].strip() == header[1]


def _proxy_ssl_header() -> tuple[str, ...] | None:
    # (): unset; (header, value): set; None: malformed.
    header = settings.SECURE_PROXY_SSL_HEADER
    if not header:
        return ()
    if isinstance(header, (tuple, list)) and len(header) == 2:  # noqa: PLR2004
        return header[0], header[1]
    return None


def cookie_name(kind: CookieKind, *, version: str, secure: bool) -> str:
    """The name NextAuth gives a cookie: ``[__Secure-|__Host-]<prefix>.<kind>``, or the name
    ``NEXTAUTH["COOKIES"]`` sets, as given."""
    return nextauth_settings.dialect_for(version).cookie(kind, secure=secure)


# What encodeURIComponent leaves alone, as a pattern: a value made of these only (a session
# token, base64url with dots; a CSRF cookie but for its "|") is its own encoding.
_URI_COMPONENT_CLEAN = re.compile(r"[A-Za-z0-9\-_.!~*'()]*")


def encode_value(value: str) -> str:
    """Percent-encode ``value`` exactly as JavaScript's ``encodeURIComponent``."""
    # Speed trick: a value with nothing to encode is returned as it is, one C-level match
    # where quote() encodes to bytes, strips and decodes (~1 us on a session token, every
    # re-issue). tests/test_session_route_path.py: the same as quote() on any string.
    if _URI_COMPONENT_CLEAN.fullmatch(value):
        return value
    return quote(value, safe=_URI_COMPONENT_SAFE)


def decode_value(raw: str) -> str:
    """Percent-decode like ``decodeURIComponent``; a malformed value is returned as it is."""
    if "%" not in raw or _BAD_ESCAPE.search(raw):
        return raw
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _expires(expires: datetime) -> str:
    # JS Date.prototype.toUTCString(): "Sun, 27 Dec 2026 13:01:28 GMT", whole seconds.
    return _http_date(int(expires.timestamp()))


class _LastDate:
    """``http_date`` of the last second asked, kept: the re-issued cookies of one second all
    expire at the same second, and formatting it costs ~3 us (speed trick; invariant in
    tests/test_session_route_path.py). One entry, swapped whole: no thread sees half of one."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[int, str] = (0, http_date(0))

    def __call__(self, seconds: int) -> str:
        last = self.last
        if last[0] == seconds:
            return last[1]
        text = http_date(seconds)
        self.last = (seconds, text)
        return text


_http_date = _LastDate()


def serialize(
    name: str,
    value: str,
    *,
    secure: bool,
    expires: datetime | None = None,
    max_age: int | None = None,
) -> str:
    """The exact ``Set-Cookie`` value NextAuth writes for one of its cookies."""
    expires_text = None if expires is None else _expires(expires)
    attributes = COOKIE_ATTRIBUTES
    return _output(
        name,
        encode_value(value),
        secure,
        expires_text,
        max_age,
        path=attributes.path,
        http_only=attributes.http_only,
        same_site=attributes.same_site,
    )


def _output(
    name: str,
    coded: str,
    secure: bool,
    expires: str | None,
    max_age: int | None,
    *,
    path: str,
    http_only: bool,
    same_site: str,
) -> str:
    # The npm cookie serializer's order: Max-Age, (Domain), Path, Expires, HttpOnly, Secure,
    # SameSite.
    parts = [f"{name}={coded}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts.append(f"Path={path}")
    if expires:
        parts.append(f"Expires={expires}")
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    parts.append(f"SameSite={same_site}")
    return "; ".join(parts)


class NextAuthMorsel(Morsel[str]):
    """A morsel that renders as NextAuth's serializer would.

    The attributes live in the usual morsel keys (``max-age``, ``expires``, ...),
    so tests and other code can inspect them, and a plain ``Morsel.copy()`` still
    renders the same unquoted value.
    """

    def OutputString(self, attrs: Any = None) -> str:  # noqa: N802 (Morsel's API)
        max_age = self["max-age"]
        return _output(
            self.key,
            self.coded_value,
            bool(self["secure"]),
            self["expires"] or None,
            None if max_age == "" else int(max_age),
            path=self["path"] or COOKIE_ATTRIBUTES.path,
            http_only=bool(self["httponly"]),
            same_site=self["samesite"] or COOKIE_ATTRIBUTES.same_site,
        )

    def output(self, attrs: Any = None, header: str = "Set-Cookie:") -> str:
        # Morsel.output() puts a space after an empty header; Django's WSGI handler
        # passes header="" and would send that space on the wire.
        value = self.OutputString(attrs)
        return f"{header} {value}" if header else value


def set_cookie(
    response: HttpResponseBase,
    name: str,
    value: str,
    *,
    secure: bool,
    expires: datetime | None = None,
    max_age: int | None = None,
    same_site: str = COOKIE_ATTRIBUTES.same_site,
) -> None:
    """Add ``Set-Cookie`` for ``name`` to ``response``, replacing any earlier one for that name.

    ``same_site="None"`` (with ``secure=True``) is for the check cookies of a
    ``response_mode=form_post`` provider, which come back on a cross-site POST.
    """
    morsel = NextAuthMorsel()
    morsel.set(name, value, encode_value(value))
    attributes: dict[str, Any] = {
        "path": COOKIE_ATTRIBUTES.path,
        "httponly": COOKIE_ATTRIBUTES.http_only,
        "samesite": same_site,
    }
    if secure:
        attributes["secure"] = True
    if expires is not None:
        attributes["expires"] = _expires(expires)
    if max_age is not None:
        attributes["max-age"] = max_age
    # Speed trick: the attributes stored as dict items in one call, where morsel[key] = value
    # checks each key against Morsel's reserved names in Python (~1 us a cookie; each poll
    # writes one). The keys above are all reserved, lower case, as that check keeps them.
    # tests/test_cookies.py: the same morsel as item by item, for any of these arguments.
    dict.update(morsel, attributes)
    # Re-insert at the end so the headers come out in the order they were written.
    response.cookies.pop(name, None)
    response.cookies[name] = morsel


def delete_cookie(response: HttpResponseBase, name: str, *, secure: bool) -> None:
    """Expire ``name`` the way NextAuth does: empty value and ``Max-Age=0``."""
    set_cookie(response, name, "", secure=secure, max_age=0)


def read_cookie(request: HttpRequest, name: str) -> str | None:
    """One incoming cookie, percent-decoded, or ``None`` when absent."""
    raw = request.COOKIES.get(name)
    return None if raw is None else decode_value(raw)
