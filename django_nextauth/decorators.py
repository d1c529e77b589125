"""Require a NextAuth session on a view: ``login_required_session`` and its mixin.

Signed out, a page request is redirected to the sign-in page with
``?callbackUrl=<current path>&error=SessionRequired`` (what NextAuth's
``useSession({required: true})`` does; the built-in sign-in page then shows
"Please sign in to access this page."), and a request that wants JSON gets
``401 {"error": "SessionRequired"}``. Signed in but refused by ``authorized``
(NextAuth middleware's ``authorized`` callback, used for role checks), a page
request gets Django's 403 (``PermissionDenied``) and a JSON request gets
``403 {"error": "AccessDenied"}``.

The session user comes from ``request.session_user`` (set by
``NextAuthMiddleware``); without the middleware it is read from the cookie for
this request, so the decorator also works on sites that do not install it.

On a method of a class-based view, use ``LoginRequiredSessionMixin`` or Django's
``method_decorator``: the decorator itself expects a request as the first
argument and raises ``TypeError`` saying so when it gets ``self``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar, overload

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers

from .links import add_query, page_url
from .negotiation import wants_json
from .session import aget_session_user, get_session_user

__all__ = [
    "Authorized",
    "LoginRequiredSessionMixin",
    "is_protected",
    "login_required_session",
]

#: ``authorized(request, session_user) -> bool`` (may be ``async def``).
Authorized = Callable[[HttpRequest, Any], "bool | Awaitable[bool]"]
_V = TypeVar("_V", bound=Callable[..., Any])

REDIRECT_FIELD_NAME = "callbackUrl"
SESSION_REQUIRED = "SessionRequired"
ACCESS_DENIED = "AccessDenied"


#: Set on a request that passed a session gate: its page is for signed-in users only.
_PROTECTED = "_nextauth_protected"


def _mark_protected(request: HttpRequest) -> None:
    setattr(request, _PROTECTED, True)


def is_protected(request: HttpRequest) -> bool:
    """Whether ``request`` is for a page behind :func:`login_required_session` (or the mixin):
    signing out there must not come back to it (``{% signout_url %}``'s default)."""
    return getattr(request, _PROTECTED, False) is True


def _require_request(request: Any) -> None:
    """Refuse a first argument that is not a request, as Django's own view decorators do.

    Duck-typed on ``META`` so that a Django REST framework ``Request`` passes.
    """
    if not hasattr(request, "META"):
        raise TypeError(
            f"login_required_session didn't receive an HttpRequest (it got "
            f"{type(request).__name__!r}). To protect a class-based view, use "
            "LoginRequiredSessionMixin, or decorate its method with "
            "@method_decorator(login_required_session) (django.utils.decorators)."
        )


class _Gate:
    """The checks shared by the decorator and the mixin."""

    def __init__(
        self, authorized: Authorized | None, login_url: str | None, redirect_field_name: str
    ) -> None:
        self.authorized = authorized
        self.login_url = login_url
        self.redirect_field_name = redirect_field_name

    def check(self, request: HttpRequest) -> HttpResponse | None:
        """``None`` when the request may proceed, else the refusal to send."""
        user = get_session_user(request)
        if not user.is_authenticated:
            return self.session_required(request)
        _mark_protected(request)
        if self.authorized is None:
            return None
        if iscoroutinefunction(self.authorized):
            allowed = async_to_sync(self.authorized)(request, user)
        else:
            allowed = self.authorized(request, user)
        return None if allowed else self.access_denied(request)

    async def acheck(self, request: HttpRequest) -> HttpResponse | None:
        """:meth:`check` for async views; a sync ``authorized`` runs in a thread."""
        user = await aget_session_user(request)
        if not user.is_authenticated:
            return self.session_required(request)
        _mark_protected(request)
        if self.authorized is None:
            return None
        if iscoroutinefunction(self.authorized):
            allowed = await self.authorized(request, user)
        else:
            # It may query the database, which is not allowed in the event loop.
            allowed = await sync_to_async(self.authorized)(request, user)
        return None if allowed else self.access_denied(request)

    def session_required(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse
        if wants_json(request):
            response = JsonResponse({"error": SESSION_REQUIRED}, status=401)
        else:
            login_url = resolve_url(self.login_url) if self.login_url else page_url("SIGN_IN")
            fields = {self.redirect_field_name: request.get_full_path(), "error": SESSION_REQUIRED}
            response = HttpResponseRedirect(add_query(login_url, **fields))
        # The answer depends on the Accept header, so caches must key on it.
        patch_vary_headers(response, ("Accept",))
        return response

    def access_denied(self, request: HttpRequest) -> HttpResponse:
        if not wants_json(request):
            raise PermissionDenied(ACCESS_DENIED)
        response = JsonResponse({"error": ACCESS_DENIED}, status=403)
        patch_vary_headers(response, ("Accept",))
        return response


@overload
def login_required_session(view: _V, /) -> _V: ...


@overload
def login_required_session(
    view: None = None,
    /,
    *,
    authorized: Authorized | None = None,
    login_url: str | None = None,
    redirect_field_name: str = REDIRECT_FIELD_NAME,
) -> Callable[[_V], _V]: ...


def login_required_session(
    view: _V | None = None,
    /,
    *,
    authorized: Authorized | None = None,
    login_url: str | None = None,
    redirect_field_name: str = REDIRECT_FIELD_NAME,
) -> _V | Callable[[_V], _V]:
    """Let only signed-in users (for whom ``authorized`` is true) reach the view.

    Use it bare (``@login_required_session``) or called
    (``@login_required_session(authorized=is_admin, login_url="login")``).
    ``authorized(request, session_user)`` runs only for signed-in users; it may be
    ``async def``. ``login_url`` (a path, URL or URL name) overrides the sign-in
    page; ``redirect_field_name`` names the query parameter carrying the current
    path. Works on sync and async function views and keeps their kind.

    For class-based views use :class:`LoginRequiredSessionMixin` or
    ``@method_decorator(login_required_session, name="dispatch")``; applied
    directly to a method it raises ``TypeError`` on the first request.
    """
    gate = _Gate(authorized, login_url, redirect_field_name)

    def decorator(view_func: _V) -> _V:
        if iscoroutinefunction(view_func):

            async def _async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                _require_request(request)
                refusal = await gate.acheck(request)
                if refusal is not None:
                    return refusal
                return await view_func(request, *args, **kwargs)

            return wraps(view_func)(_async_view)  # type: ignore[return-value]

        def _view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            _require_request(request)
            refusal = gate.check(request)
            if refusal is not None:
                return refusal
            return view_func(request, *args, **kwargs)

        return wraps(view_func)(_view)  # type: ignore[return-value]

    return decorator if view is None else decorator(view)


class LoginRequiredSessionMixin:
    """:func:`login_required_session` for class-based views (sync or async).

    Put it first in the bases. ``authorized`` is a plain
    ``(request, session_user) -> bool`` callable (it is read from the class, so
    ``authorized = is_admin`` works without ``staticmethod``); override
    :meth:`get_authorized`, :meth:`get_login_url` or
    :meth:`get_redirect_field_name` for per-request decisions.
    """

    authorized: Authorized | None = None
    login_url: str | None = None
    redirect_field_name: str = REDIRECT_FIELD_NAME

    def get_authorized(self) -> Authorized | None:
        return _class_attribute(type(self))

    def get_login_url(self) -> str | None:
        return self.login_url

    def get_redirect_field_name(self) -> str:
        return self.redirect_field_name

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        gate = _Gate(self.get_authorized(), self.get_login_url(), self.get_redirect_field_name())
        parent = super().dispatch  # type: ignore[misc]
        if getattr(self, "view_is_async", False):

            async def _async_dispatch() -> Any:
                refusal = await gate.acheck(request)
                if refusal is not None:
                    return refusal
                return await parent(request, *args, **kwargs)

            return _async_dispatch()
        refusal = gate.check(request)
        if refusal is not None:
            return refusal
        return parent(request, *args, **kwargs)


def _class_attribute(cls: type) -> Authorized | None:
    # Read without binding, so a plain function is not turned into a method.
    value = inspect.getattr_static(cls, "authorized")
    return value.__func__ if isinstance(value, staticmethod) else value
