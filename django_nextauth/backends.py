"""A Django authentication backend that runs a credentials provider's ``authorize`` hook.

Add it to ``AUTHENTICATION_BACKENDS`` to let Django's own login views (admin,
``LoginView``, ``authenticate()`` anywhere) accept the same credentials as the
NextAuth sign-in::

    AUTHENTICATION_BACKENDS = [
        "django_nextauth.backends.CredentialsBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]

``authenticate(request, username=..., password=...)`` runs the hook of the first
credentials provider that has one; pass ``nextauth_provider="<id>"`` to pick
another. Providers without a hook are skipped (their default *is*
``authenticate()``). Like every Django backend it returns ``None`` to let the
next backend try: when the hook returns nothing, raises, or returns a dict
whose ``id`` is not the primary key of an active user.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from .identity import is_active
from .providers import CredentialsProvider, get_provider, get_providers
from .providers.authorize import in_authorize, run_authorize

__all__ = ["CredentialsBackend"]

logger = logging.getLogger("django_nextauth")


class CredentialsBackend(BaseBackend):
    """Authenticate with a NextAuth credentials provider's ``authorize`` hook.

    While a hook runs (here or in the sign-in view) this backend stands aside, so a
    hook that calls ``authenticate()`` itself neither recurses nor runs twice. A
    provider with the default ``authorize`` is left to Django's other backends. A hook
    that calls :func:`django_nextauth.authenticate` sends no ``user_login_failed`` of
    its own, so the outer ``authenticate()`` sends the one of the attempt.
    """

    @sensitive_variables()
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        nextauth_provider: str | None = None,
        **credentials: Any,
    ) -> AbstractBaseUser | None:
        provider = self._provider(nextauth_provider)
        # The default authorize is Django's other backends, which authenticate() asks anyway.
        if provider is None or provider.authorize is None or in_authorize.get():
            return None
        try:
            result = run_authorize(provider.authorize, dict(credentials), request)
        except PermissionDenied:
            # Django's contract: stop trying the other backends.
            raise
        except Exception as exc:
            # The message may quote what the user typed: log the type only.
            logger.warning(
                "django_nextauth: authorize hook of provider %r raised %s",
                provider.id,
                type(exc).__name__,
            )
            return None
        user = self._to_user(result)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:  # type: ignore[override]
        user = self._lookup(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: AbstractBaseUser) -> bool:
        """Inactive users are refused, as by :class:`~django.contrib.auth.backends.ModelBackend`."""
        return is_active(user)

    @staticmethod
    def _provider(provider_id: str | None) -> CredentialsProvider | None:
        candidates = get_providers() if provider_id is None else (get_provider(provider_id),)
        return next(
            (
                p
                for p in candidates
                if isinstance(p, CredentialsProvider) and p.authorize is not None
            ),
            None,
        )

    def _to_user(self, result: Any) -> AbstractBaseUser | None:
        if isinstance(result, AbstractBaseUser):
            return result
        if isinstance(result, Mapping) and result.get("id") is not None:
            return self._lookup(result["id"])
        return None

    @staticmethod
    def _lookup(user_id: Any) -> AbstractBaseUser | None:
        model = get_user_model()
        try:
            return model._default_manager.get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError, ValidationError):
            return None
