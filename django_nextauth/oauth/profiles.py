"""Profile mappings: a provider's raw profile -> NextAuth's ``{id, name, email, image}``.

A ``profile`` option is ``(profile, tokens) -> dict``; the raw profile is the id_token
claims or the userinfo response. A preset's own mapping lives in its module
(``django_nextauth/oauth/presets/``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import OAuthConfig

__all__ = ["ProfileFn", "UserinfoFn", "default_profile"]

ProfileFn = Callable[[Mapping[str, Any], Mapping[str, Any]], Mapping[str, Any]]
#: A preset's own userinfo request: ``(config, tokens, userinfo_url) -> raw profile``.
UserinfoFn = Callable[["OAuthConfig", Mapping[str, Any], str], Mapping[str, Any]]


def _drop_none(user: dict[str, Any]) -> dict[str, Any]:
    # Auth.js drops undefined keys; None is our undefined here.
    return {key: value for key, value in user.items() if value is not None}


def default_profile(profile: Mapping[str, Any], tokens: Mapping[str, Any]) -> dict[str, Any]:
    """Auth.js's default: ``sub ?? id ?? random``, ``name ?? nickname ?? preferred_username``."""
    user_id = profile.get("sub", profile.get("id"))
    name = profile.get("name")
    if name is None:
        name = profile.get("nickname", profile.get("preferred_username"))
    return _drop_none(
        {
            "id": str(uuid.uuid4()) if user_id is None else str(user_id),
            "name": name,
            "email": profile.get("email"),
            "image": profile.get("picture"),
        }
    )
