"""The ``Provider`` base class: what the auth views need from every sign-in method.

A provider type is one module that subclasses :class:`Provider` and registers
itself (see :mod:`django_nextauth.providers.registry`). The views never look at
a provider's type: they call :meth:`Provider.begin` for ``POST /signin/<id>`` and
:meth:`Provider.callback` for ``GET|POST /callback/<id>`` with the request
context (``django_nextauth/flow/context.py``), and finish the response.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.http import HttpResponseBase
from django.urls import reverse

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.provider_id import check_provider_id

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

__all__ = ["Provider"]


class Provider(ABC):
    """One configured sign-in method, as NextAuth's ``providers: [...]`` entries."""

    #: The NextAuth ``type`` (``"credentials"``, ``"oauth"``, ``"oidc"``, ``"email"``).
    type: ClassVar[str]
    #: Whether ``POST /callback/<id>`` needs a verified CSRF token (credentials and e-mail:
    #: yes, OAuth: no). The callback view checks it before :meth:`callback` runs.
    csrf_on_callback: ClassVar[bool] = False
    #: The methods ``/callback/<id>`` accepts; others get the version's "bad request".
    callback_methods: ClassVar[tuple[str, ...]] = ("GET",)
    #: Setting keys this class accepts besides ``id``, ``name``, ``type`` and ``class``.
    options: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, id: str, name: str) -> None:
        self.id = id
        self.name = name

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> Provider:
        """Build the provider from its ``NEXTAUTH["PROVIDERS"]`` entry.

        Raises :class:`~django_nextauth.exceptions.ConfigurationError` naming ``where``.
        Subclasses call :meth:`check_keys` and :meth:`base_options`, then validate
        their own options.
        """
        cls.check_keys(entry, where)
        return cls(**cls.base_options(entry, where))

    @classmethod
    def check_keys(cls, entry: Mapping[str, Any], where: str) -> None:
        """Refuse keys this class does not know (a typo must not be ignored)."""
        unknown = set(entry) - {"id", "name", "type", "class"} - cls.options
        if unknown:
            raise ConfigurationError(f"{where}: unknown keys {sorted(map(str, unknown))}.")

    @classmethod
    def base_options(cls, entry: Mapping[str, Any], where: str) -> dict[str, str]:
        """``id`` (default: the type) and ``name`` (default: the id, capitalised), checked."""
        provider_id = check_provider_id(entry.get("id", cls.type), f"{where}['id']")
        name = entry.get("name", provider_id.capitalize())
        if not isinstance(name, str) or not name:
            raise ConfigurationError(f"{where}['name'] must be a non-empty string.")
        return {"id": provider_id, "name": name}

    def to_json(self, auth_url: str) -> dict[str, str]:
        """This provider's entry in ``GET /providers``."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "signinUrl": auth_url + _action("signin-provider", self.id),
            "callbackUrl": auth_url + _action("callback", self.id),
        }

    def signin_form(self, ctx: AuthRequest) -> dict[str, Any] | None:
        """This provider's form on the built-in sign-in page, or ``None`` for none."""
        return None

    @abstractmethod
    def begin(self, ctx: AuthRequest) -> HttpResponseBase:
        """``POST /signin/<id>`` (CSRF already verified): start signing in."""

    @abstractmethod
    def callback(self, ctx: AuthRequest) -> HttpResponseBase:
        """``GET|POST /callback/<id>``: finish signing in (a POST's CSRF token is verified
        first when :attr:`csrf_on_callback` is set)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"


def _action(name: str, provider_id: str) -> str:
    """The path of an action relative to where the API is mounted, e.g. ``/signin/x``."""
    return reverse(name, urlconf="django_nextauth.urls", kwargs={"provider_id": provider_id})
