"""Discord (``packages/core/src/providers/discord.ts``): OAuth 2.0 with ``/users/@me``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .preset import Preset, Style

__all__ = ["DISCORD", "discord_profile"]


def discord_profile(profile: Mapping[str, Any], tokens: Mapping[str, Any]) -> dict[str, Any]:
    user_id = str(profile["id"])
    avatar = profile.get("avatar")
    if avatar is None:
        discriminator = str(profile.get("discriminator") or "0")
        number = (int(user_id) >> 22) % 6 if discriminator == "0" else int(discriminator) % 5
        image = f"https://cdn.discordapp.com/embed/avatars/{number}.png"
    else:
        fmt = "gif" if str(avatar).startswith("a_") else "png"
        image = f"https://cdn.discordapp.com/avatars/{user_id}/{avatar}.{fmt}"
    return {
        "id": user_id,
        "name": profile.get("global_name") or profile.get("username"),
        "email": profile.get("email"),
        "image": image,
    }


DISCORD = Preset(
    id="discord",
    name="Discord",
    type="oauth",
    # The scope sits in the URL itself in both versions, so it comes first.
    authorization="https://discord.com/api/oauth2/authorize?scope=identify+email",
    token="https://discord.com/api/oauth2/token",
    userinfo="https://discord.com/api/users/@me",
    id_token=False,
    profile=discord_profile,
    style=Style(bg="#5865F2", text="#fff"),
)
