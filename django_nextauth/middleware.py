"""``NextAuthMiddleware``: the NextAuth session on every request, lazily.

Sets, without decrypting anything until one of them is read:

* ``request.session_user``: :class:`~django_nextauth.users.SessionUser`, or the
  anonymous user when signed out or the token is unusable;
* ``request.session_token``: the decoded claims, or ``None`` (test it by truthiness:
  it is a lazy object);
* ``request.nextauth_session``: the session dict (after the callbacks), or ``None``;
* ``request.asession_user()``: a coroutine for async views with blocking callbacks.

With ``NEXTAUTH["SET_REQUEST_USER"]`` it also sets ``request.user`` (and
``request.auser()``): the Django user whose pk is the token's ``sub``.

On the way out, once the session was read: ``Vary: Cookie``; a session cookie
that arrived but is unusable is deleted (every chunk); with
``SESSION["SLIDING"]`` a token older than ``SESSION["UPDATE_AGE"]`` is re-issued.
A response that already writes the session cookie (sign-in, sign-out) is left alone.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .conf import nextauth_settings
from .cookies import clear_session_cookie
from .request_state import STATE_ATTR, RequestSession
from .session import (
    aget_server_session,
    aget_session_user,
    get_server_session,
    get_session_user,
    issue_session,
    request_session,
    session_was_read,
)
from .users import adjango_user_for_token, django_user_for_token

__all__ = ["NextAuthMiddleware"]

_USER_ATTR = "_nextauth_user"
_EMPTY: Any = object()


class RequestLazy:
    """A lazy proxy for one request attribute, computed on first use (like SimpleLazyObject).

    ``SimpleLazyObject`` routes every attribute lookup through a Python-level
    ``__getattribute__``; on this per-request hot path that costs more than
    reading the session, so this proxy keeps to ``__slots__`` and forwards only
    what it lacks. ``isinstance`` sees the wrapped object's class; test a
    possibly-``None`` value by truthiness, not ``is None``.
    """

    __slots__ = ("_factory", "_request", "_value")

    def __init__(self, factory: Callable[[HttpRequest], Any], request: HttpRequest) -> None:
        self._factory = factory
        self._request = request
        self._value = _EMPTY

    def _wrapped(self) -> Any:
        value = self._value
        if value is _EMPTY:
            value = self._value = self._factory(self._request)
        return value

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._wrapped())

    def __getattr__(self, name: str) -> Any:
        # _wrapped(), inlined: attribute access is how views use session_user.
        value = self._value
        if value is _EMPTY:
            value = self._value = self._factory(self._request)
        return getattr(value, name)

    def __getitem__(self, key: Any) -> Any:
        return self._wrapped()[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._wrapped()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._wrapped())

    def __len__(self) -> int:
        return len(self._wrapped())

    def __bool__(self) -> bool:
        return bool(self._wrapped())

    def __eq__(self, other: object) -> bool:
        return self._wrapped() == other  # type: ignore[no-any-return]

    def __hash__(self) -> int:
        return hash(self._wrapped())

    def __str__(self) -> str:
        return str(self._wrapped())

    def __repr__(self) -> str:
        if self._value is _EMPTY:
            return f"<{type(self).__name__}: not evaluated>"
        return f"<{type(self).__name__}: {self._value!r}>"

    def __dir__(self) -> list[str]:
        return dir(self._wrapped())


def _session_token(request: HttpRequest) -> dict[str, Any] | None:
    return request_session(request).claims


def _django_user(request: HttpRequest) -> Any:
    if _USER_ATTR not in request.__dict__:
        user = None
        if get_server_session(request) is not None:
            user = django_user_for_token(request_session(request).token)
        request.__dict__[_USER_ATTR] = user or AnonymousUser()
    return request.__dict__[_USER_ATTR]


async def _adjango_user(request: HttpRequest) -> Any:
    if _USER_ATTR not in request.__dict__:
        user = None
        if await aget_server_session(request) is not None:
            user = await adjango_user_for_token(request_session(request).token)
        request.__dict__[_USER_ATTR] = user or AnonymousUser()
    return request.__dict__[_USER_ATTR]


class NextAuthMiddleware:
    """Expose the NextAuth session on the request; tidy the session cookie on the way out."""

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]],
    ) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        self.process_request(request)
        response: HttpResponseBase = self.get_response(request)  # type: ignore[assignment]
        self.process_response(request, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        self.process_response(request, response)
        return response

    def process_request(self, request: HttpRequest) -> None:
        request.session_user = RequestLazy(get_session_user, request)  # type: ignore[attr-defined]
        request.session_token = RequestLazy(_session_token, request)  # type: ignore[attr-defined]
        request.nextauth_session = RequestLazy(get_server_session, request)  # type: ignore[attr-defined]
        request.asession_user = partial(aget_session_user, request)  # type: ignore[attr-defined]
        if nextauth_settings.SET_REQUEST_USER:
            request.user = SimpleLazyObject(partial(_django_user, request))  # type: ignore[assignment]
            request.auser = partial(_adjango_user, request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> None:
        """Vary, bad-cookie deletion and sliding refresh; CPU only, so shared by both modes."""
        state: RequestSession | None = request.__dict__.get(STATE_ATTR)  # peek, inlined
        if state is None:
            if session_was_read(request):
                _vary_on_cookie(response)
            return
        _vary_on_cookie(response)
        if response.cookies and _writes_session_cookie(response, state.name):
            return
        if state.is_bad:
            clear_session_cookie(response, request, state.name, secure=state.secure)
            return
        session = nextauth_settings.SESSION
        if session["SLIDING"] and state.from_cookie and state.version == nextauth_settings.VERSION:
            token = state.stored_token
            iat = token.get("iat") if token else None
            if isinstance(iat, (int, float)) and time.time() - iat > session["UPDATE_AGE"]:
                issue_session(response, request, token)  # type: ignore[arg-type]


def _writes_session_cookie(response: HttpResponseBase, name: str) -> bool:
    prefix = name + "."
    return any(key == name or key.startswith(prefix) for key in response.cookies)


def _vary_on_cookie(response: HttpResponseBase) -> None:
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Cookie",))
    else:  # the common case, without parsing and rebuilding the header
        response.headers["Vary"] = "Cookie"
