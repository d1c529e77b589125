"""GitLab (``packages/core/src/providers/gitlab.ts``): OAuth 2.0 with ``/api/v4/user``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .preset import Preset, Style

__all__ = ["GITLAB", "gitlab_profile"]


def gitlab_profile(profile: Mapping[str, Any], tokens: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": str(profile["id"]),
        "name": profile.get("name") or profile.get("username"),
        "email": profile.get("email"),
        "image": profile.get("avatar_url"),
    }


GITLAB = Preset(
    id="gitlab",
    name="GitLab",
    type="oauth",
    authorization="https://gitlab.com/oauth/authorize",
    params={"scope": "read_user"},
    token="https://gitlab.com/oauth/token",
    userinfo="https://gitlab.com/api/v4/user",
    id_token=False,
    profile=gitlab_profile,
    style=Style(bg="#FC6D26", text="#fff"),
)
