"""Who is registering or signing in with a passkey: the session's user, or an address.

Auth.js's ``getLoggedInUser`` and ``getUserInfo``: a signed-in browser is its session's
stored user (JWT: ``sub`` through the adapter; database: the row's user); otherwise the
``email`` the form or ``signIn("passkey", {email})`` sent names a stored user (compared
with :func:`~django_nextauth.identity.email_key`) or a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from django_nextauth.adapters import Adapter, get_adapter
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.identity import email_key, is_active, stored_email, user_with_email
from django_nextauth.session import session_state

if TYPE_CHECKING:
    from django_nextauth.providers.base import Provider

__all__ = ["UserInfo", "lookup_user", "register_data", "require_adapter", "signed_in_user"]


@dataclass(frozen=True)
class UserInfo:
    """``user`` is a stored user when ``exists``, else just the (normalised) address."""

    user: Any
    email: str | None
    exists: bool


def require_adapter(provider: Provider) -> Adapter:
    adapter = get_adapter()
    if adapter is None:
        raise ConfigurationError(
            f"The passkey provider {provider.id!r} needs an adapter to keep the passkeys: add "
            "'django_nextauth.db' to INSTALLED_APPS or set NEXTAUTH['ADAPTER']."
        )
    return adapter


def signed_in_user(request: HttpRequest, adapter: Adapter) -> Any | None:
    """The stored, active user of the request's session cookie, or ``None``."""
    state = session_state(request)
    if not state.from_cookie or state.claims is None:
        return None
    if state.record is not None:
        user = state.stored_user
    else:
        sub = state.claims.get("sub")
        user = adapter.get_user(str(sub)) if isinstance(sub, (str, int)) and sub != "" else None
    return user if user is not None and is_active(user) else None


def lookup_user(adapter: Adapter, raw: object) -> UserInfo | None:
    """The user an ``email`` parameter names; ``None`` when none (or not an address) was sent."""
    if not isinstance(raw, str) or not raw:
        return None
    address = email_key(raw)
    try:
        validate_email(address)
    except ValidationError:
        return None
    user = user_with_email(adapter, address)
    if user is None:
        return UserInfo({"email": address}, address, exists=False)
    return UserInfo(user, stored_email(user), exists=True)


def register_data(user: Any) -> dict[str, Any]:
    """What the challenge cookie remembers of the registering user (Auth.js's ``registerData``)."""
    if isinstance(user, Mapping):
        return {"email": user.get("email")}
    data: dict[str, Any] = {"id": str(user.pk), "email": stored_email(user)}
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    if name:
        data["name"] = name
    return data


def display_names(user: Any) -> tuple[str, str | None]:
    """``(user_name, display_name)`` for the authenticator's account picker."""
    if isinstance(user, Mapping):
        return str(user.get("email") or ""), None
    email = stored_email(user)
    username = user.get_username() if hasattr(user, "get_username") else ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(email or username or user.pk), full or None
