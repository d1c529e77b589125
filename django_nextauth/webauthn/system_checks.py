"""System checks of the passkey provider (imports nothing from py_webauthn).

- ``E040``: a ``webauthn`` provider while ``VERSION`` is ``"v4"`` (next-auth 4 has no
  WebAuthn and no cookie name for its challenge).
- ``E041``: a ``webauthn`` provider without an adapter that stores passkeys.
- ``E042``: more than one ``webauthn`` provider with ``enable_conditional_ui`` (Auth.js's
  ``DuplicateConditionalUI``: the browser's autofill can serve only one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register

from django_nextauth.adapters import Adapter, get_adapter
from django_nextauth.conf.schema import DEFAULTS
from django_nextauth.conf.validation import user_settings

__all__ = ["check_passkeys"]


def _entries(user: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = user.get("PROVIDERS")
    if not isinstance(raw, (list, tuple)):
        return []  # E004 says so
    return [e for e in raw if isinstance(e, Mapping) and e.get("type") == "webauthn"]


@register(Tags.compatibility)
def check_passkeys(**kwargs: Any) -> list[CheckMessage]:
    """E040, E041, E042."""
    # The raw setting: a broken value is another check's message, never an exception here.
    user = user_settings()
    entries = _entries(user) if isinstance(user, Mapping) else []
    if not entries:
        return []
    messages: list[CheckMessage] = []
    if user.get("VERSION", DEFAULTS["VERSION"]) == "v4":
        messages.append(
            Error(
                "A passkey provider ('type': 'webauthn') needs NEXTAUTH['VERSION'] = 'v5': "
                "next-auth 4 has no WebAuthn.",
                hint="Set NEXTAUTH['VERSION'] = 'v5' (Auth.js / next-auth 5 clients) or remove "
                "the provider.",
                id="django_nextauth.E040",
            )
        )
    try:
        adapter = get_adapter()
    except Exception:  # E0xx of the adapter setting says why
        adapter = None
    stores = adapter is not None and (
        type(adapter).get_authenticator is not Adapter.get_authenticator
    )
    if not stores:
        messages.append(
            Error(
                "The passkey provider needs an adapter that stores authenticators.",
                hint="Add 'django_nextauth.db' to INSTALLED_APPS (and migrate), or give "
                "NEXTAUTH['ADAPTER'] the get_authenticator, create_authenticator, "
                "list_authenticators_by_user_id and update_authenticator_counter methods.",
                id="django_nextauth.E041",
            )
        )
    if sum(1 for e in entries if e.get("enable_conditional_ui", True) is not False) > 1:
        messages.append(
            Error(
                "More than one passkey provider has enable_conditional_ui on.",
                hint="Set 'enable_conditional_ui': False on all but one.",
                id="django_nextauth.E042",
            )
        )
    return messages
