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

On the way out: a pending :func:`~django_nextauth.session.login` /
:func:`~django_nextauth.session.logout` is written to the response
(:func:`~django_nextauth.session.flush`). Once the session was read: ``Vary:
Cookie`` (and ``Authorization`` when the token came from a Bearer header); a
session cookie that arrived but is unusable is deleted (every chunk); with
``SESSION["SLIDING"]`` a token older than ``SESSION["UPDATE_AGE"]`` is re-issued.
A response that already writes the session cookie (sign-in, sign-out) is left alone.

While the revocation records are down a session cannot be read: a view that reads it
raises ``RevocationUnavailable``, which this middleware answers with a 503 (``Retry-After``;
JSON when the client wants JSON), never as signed out and never deleting the cookie.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .conf import nextauth_settings
from .flow.responses import session_unavailable
from .lazy import LazyRequestAttribute, RequestCall
from .negotiation import wants_json
from .revocation import RevocationUnavailable
from .session import (
    SessionState,
    aget_session_user,
    get_server_session,
    peek_session_state,
    session_state,
    session_vary,
)
from .session.request_state import read_user
from .users import adjango_user_for_token, anonymous_django_user, django_user_for_token

__all__ = ["NextAuthMiddleware"]

_USER_ATTR = "_nextauth_user"


def _session_token(request: HttpRequest) -> dict[str, Any] | None:
    return session_state(request).claims


def _stored_django_user(state: SessionState) -> Any:
    """A database session's user, loaded with its row: no second query for it."""
    user = state.stored_user
    return user if isinstance(user, get_user_model()) else None


def _django_user(request: HttpRequest) -> Any:
    if _USER_ATTR not in request.__dict__:
        state = session_state(request)
        user = None
        if state.session is not None:
            user = _stored_django_user(state) or django_user_for_token(state.token)
        request.__dict__[_USER_ATTR] = user or anonymous_django_user()
    return request.__dict__[_USER_ATTR]


async def _adjango_user(request: HttpRequest) -> Any:
    if _USER_ATTR not in request.__dict__:
        state = session_state(request)
        token, session = await state.aresolve()
        user = None
        if session is not None:
            user = _stored_django_user(state) or await adjango_user_for_token(token)
        request.__dict__[_USER_ATTR] = user or anonymous_django_user()
    return request.__dict__[_USER_ATTR]


class NextAuthMiddleware:
    """Expose the NextAuth session on the request; write and tidy the session cookie."""

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
        # LazyRequestAttribute, not SimpleLazyObject: see django_nextauth/lazy.py. The user
        # comes from read_user, the one path get_session_user takes for it: the proxy is what
        # request.session_user holds, so get_session_user's test for a hand-set user is moot.
        request.session_user = LazyRequestAttribute(read_user, request)  # type: ignore[attr-defined]
        request.session_token = LazyRequestAttribute(_session_token, request)  # type: ignore[attr-defined]
        request.nextauth_session = LazyRequestAttribute(get_server_session, request)  # type: ignore[attr-defined]
        request.asession_user = RequestCall(aget_session_user, request)  # type: ignore[attr-defined]
        if nextauth_settings.SET_REQUEST_USER:
            request.user = SimpleLazyObject(RequestCall(_django_user, request))  # type: ignore[assignment]
            request.auser = RequestCall(_adjango_user, request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> None:
        """Flush, Vary, bad-cookie deletion and sliding refresh; CPU only, so shared by both
        modes."""
        vary = session_vary(request)
        if vary:
            if "Vary" in response.headers:
                patch_vary_headers(response, vary)
            else:  # what patch_vary_headers writes when there is no Vary yet, without its regex
                response.headers["Vary"] = ", ".join(vary)
        state = peek_session_state(request)
        if state is not None:
            state.settle(response)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """A session read that failed on the revocation records: 503, the cookie kept."""
        if isinstance(exception, RevocationUnavailable):
            return session_unavailable(request, as_json=wants_json(request))
        return None
