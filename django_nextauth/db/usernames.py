"""The Django username of a user created from a provider profile.

``NEXTAUTH["USERNAME_FROM_PROFILE"]`` names a function ``(profile) -> str`` (the
NextAuth user dict: ``name``, ``email``, ``image``); the default takes the e-mail
address's local part, else the name, else ``"user"``. The result is cut to the
field's length and made unique with a number.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.utils.module_loading import import_string

from django_nextauth.conf import nextauth_settings

__all__ = ["default_username", "unique_username"]

# What Django's UnicodeUsernameValidator accepts.
_UNWANTED = re.compile(r"[^\w.@+-]+")


def default_username(profile: Mapping[str, Any]) -> str:
    """The e-mail's local part, else the name without spaces, else ``"user"``."""
    email = profile.get("email")
    if isinstance(email, str) and "@" in email:
        candidate = email.rpartition("@")[0]
    else:
        name = profile.get("name")
        candidate = name if isinstance(name, str) else ""
    return _UNWANTED.sub("", candidate.lower()) or "user"


def unique_username(model: Any, profile: Mapping[str, Any], *, retry: int = 0) -> str:
    """A free username for ``profile`` (``retry`` > 0: add a random suffix, after a race)."""
    derive = nextauth_settings.USERNAME_FROM_PROFILE or default_username
    if isinstance(derive, str):
        derive = import_string(derive)  # validated by the settings' rules
    field = model._meta.get_field(model.USERNAME_FIELD)
    limit = field.max_length or 150
    base = (str(derive(profile)) or "user")[:limit]
    manager = model._default_manager
    if retry:
        suffix = "-" + secrets.token_hex(3)
        return base[: limit - len(suffix)] + suffix
    candidate, number = base, 1
    while manager.filter(**{model.USERNAME_FIELD: candidate}).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: limit - len(suffix)] + suffix
    return candidate
