"""Ending every session of a user: :func:`sign_out_everywhere`, and the ``post_save``
receiver that calls it for a user saved inactive (connected in ``NextAuthConfig.ready``)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async

from django_nextauth.adapters import Adapter, get_adapter
from django_nextauth.conf import nextauth_settings
from django_nextauth.exceptions import ConfigurationError

from .records import revocations

__all__ = ["asign_out_everywhere", "end_sessions_of_inactive_user", "sign_out_everywhere"]


def _subject(user: Any) -> str:
    pk = user if isinstance(user, (str, int)) else getattr(user, "pk", None)
    if pk is None:
        raise ValueError("sign_out_everywhere() needs a user with a pk (or the pk itself).")
    return str(pk)


def _stored_sessions() -> Adapter | None:
    """The adapter whose sessions are the site's (database strategy), else ``None``."""
    if nextauth_settings.SESSION.get("STRATEGY", "jwt") != "database":
        return None
    return get_adapter()


def sign_out_everywhere(user: Any) -> int:
    """End every session of ``user`` (a Django user, or its pk), JWT and database alike.

    JWT sessions are refused from their next request on (needs
    ``SESSION["REVOCATION_CACHE"]``); database sessions are deleted. Returns how many
    database sessions ended. Raises :class:`ConfigurationError` when neither is possible,
    and :class:`~.records.RevocationUnavailable` when the revocation could not be recorded.
    """
    sub = _subject(user)
    records, adapter = revocations(), get_adapter()
    if records is None and _stored_sessions() is None:
        raise ConfigurationError(
            "sign_out_everywhere() cannot end JWT sessions: set "
            "NEXTAUTH['SESSION']['REVOCATION_CACHE'] to a shared cache alias."
        )
    if records is not None:
        records.revoke_user(sub)
    if adapter is None:
        return 0
    stored = user if not isinstance(user, (str, int)) else adapter.get_user(sub)
    return 0 if stored is None else adapter.delete_user_sessions(stored)


async def asign_out_everywhere(user: Any) -> int:
    """Async :func:`sign_out_everywhere`."""
    return await sync_to_async(sign_out_everywhere)(user)


def end_sessions_of_inactive_user(
    sender: Any,
    instance: Any,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """``post_save`` of ``AUTH_USER_MODEL``: a user saved with ``is_active=False`` loses
    every session (:func:`sign_out_everywhere`) when revocation or database sessions are
    configured. A failure to record it propagates: the save's caller must know."""
    if created or raw or getattr(instance, "is_active", True) is not False:
        return  # a new user has no sessions; fixtures load as they are
    if update_fields is not None and "is_active" not in update_fields:
        return  # this save did not touch is_active
    if revocations() is None and _stored_sessions() is None:
        return
    sign_out_everywhere(instance)
