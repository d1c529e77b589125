"""NextAuth's session cookie in chunks: read, written and deleted as NextAuth's
``SessionStore`` does.

A session token longer than a cookie can hold (a long JWT) is split into ``name.0``,
``name.1``, ...; a short one is the plain cookie ``name``. Reading joins the chunks in order
(an inconsistent set is present but no token); writing deletes every incoming chunk that the
new cookie does not replace; both mark the response ``no-store``. The bytes of each cookie
are :mod:`django_nextauth.cookies`'.
"""

from __future__ import annotations

from datetime import datetime
from itertools import compress, repeat

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

from .cookies import decode_value, delete_cookie, set_cookie

__all__ = [
    "clear_session_cookie",
    "incoming_chunks",
    "read_chunked",
    "sets_session_cookie",
    "write_session_cookie",
]


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
