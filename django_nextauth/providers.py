"""Sign-in providers from ``NEXTAUTH["PROVIDERS"]``.

Each entry is a dict like NextAuth's ``CredentialsProvider({...})``::

    {
        "id": "credentials",          # URL segment: /callback/<id>
        "name": "Credentials",        # shown on the sign-in page
        "type": "credentials",        # the only type django-nextauth serves
        "credentials": {              # the sign-in form, and what authorize() receives
            "username": {"label": "Username", "type": "text"},
            "password": {"label": "Password", "type": "password"},
        },
        "authorize": "myapp.auth.authorize",  # dotted path, callable, or None
    }

``authorize(credentials: dict, request) -> user | None`` (may be ``async def``)
gets the whole POST body, as in NextAuth, and returns a Django user, a dict
with at least ``id``, or ``None``. ``None`` (the default) calls
:func:`django.contrib.auth.authenticate` with the ``username`` (or ``email``)
and ``password`` fields, so every ``AUTHENTICATION_BACKENDS`` entry works.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .conf import nextauth_settings
from .exceptions import ConfigurationError

__all__ = [
    "Authorize",
    "Provider",
    "get_provider",
    "get_providers",
    "load_providers",
    "providers_json",
    "run_authorize",
]

#: ``authorize(credentials, request) -> user | dict | None``, sync or async.
Authorize = Callable[[dict[str, Any], "HttpRequest | None"], Any]

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
_SUPPORTED_TYPES = ("credentials",)


@dataclass(frozen=True)
class Provider:
    """One configured provider, validated, with its ``authorize`` hook imported."""

    id: str
    name: str
    type: str
    credentials: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``None``: Django's ``authenticate(username=..., password=...)``.
    authorize: Authorize | None = None


def get_providers() -> tuple[Provider, ...]:
    """The configured providers; raises :class:`ConfigurationError` when the setting is invalid."""
    return nextauth_settings.cached(
        "providers", lambda: load_providers(nextauth_settings.PROVIDERS)
    )


def get_provider(provider_id: str) -> Provider | None:
    """The provider with this id, or ``None``."""
    return next((p for p in get_providers() if p.id == provider_id), None)


def load_providers(raw: object) -> tuple[Provider, ...]:
    """Validate ``NEXTAUTH["PROVIDERS"]``; errors name the offending entry."""
    if not isinstance(raw, (list, tuple)):
        raise ConfigurationError("NEXTAUTH['PROVIDERS'] must be a list of dicts.")
    providers: list[Provider] = []
    for index, entry in enumerate(raw):
        where = f"NEXTAUTH['PROVIDERS'][{index}]"
        provider = _load_one(entry, where)
        if any(p.id == provider.id for p in providers):
            raise ConfigurationError(f"{where}: duplicate provider id {provider.id!r}.")
        providers.append(provider)
    return tuple(providers)


def _load_one(entry: object, where: str) -> Provider:
    if not isinstance(entry, Mapping):
        raise ConfigurationError(f"{where} must be a dict.")
    unknown = set(entry) - {"id", "name", "type", "credentials", "authorize"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown keys {sorted(unknown)}.")
    kind = entry.get("type", "credentials")
    if kind not in _SUPPORTED_TYPES:
        raise ConfigurationError(
            f"{where}['type'] is {kind!r}; django-nextauth serves 'credentials' providers only."
        )
    provider_id = entry.get("id", kind)
    if not isinstance(provider_id, str) or not _ID.fullmatch(provider_id):
        raise ConfigurationError(f"{where}['id'] must be 1-64 letters, digits, '-' or '_'.")
    name = entry.get("name", provider_id.capitalize())
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"{where}['name'] must be a non-empty string.")
    return Provider(
        id=provider_id,
        name=name,
        type=kind,
        credentials=_load_fields(entry.get("credentials", {}), f"{where}['credentials']"),
        authorize=_load_hook(entry.get("authorize"), f"{where}['authorize']"),
    )


def _load_fields(raw: object, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a dict of field name -> attributes.")
    fields: dict[str, dict[str, Any]] = {}
    for key, attrs in raw.items():
        if not isinstance(key, str) or not _FIELD.fullmatch(key) or key == "csrfToken":
            raise ConfigurationError(f"{where}: {key!r} is not a usable field name.")
        if not isinstance(attrs, Mapping) or not all(isinstance(a, str) for a in attrs):
            raise ConfigurationError(f"{where}[{key!r}] must be a dict of attributes.")
        fields[key] = dict(attrs)
    return fields


def _load_hook(raw: object, where: str) -> Authorize | None:
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


def providers_json(auth_url: str) -> dict[str, dict[str, str]]:
    """The ``GET /providers`` body: ``{id: {id, name, type, signinUrl, callbackUrl}}``."""
    return {
        p.id: {
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "signinUrl": f"{auth_url}/signin/{p.id}",
            "callbackUrl": f"{auth_url}/callback/{p.id}",
        }
        for p in get_providers()
    }


def default_authorize(credentials: Mapping[str, Any], request: HttpRequest | None) -> Any:
    """Django's ``authenticate()`` with the ``username`` (or ``email``) and ``password`` fields."""
    username = credentials.get("username")
    if not isinstance(username, str):
        username = credentials.get("email")
    password = credentials.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    return authenticate(request, username=username, password=password)


def run_authorize(
    provider: Provider, credentials: dict[str, Any], request: HttpRequest | None
) -> Any:
    """Call ``provider``'s authorize hook (awaiting it if async); exceptions propagate."""
    hook = provider.authorize
    if hook is None:
        return default_authorize(credentials, request)
    if iscoroutinefunction(hook):
        return async_to_sync(hook)(credentials, request)
    result = hook(credentials, request)
    if inspect.isawaitable(result):
        return async_to_sync(_await)(result)
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable
