"""NextAuth's adapter interface, in snake_case: the methods django-nextauth calls.

An adapter stores users, OAuth accounts, database sessions, e-mail verification
tokens and passkeys (``packages/next-auth/src/adapters.ts`` in NextAuth). :func:`get_adapter` gives
the configured one: ``NEXTAUTH["ADAPTER"]`` (an import string naming an
:class:`Adapter` subclass), else the Django ORM adapter when ``django_nextauth.db`` is
installed, else ``None`` (a JWT-only site stores nothing).

Users are the project's Django users. Session tokens are given as the cookie holds
them and the adapter decides how to store them (the ORM adapter keeps their SHA-256);
verification tokens arrive already hashed by their provider. ``tests/test_adapter_contract.py``
is the test module any adapter can run against itself.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .conf import Problem, add_rule, nextauth_settings
from .conf.problem import setting_problem
from .exceptions import ConfigurationError

__all__ = ["Adapter", "adapter_class", "get_adapter", "hash_session_token", "require_adapter"]

#: The adapter used when ``NEXTAUTH["ADAPTER"]`` is None and ``django_nextauth.db`` is installed.
_ORM_ADAPTER = "django_nextauth.db.adapter.DjangoAdapter"


def hash_session_token(session_token: str) -> str:
    """The SHA-256 hex digest of a database session's token (how the ORM adapter stores it)."""
    return hashlib.sha256(session_token.encode()).hexdigest()


class Adapter(ABC):
    """What django-nextauth needs from a store of users, accounts and sessions.

    Sync methods only: async code calls them through ``sync_to_async``, as Django's
    ``contrib.auth`` calls its backends.
    """

    # --- users --------------------------------------------------------------------------------

    @abstractmethod
    def create_user(self, data: Mapping[str, Any]) -> Any:
        """Create a user from NextAuth's user shape (``name``, ``email``, ``image``,
        ``emailVerified``; an ``id`` is ignored) and return it."""

    @abstractmethod
    def get_user(self, user_id: str) -> Any | None:
        """The user with this id (a string, as NextAuth passes ``sub``), or ``None``."""

    @abstractmethod
    def get_user_by_email(self, email: str) -> Any | None:
        """The user whose stored address equals ``email`` after
        :func:`~django_nextauth.identity.email_key`, compared in Python (a query may
        narrow the candidates, its collation must not decide), or ``None``. Callers
        re-check the answer with :func:`~django_nextauth.identity.user_with_email`."""

    @abstractmethod
    def get_user_by_account(self, provider: str, provider_account_id: str) -> Any | None:
        """The user an account at ``provider`` is linked to, or ``None``."""

    # --- accounts -----------------------------------------------------------------------------

    @abstractmethod
    def link_account(self, user: Any, account: Mapping[str, Any]) -> None:
        """Store NextAuth's ``account`` dict (``provider``, ``type``, ``providerAccountId``,
        token fields) against ``user``."""

    @abstractmethod
    def mark_email_verified(self, user: Any, email: str, provider_id: str) -> None:
        """Record that ``user`` proved ``email`` through the e-mail provider ``provider_id``
        (an account of type ``email``; idempotent)."""

    # --- sessions -----------------------------------------------------------------------------

    @abstractmethod
    def create_session(
        self,
        user: Any,
        session_token: str,
        expires: datetime,
        *,
        request: HttpRequest | None = None,
    ) -> Any:
        """Store a new session for ``user``; ``request`` gives the device summary."""

    @abstractmethod
    def get_session_and_user(self, session_token: str) -> tuple[Any, Any] | None:
        """``(session, user)`` for the token, in one query, expired or not; else ``None``.

        The session has ``expires`` (an aware datetime) and ``created``.
        """

    @abstractmethod
    def update_session(self, session_token: str, expires: datetime) -> None:
        """Move the session's expiry to ``expires`` (and note it was seen now)."""

    @abstractmethod
    def delete_session(self, session_token: str) -> bool:
        """Delete the session; whether there was one."""

    @abstractmethod
    def delete_user_sessions(self, user: Any) -> int:
        """Delete every session of ``user``; how many there were."""

    # --- verification tokens ------------------------------------------------------------------

    @abstractmethod
    def create_verification_token(self, identifier: str, token_hash: str, expires: datetime) -> Any:
        """Store an e-mail sign-in token (already hashed)."""

    @abstractmethod
    def use_verification_token(self, identifier: str, token_hash: str) -> Any | None:
        """Delete the token and return it (expired or not: the caller checks), or ``None``.

        Single use: of concurrent calls for one token, at most one gets the row.
        """

    # --- authenticators (passkeys) -------------------------------------------------------------
    # Auth.js's WebAuthn methods. An authenticator is a dict with Auth.js's keys:
    # ``credentialID`` and ``credentialPublicKey`` (standard base64), ``userId``,
    # ``providerAccountId`` (= ``credentialID``), ``counter``, ``credentialDeviceType``,
    # ``credentialBackedUp``, ``transports`` (comma-separated or ``None``), plus ``name``
    # and ``created`` for the management page. Not abstract: an adapter written before
    # passkeys keeps working, and ``manage.py check`` names it when a passkey provider
    # needs these (``django_nextauth.E041``).

    def get_authenticator(self, credential_id: str) -> Mapping[str, Any] | None:
        """The authenticator with this credential id, or ``None``."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")

    def create_authenticator(self, authenticator: Mapping[str, Any]) -> Mapping[str, Any]:
        """Store a new authenticator (its ``userId`` names the owner); return it."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")

    def list_authenticators_by_user_id(self, user_id: str) -> list[Mapping[str, Any]]:
        """The user's authenticators, oldest first."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")

    def update_authenticator_counter(
        self, credential_id: str, counter: int
    ) -> Mapping[str, Any] | None:
        """Move the signature counter to ``counter``, only forwards (``0`` may stay ``0``:
        authenticators without a counter); ``None`` when the stored counter is already
        there or past it, so of two concurrent uses of one count only one succeeds."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")

    def delete_authenticator(self, user_id: str, credential_id: str) -> bool:
        """Remove ``user_id``'s authenticator and its account; whether there was one."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")

    def rename_authenticator(self, user_id: str, credential_id: str, name: str) -> bool:
        """Give ``user_id``'s authenticator a display name; whether there was one."""
        raise ConfigurationError(f"{type(self).__name__} does not store passkeys.")


