"""NextAuth's callbacks (``jwt``, ``session``, ``sign_in``, ``redirect``), configurable.

``NEXTAUTH["CALLBACKS"]`` maps each name to a dotted path, a callable or
``None`` (NextAuth's default behaviour). Callbacks are called with keyword
arguments named as in NextAuth, snake_cased; accept ``**kwargs`` to stay
compatible with arguments added later. They may be ``async def``: the sync
runners call them through ``async_to_sync``, and the async runners (``arun_*``)
call a sync callback through ``sync_to_async`` so async views never block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.http import HttpRequest

from .conf import nextauth_settings
from .redirects import default_redirect

__all__ = [
    "NO_UPDATE",
    "CALLBACK_NAMES",
    "defaults_only",
    "arun_jwt",
    "arun_redirect",
    "arun_session",
    "arun_sign_in",
    "get_callback",
    "is_default",
    "run_jwt",
    "run_redirect",
    "run_session",
    "run_sign_in",
]

CALLBACK_NAMES = ("jwt", "session", "sign_in", "redirect")

Token = dict[str, Any]


def _default_jwt(*, token: Token, **kwargs: Any) -> Token | None:
    return token


def _default_session(*, session: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return session


def _default_sign_in(**kwargs: Any) -> bool | str:
    return True


_DEFAULTS: dict[str, Callable[..., Any]] = {
    "jwt": _default_jwt,
    "session": _default_session,
    "sign_in": _default_sign_in,
    "redirect": default_redirect,
}
# Cheap, pure functions: called directly even from async code.
_BUILTIN = frozenset(_DEFAULTS.values())


class _Resolved:
    """One configured callback with what calling it needs, worked out once."""

    __slots__ = ("builtin", "func", "is_async")

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.is_async = iscoroutinefunction(func)
        self.builtin = func in _BUILTIN


class _Callbacks:
    """Every configured callback, resolved once per settings."""

    __slots__ = ("by_name", "defaults_only")

    def __init__(self) -> None:
        # Validated and imported when read (django_nextauth.conf): a callable or None.
        configured: Mapping[str, Any] = nextauth_settings.CALLBACKS
        self.by_name = {
            name: _Resolved(_DEFAULTS[name] if configured.get(name) is None else configured[name])
            for name in CALLBACK_NAMES
        }
        self.defaults_only = self.by_name["jwt"].builtin and self.by_name["session"].builtin


def _callbacks() -> _Callbacks:
    return nextauth_settings.cached("callbacks", _Callbacks)


def _resolved(name: str) -> _Resolved:
    return _callbacks().by_name[name]


def defaults_only() -> bool:
    """Whether ``jwt`` and ``session`` both keep NextAuth's defaults (a fast path for reads)."""
    return _callbacks().defaults_only


def get_callback(name: str) -> Callable[..., Any]:
    """The callable configured for ``name`` (memoised until the settings change)."""
    return _resolved(name).func


def is_default(name: str) -> bool:
    """Whether ``name`` keeps NextAuth's default behaviour (lets hot paths skip the call)."""
    return _resolved(name).builtin


def _call(name: str, kwargs: dict[str, Any]) -> Any:
    callback = _resolved(name)
    if callback.is_async:
        return async_to_sync(callback.func)(**kwargs)
    return callback.func(**kwargs)


async def _acall(name: str, kwargs: dict[str, Any]) -> Any:
    callback = _resolved(name)
    if callback.is_async:
        return await callback.func(**kwargs)
    if callback.builtin:
        return callback.func(**kwargs)
    return await sync_to_async(callback.func)(**kwargs)


def _jwt_kwargs(
    token: Token,
    user: Any,
    account: Mapping[str, Any] | None,
    profile: Mapping[str, Any] | None,
    trigger: str | None,
    is_new_user: bool,
    session: Any,
    request: HttpRequest | None,
) -> dict[str, Any]:
    return {
        "token": token,
        "user": user,
        "account": account,
        "profile": profile,
        "trigger": trigger,
        "is_new_user": is_new_user,
        "session": session,
        "request": request,
    }


