"""GitHub (``packages/core/src/providers/github.ts``), GitHub Enterprise with
``"enterprise": {"base_url": "https://ghe.example"}``.

The profile request is GitHub's own: ``GET /user``, then ``GET /user/emails`` when the
e-mail is private; the ``primary`` entry wins, else the first one. A failing
``/user/emails`` leaves the e-mail empty, as NextAuth does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth.failures import OAuthError
from django_nextauth.oauth.http import request_json

from .preset import Preset, Style

if TYPE_CHECKING:
    from django_nextauth.oauth.config import OAuthConfig

__all__ = ["GITHUB", "github_profile", "github_userinfo"]


def github_profile(profile: Mapping[str, Any], tokens: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": str(profile["id"]),
        "name": profile.get("name") or profile.get("login"),
        "email": profile.get("email"),
        "image": profile.get("avatar_url"),
    }


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


def _on(preset: Preset, base: str, api: str) -> Preset:
    """``preset`` on the GitHub at ``base`` whose REST API is at ``api``."""
    return dataclasses.replace(
        preset,
        issuer=f"{base}/login/oauth",
        authorization=f"{base}/login/oauth/authorize",
        token=f"{base}/login/oauth/access_token",
        userinfo=f"{api}/user",
    )


def _enterprise(preset: Preset, entry: Mapping[str, Any], where: str) -> Preset:
    enterprise = entry.get("enterprise") or {}
    if not isinstance(enterprise, Mapping):
        raise ConfigurationError(f"{where}['enterprise'] must be a dict.")
    base_url = enterprise.get("base_url")
    if not base_url:
        return preset
    if not isinstance(base_url, str):
        raise ConfigurationError(f"{where}['enterprise']['base_url'] must be a string.")
    base = base_url.rstrip("/")
    return _on(preset, base, f"{base}/api/v3")


GITHUB = _on(
    Preset(
        id="github",
        name="GitHub",
        type="oauth",
        params={"scope": "read:user user:email"},
        id_token=False,
        profile=github_profile,
        userinfo_request=github_userinfo,
        style=Style(bg="#24292f", text="#fff"),
        options=frozenset({"enterprise"}),
        configure=_enterprise,
    ),
    "https://github.com",
    "https://api.github.com",
)
