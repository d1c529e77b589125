"""Built-in providers, selected with ``"provider": "<name>"``.

Each preset is a function of the user's entry (for the URLs that depend on it: a
GitHub Enterprise base URL, an Entra ID tenant) returning default options. Facts come
from NextAuth's provider definitions (``packages/next-auth/src/providers/<name>.ts``
for v4, ``packages/core/src/providers/<name>.ts`` for v5) and
``docs/protocol-providers.md`` §1.3-1.4. Keys starting with ``_`` are internal:
``_params_by_version`` (authorization parameters only one version sends),
``_userinfo_request`` and ``_endpoint_origins`` (origins besides the issuer's that the
IdP's discovery document names). No preset sets ``checks``: every one runs
``config.DEFAULT_CHECKS`` (NextAuth's presets run only ``state`` or only ``pkce``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .github import github_userinfo
from .profiles import discord_profile, github_profile, gitlab_profile

__all__ = ["PRESETS"]

Preset = Callable[[Mapping[str, Any]], dict[str, Any]]
#: next-auth 4 asks OIDC presets for this scope; Auth.js appends "openid profile email".
_V4_OIDC_SCOPE = {"v4": {"scope": "openid email profile"}}


def github(entry: Mapping[str, Any]) -> dict[str, Any]:
    enterprise = entry.get("enterprise") or {}
    base = str(enterprise.get("base_url") or "https://github.com").rstrip("/")
    api = f"{base}/api/v3" if enterprise.get("base_url") else "https://api.github.com"
    return {
        "id": "github",
        "name": "GitHub",
        "type": "oauth",
        "issuer": f"{base}/login/oauth",
        "authorization": {
            "url": f"{base}/login/oauth/authorize",
            "params": {"scope": "read:user user:email"},
        },
        "token": f"{base}/login/oauth/access_token",
        "userinfo": f"{api}/user",
        "id_token": False,
        "profile": github_profile,
        "style": {"bg": "#24292f", "text": "#fff"},
        "_userinfo_request": github_userinfo,
    }


def google(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": "google",
        "name": "Google",
        "type": "oidc",
        "issuer": "https://accounts.google.com",
        "style": {"bg": "#fff", "text": "#000"},
        "_params_by_version": _V4_OIDC_SCOPE,
        # https://accounts.google.com/.well-known/openid-configuration names these.
        "_endpoint_origins": (
            "https://oauth2.googleapis.com",
            "https://openidconnect.googleapis.com",
            "https://www.googleapis.com",
        ),
    }


def gitlab(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": "gitlab",
        "name": "GitLab",
        "type": "oauth",
        "authorization": {
            "url": "https://gitlab.com/oauth/authorize",
            "params": {"scope": "read_user"},
        },
        "token": "https://gitlab.com/oauth/token",
        "userinfo": "https://gitlab.com/api/v4/user",
        "id_token": False,
        "profile": gitlab_profile,
        "style": {"bg": "#FC6D26", "text": "#fff"},
    }


def discord(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": "discord",
        "name": "Discord",
        "type": "oauth",
        # The scope sits in the URL itself in both versions, so it comes first.
        "authorization": "https://discord.com/api/oauth2/authorize?scope=identify+email",
        "token": "https://discord.com/api/oauth2/token",
        "userinfo": "https://discord.com/api/users/@me",
        "id_token": False,
        "profile": discord_profile,
        "style": {"bg": "#5865F2", "text": "#fff"},
    }


def microsoft_entra_id(entry: Mapping[str, Any]) -> dict[str, Any]:
    tenant = entry.get("tenant_id") or "common"
    return {
        "id": "microsoft-entra-id",
        "name": "Microsoft Entra ID",
        "type": "oidc",
        "issuer": f"https://login.microsoftonline.com/{tenant}/v2.0",
        "authorization": {"params": {"scope": "openid profile email User.Read"}},
        "style": {"bg": "#0072c6", "text": "#fff"},
    }


def _issuer_oidc(preset_id: str, name: str) -> Preset:
    def preset(entry: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": preset_id,
            "name": name,
            "type": "oidc",
            "_params_by_version": _V4_OIDC_SCOPE,
        }

    return preset


PRESETS: dict[str, Preset] = {
    "github": github,
    "google": google,
    "gitlab": gitlab,
    "discord": discord,
    "microsoft-entra-id": microsoft_entra_id,
    "auth0": _issuer_oidc("auth0", "Auth0"),
    "keycloak": _issuer_oidc("keycloak", "Keycloak"),
    "okta": _issuer_oidc("okta", "Okta"),
}