def get_adapter() -> Adapter | None:
    """The configured adapter (one instance per settings), or ``None`` (nothing is stored)."""
    return nextauth_settings.cached("adapter", _load_adapter)


def require_adapter(needed_by: str) -> Adapter:
    """The configured adapter, or :class:`ConfigurationError` saying ``needed_by`` needs one
    (system checks E020 and E030 report the same before the first request)."""
    adapter = get_adapter()
    if adapter is None:
        raise ConfigurationError(
            f"{needed_by} needs an adapter: add 'django_nextauth.db' to INSTALLED_APPS (and "
            "migrate), or set NEXTAUTH['ADAPTER']."
        )
    return adapter


def adapter_class(configured: Any) -> type[Adapter]:
    """The class an ``ADAPTER`` value names (an import string or the class itself).

    Raises :class:`ConfigurationError` unless it is an :class:`Adapter` subclass.
    """
    cls = import_string(configured) if isinstance(configured, str) else configured
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise ConfigurationError(
            f"NEXTAUTH['ADAPTER'] = {configured!r} is not an Adapter subclass "
            "(django_nextauth.adapters.Adapter)."
        )
    return cls


def _load_adapter() -> Adapter | None:
    configured = nextauth_settings.ADAPTER
    if configured is None:
        if not apps.is_installed("django_nextauth.db"):
            return None
        configured = _ORM_ADAPTER
    return adapter_class(configured)()


def _adapter_rule(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    # conf checked that the value imports; whether it is an Adapter is this module's to say.
    if value is None:
        return
    try:
        adapter_class(value)
    except ConfigurationError as exc:
        hint = "Use None (the ORM adapter when 'django_nextauth.db' is installed) or a dotted "
        hint += "path to an Adapter subclass, e.g. 'myapp.adapters.MyAdapter'."
        yield setting_problem(("ADAPTER",), str(exc), hint)


add_rule("ADAPTER", _adapter_rule)