def run_jwt(
    *,
    token: Token,
    user: Any = None,
    account: Mapping[str, Any] | None = None,
    profile: Mapping[str, Any] | None = None,
    trigger: str | None = None,
    is_new_user: bool = False,
    session: Any = None,
    request: HttpRequest | None = None,
) -> Token | None:
    """Run the ``jwt`` callback: the token to store, or ``None`` to end the session."""
    kwargs = _jwt_kwargs(token, user, account, profile, trigger, is_new_user, session, request)
    return _call("jwt", kwargs)  # type: ignore[no-any-return]


async def arun_jwt(
    *,
    token: Token,
    user: Any = None,
    account: Mapping[str, Any] | None = None,
    profile: Mapping[str, Any] | None = None,
    trigger: str | None = None,
    is_new_user: bool = False,
    session: Any = None,
    request: HttpRequest | None = None,
) -> Token | None:
    """Async :func:`run_jwt`."""
    kwargs = _jwt_kwargs(token, user, account, profile, trigger, is_new_user, session, request)
    return await _acall("jwt", kwargs)  # type: ignore[no-any-return]


#: ``run_session(update=...)`` not given: a read, not a database session's ``update()``.
NO_UPDATE: Any = object()


def _session_kwargs(
    session: dict[str, Any], token: Token, request: HttpRequest | None, user: Any, update: Any
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"session": session, "token": token, "request": request}
    if user is not None:  # database sessions: NextAuth passes the adapter's user
        kwargs["user"] = user
    if update is not NO_UPDATE:  # a database session's update: NextAuth's newSession
        kwargs.update(trigger="update", new_session=update)
    return kwargs


def run_session(
    *,
    session: dict[str, Any],
    token: Token,
    request: HttpRequest | None = None,
    user: Any = None,
    update: Any = NO_UPDATE,
) -> dict[str, Any]:
    """Run the ``session`` callback: the session dict the client sees (``user=``: the stored
    user of a database session; ``update``: the data of its ``update()``, passed as
    ``new_session=`` with ``trigger="update"``)."""
    kwargs = _session_kwargs(session, token, request, user, update)
    return _call("session", kwargs)  # type: ignore[no-any-return]


async def arun_session(
    *,
    session: dict[str, Any],
    token: Token,
    request: HttpRequest | None = None,
    user: Any = None,
    update: Any = NO_UPDATE,
) -> dict[str, Any]:
    """Async :func:`run_session`."""
    kwargs = _session_kwargs(session, token, request, user, update)
    return await _acall("session", kwargs)  # type: ignore[no-any-return]


def _sign_in_kwargs(
    user: Any,
    account: Mapping[str, Any] | None,
    profile: Mapping[str, Any] | None,
    credentials: Mapping[str, Any] | None,
    request: HttpRequest | None,
) -> dict[str, Any]:
    return {
        "user": user,
        "account": account,
        "profile": profile,
        "credentials": credentials,
        "request": request,
    }


def run_sign_in(
    *,
    user: Any,
    account: Mapping[str, Any] | None,
    profile: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> bool | str:
    """Run the ``sign_in`` callback: ``True`` to allow, ``False`` to deny, or a URL."""
    kwargs = _sign_in_kwargs(user, account, profile, credentials, request)
    return _call("sign_in", kwargs)  # type: ignore[no-any-return]


async def arun_sign_in(
    *,
    user: Any,
    account: Mapping[str, Any] | None,
    profile: Mapping[str, Any] | None = None,
    credentials: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> bool | str:
    """Async :func:`run_sign_in`."""
    kwargs = _sign_in_kwargs(user, account, profile, credentials, request)
    return await _acall("sign_in", kwargs)  # type: ignore[no-any-return]


def run_redirect(*, url: str, base_url: str, request: HttpRequest | None = None) -> str:
    """Run the ``redirect`` callback: where to send the browser after sign-in or sign-out."""
    return _call("redirect", {"url": url, "base_url": base_url, "request": request})  # type: ignore[no-any-return]


async def arun_redirect(*, url: str, base_url: str, request: HttpRequest | None = None) -> str:
    """Async :func:`run_redirect`."""
    kwargs = {"url": url, "base_url": base_url, "request": request}
    return await _acall("redirect", kwargs)  # type: ignore[no-any-return]
