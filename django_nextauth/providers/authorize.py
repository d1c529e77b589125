"""The credentials provider's hooks: ``authorize`` (and its default) and ``rate_limit_key``.

``authorize(credentials: dict, request) -> user | None`` (may be ``async def``)
gets the whole POST body, as in NextAuth, and returns a Django user, a dict with
at least ``id``, or ``None``. ``None`` (the default) calls
:func:`django.contrib.auth.authenticate` with the ``username`` (or ``email``)
and ``password`` fields, so every ``AUTHENTICATION_BACKENDS`` entry works.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import get_backends
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.storable import storable

__all__ = [
    "Authorize",
    "authenticate",
    "default_authorize",
    "in_authorize",
    "load_hook",
    "run_authorize",
]

#: ``authorize(credentials, request) -> user | dict | None``, sync or async.
Authorize = Callable[[dict[str, Any], "HttpRequest | None"], Any]

#: True while a provider's ``authorize`` runs: ``CredentialsBackend`` then stands aside,
#: so a hook that calls ``authenticate()`` neither recurses nor runs twice.
in_authorize: ContextVar[bool] = ContextVar("django_nextauth_in_authorize", default=False)


def load_hook(raw: object, where: str) -> Callable[..., Any] | None:
    """``None``, a callable, or a dotted path to one; anything else is a configuration error."""
    if raw is None or callable(raw):
        return raw
    if isinstance(raw, str):
        try:
            hook = import_string(raw)
        except ImportError as exc:
            raise ConfigurationError(f"{where}: cannot import {raw!r} ({exc}).") from exc
        if callable(hook):
            return hook  # type: ignore[no-any-return]
    raise ConfigurationError(f"{where} must be None, a callable or a dotted path to one.")


@sensitive_variables()
def authenticate(request: HttpRequest | None, **credentials: Any) -> Any:
    """Django's ``authenticate()`` without its ``user_login_failed`` signal.

    Asks each configured backend that takes these credentials, as Django does, and
    returns the first user (with ``user.backend`` set, for ``login()``) or ``None``; a
    backend raising ``PermissionDenied`` stops the search. For ``authorize`` hooks: the
    sign-in view sends the one ``user_login_failed`` of the attempt itself.
    """
    for backend in get_backends():
        try:
            inspect.signature(backend.authenticate).bind(request, **credentials)
        except TypeError:
            continue  # this backend does not take these credentials
        try:
            user = backend.authenticate(request, **credentials)
        except PermissionDenied:
            return None
        if user is not None:
            user.backend = f"{type(backend).__module__}.{type(backend).__qualname__}"
            return user
    return None


@sensitive_variables()
def default_authorize(credentials: Mapping[str, Any], request: HttpRequest | None) -> Any:
    """:func:`authenticate` with the ``username`` (or ``email``) and ``password`` fields."""
    username = credentials.get("username")
    if not isinstance(username, str):
        username = credentials.get("email")
    password = credentials.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    # Neither can hold NUL or a lone surrogate (Django's forms refuse NUL, so no user has
    # one): PostgreSQL would raise on the username's lookup, a hasher on the password.
    if not storable(username) or not storable(password):
        return None
    return authenticate(request, username=username, password=password)


@sensitive_variables()
def run_authorize(
    hook: Authorize | None, credentials: dict[str, Any], request: HttpRequest | None
) -> Any:
    """Call ``hook`` (the default when ``None``; awaited if async); exceptions propagate."""
    reset = in_authorize.set(True)
    try:
        if hook is None:
            return default_authorize(credentials, request)
        if iscoroutinefunction(hook):
            return async_to_sync(hook)(credentials, request)
        result = hook(credentials, request)
        if inspect.isawaitable(result):
            return async_to_sync(_await)(result)
        return result
    finally:
        in_authorize.reset(reset)


async def _await(awaitable: Any) -> Any:
    return await awaitable
