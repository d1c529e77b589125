"""NextAuth's cookies, read and written byte-for-byte.

NextAuth serialises cookies with the npm ``cookie`` package: values are
``encodeURIComponent``-encoded (never quoted) and attributes come in a fixed
order. Django's ``SimpleCookie`` quotes some values and orders attributes
alphabetically, so we place a :class:`NextAuthMorsel` in ``response.cookies``:
Django's WSGI and ASGI handlers and the test client emit it verbatim.

Incoming values come from ``request.COOKIES`` and are percent-decoded like the
``cookie`` package's ``parse`` (a malformed escape leaves the value as it is).
"""

from __future__ import annotations

import re
from datetime import datetime
from http.cookies import Morsel
from itertools import compress, repeat
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from .conf import nextauth_settings
from .dialect import COOKIE_ATTRIBUTES, CookieKind

__all__ = [
    "NextAuthMorsel",
    "clear_session_cookie",
    "cookie_name",
    "decode_value",
    "delete_cookie",
    "encode_value",
    "incoming_chunks",
    "read_chunked",
    "read_cookie",
    "serialize",
    "set_cookie",
    "sets_session_cookie",
    "use_secure_cookies",
    "write_session_cookie",
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
    morsel["path"] = COOKIE_ATTRIBUTES.path
    morsel["httponly"] = COOKIE_ATTRIBUTES.http_only
    morsel["samesite"] = same_site
    if secure:
        morsel["secure"] = True
    if expires is not None:
        morsel["expires"] = _expires(expires)
    if max_age is not None:
        morsel["max-age"] = max_age
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


# A chunk index has at most this many digits: NextAuth writes a handful of chunks, and a
# longer run of digits must not reach int() (Python refuses 4,300+ digit strings).
_MAX_INDEX_DIGITS = 3


def _index(suffix: str) -> int | None:
    # Only short canonical decimal suffixes are chunks: "name.01", "name.x" are not ours.
    if (
        0 < len(suffix) <= _MAX_INDEX_DIGITS
        and suffix.isascii()
        and suffix.isdigit()
        and (suffix == "0" or suffix[0] != "0")
    ):
        return int(suffix)
    return None


def _session_cookies(request: HttpRequest, name: str) -> dict[str, str]:
    """The non-empty incoming cookies ``name`` and ``name.<n>``, in request order (raw values)."""
    cookies = request.COOKIES
    size = len(name)
    # The keys that start with the name are picked in C (compress over str.startswith), so a
    # cookie jar of tens of keys costs no Python loop; the few left are checked here.
    return {
        key: cookies[key]
        for key in compress(cookies, map(str.startswith, cookies, repeat(name)))
        if cookies[key]
        and (len(key) == size or (key[size] == "." and _index(key[size + 1 :]) is not None))
    }


def incoming_chunks(request: HttpRequest, name: str) -> list[str]:
    """Names of the non-empty incoming cookies ``name`` and ``name.<n>``, in request order."""
    return list(_session_cookies(request, name))


def read_chunked(request: HttpRequest, name: str) -> str | None:
    """The session value from ``name`` or its chunks ``name.0``, ``name.1``, ... joined in order.

    ``None`` when no such cookie is present. An inconsistent set (a plain cookie
    next to chunks, or a missing chunk) gives ``""``: present, but not a token.
    """
    cookies = request.COOKIES
    # The common cases, one plain cookie or none: only a key "name.<anything>" can make the
    # answer differ, and then the full scan below decides (tests/test_request_path.py). The
    # keys are tested in C (map over str.startswith), not in a Python loop: a browser's
    # cookie jar has tens of keys, ~8 bytecodes each that way.
    if not any(map(str.startswith, cookies, repeat(name + "."))):
        plain = cookies.get(name)
        return decode_value(plain) if plain else None
    found = _session_cookies(request, name)
    if not found:
        return None
    plain = found.pop(name, None)
    if plain is not None:
        return "" if found else decode_value(plain)
    size = len(name) + 1
    chunks = {int(key[size:]): value for key, value in found.items()}
    if max(chunks) != len(chunks) - 1:
        return ""
    return decode_value("".join([chunks[i] for i in range(len(chunks))]))


def sets_session_cookie(response: HttpResponseBase, name: str) -> bool:
    """Whether ``response`` already sets the session cookie ``name`` or one of its chunks."""
    prefix = name + "."
    return any(key == name or key.startswith(prefix) for key in response.cookies)


def write_session_cookie(
    response: HttpResponseBase,
    request: HttpRequest,
    name: str,
    token: str,
    *,
    secure: bool,
    expires: datetime,
    chunk_size: int,
) -> None:
    """Write ``token`` as the session cookie, in chunks of ``chunk_size`` as NextAuth chunks it.

    Like NextAuth's ``SessionStore.chunk()``: every incoming chunk gets a
    ``Max-Age=0`` deletion unless a new cookie of the same name replaces it. The response
    is marked ``no-store`` (:func:`_not_stored`).
    """
    _not_stored(response)
    size = chunk_size
    count = -(-len(token) // size)
    if count <= 1:
        new = {name: token}
    else:
        new = {f"{name}.{i}": token[i * size : (i + 1) * size] for i in range(count)}
    for stale in incoming_chunks(request, name):
        if stale in new:
            set_cookie(response, stale, new.pop(stale), secure=secure, expires=expires)
        else:
            delete_cookie(response, stale, secure=secure)
    for chunk_name, value in new.items():
        set_cookie(response, chunk_name, value, secure=secure, expires=expires)


def clear_session_cookie(
    response: HttpResponseBase, request: HttpRequest, name: str, *, secure: bool
) -> None:
    """Delete every incoming session cookie chunk (sign-out, bad token); the response is
    marked ``no-store`` (:func:`_not_stored`)."""
    _not_stored(response)
    for stale in incoming_chunks(request, name):
        delete_cookie(response, stale, secure=secure)


def _not_stored(response: HttpResponseBase) -> None:
    """``Cache-Control: private, no-store`` on a response that writes or deletes the session
    cookie: a shared cache that kept it would hand one browser's session (or sign-out) to
    the next. Both session strategies write the cookie through here, so no path forgets it.
    Directives already set stay (``public`` gives way to ``private``)."""
    # Speed trick: a header that already says private and no-store is what
    # patch_cache_control would write back (the JSON routes send NO_CACHE's value); its
    # parse, regex split and re-join cost ~10 us a re-issue. tests/test_session_route_path.py
    # pins each value as a fixed point of patch_cache_control.
    if response.get("Cache-Control") in _PRIVATE_NO_STORE:
        return
    patch_cache_control(response, private=True, no_store=True)


#: ``Cache-Control`` values that ``patch_cache_control(private=True, no_store=True)`` leaves as
#: they are, byte for byte.
_PRIVATE_NO_STORE = frozenset({"private, no-store", "private, no-cache, no-store"})
