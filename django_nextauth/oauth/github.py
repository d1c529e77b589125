"""GitHub's profile request: ``GET /user``, then ``GET /user/emails`` when the e-mail is private.

As NextAuth's GitHub provider does (``packages/core/src/providers/github.ts``): when
``/user`` has no public ``email``, take the ``primary`` entry of ``/user/emails``, else
the first one. A failing ``/user/emails`` leaves the e-mail empty, as NextAuth does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .failures import OAuthError
from .http import request_json

if TYPE_CHECKING:
    from .config import OAuthConfig

__all__ = ["github_userinfo"]


def github_userinfo(
    config: OAuthConfig, tokens: Mapping[str, Any], userinfo_url: str
) -> Mapping[str, Any]:
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    _, profile = request_json("GET", userinfo_url, what="userinfo endpoint", headers=headers)
    if not isinstance(profile, dict) or "id" not in profile:
        raise OAuthError("callback", "The userinfo endpoint did not return a GitHub user.")
    if not profile.get("email"):
        try:
            _, emails = request_json(
                "GET", userinfo_url.rstrip("/") + "/emails", what="emails endpoint",
                headers=headers,
            )  # fmt: skip
        except OAuthError:
            emails = None
        if isinstance(emails, list) and emails:
            primary = next((e for e in emails if isinstance(e, dict) and e.get("primary")), None)
            chosen = primary or emails[0]
            if isinstance(chosen, dict):
                profile["email"] = chosen.get("email")
    return profile
