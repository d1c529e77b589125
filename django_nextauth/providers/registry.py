"""``NEXTAUTH["PROVIDERS"]`` -> provider objects.

Each entry is one of:

- a dict with a ``type`` (default ``"credentials"``, or ``"oauth"`` for a built-in
  preset ``{"provider": "github", ...}``): the class registered for that type builds
  it (``{"type": "credentials", "id": ..., "authorize": ...}``);
- a dotted path to a :class:`~django_nextauth.providers.base.Provider` subclass
  (built with its defaults);
- a dict with ``"class": "dotted.Path"`` and that class's options.

A type nobody registered yet is looked up as the module
``django_nextauth.providers.<type>``, which registers itself on import: a new
provider type is one new module.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from django.utils.module_loading import import_string

from django_nextauth.conf import nextauth_settings
from django_nextauth.exceptions import ConfigurationError

from .base import Provider

__all__ = [
    "BUILTIN_TYPES",
    "get_provider",
    "get_providers",
    "known_types",
    "load_providers",
    "missing_dependency",
    "provider_class",
    "provider_types",
    "register_provider_type",
]

_TYPES: dict[str, type[Provider]] = {}
#: The built-in types: each is the module ``django_nextauth.providers.<type>``, imported (and
#: registered) only once an entry names it, so a site without the oauth extra can still load.
BUILTIN_TYPES = ("credentials", "email", "oauth", "oidc", "webauthn")
#: Top-level modules of the optional extras, and the extra that installs each.
_EXTRAS = {"jwt": "oauth", "httpx": "oauth"}


def register_provider_type(type_name: str, cls: type[Provider]) -> None:
    """Make ``{"type": type_name, ...}`` entries build ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise TypeError(f"{cls!r} is not a Provider subclass.")
    _TYPES[type_name] = cls


def provider_types() -> dict[str, type[Provider]]:
    """The registered provider types (a copy)."""
    return dict(_TYPES)


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
    if isinstance(entry, str):
        return _import_class(entry, where).from_settings({}, where)
    if not isinstance(entry, Mapping):
        raise ConfigurationError(f"{where} must be a dict or a dotted path to a Provider class.")
    if "class" in entry:
        path = entry["class"]
        if not isinstance(path, str):
            raise ConfigurationError(f"{where}['class'] must be a dotted path.")
        options = {key: value for key, value in entry.items() if key != "class"}
        return _import_class(path, f"{where}['class']").from_settings(options, where)
    # {"provider": "github", ...}: a built-in OAuth preset, its own type when none is given.
    kind = entry.get("type", "oauth" if "provider" in entry else "credentials")
    return provider_class(kind, f"{where}['type']").from_settings(entry, where)


def provider_class(kind: Any, where: str) -> type[Provider]:
    """The class that builds ``{"type": kind}`` entries; ``where`` names the setting."""
    if kind in BUILTIN_TYPES and kind not in _TYPES:
        module = f"{__package__}.{kind}"
        try:
            import_module(module)  # registers itself
        except ModuleNotFoundError as exc:
            if exc.name != module:  # the module exists but needs something missing
                raise missing_dependency(kind, where, exc) from exc
    if kind not in _TYPES:
        known = ", ".join(repr(name) for name in known_types())
        raise ConfigurationError(f"{where} is {kind!r}; the known types are {known}.")
    return _TYPES[kind]


def known_types() -> list[str]:
    """Every provider type an entry may name: the registered ones and the built-in ones
    (registered only once an entry uses them, so a typo's message still lists them all)."""
    return sorted(set(_TYPES) | set(BUILTIN_TYPES))


def missing_dependency(kind: str, where: str, exc: ModuleNotFoundError) -> ConfigurationError:
    """The error for a built-in type whose extra is not installed: name the extra, not the
    module (``pip install jwt`` is another package than PyJWT)."""
    top = (exc.name or "").partition(".")[0]
    extra = _EXTRAS.get(top)
    if extra is None:
        return ConfigurationError(f"{where}: the {kind!r} provider type cannot be imported: {exc}.")
    return ConfigurationError(
        f"{where} is {kind!r}, which needs the {extra!r} extra (the {top!r} module is missing): "
        f"pip install 'django-nextauth[{extra}]'."
    )


def _import_class(path: str, where: str) -> type[Provider]:
    try:
        cls = import_string(path)
    except (ImportError, TypeError, ValueError) as exc:  # ".." makes import_module raise these
        raise ConfigurationError(f"{where}: cannot import {path!r} ({exc}).") from exc
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise ConfigurationError(f"{where}: {path!r} is not a Provider subclass.")
    return cls
