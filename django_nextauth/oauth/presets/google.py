"""Google (``packages/core/src/providers/google.ts``): OpenID Connect, discovered."""

from __future__ import annotations

from .preset import Preset, Style

__all__ = ["GOOGLE"]

GOOGLE = Preset(
    id="google",
    name="Google",
    type="oidc",
    issuer="https://accounts.google.com",
    style=Style(bg="#fff", text="#000"),
    dialect_scope=True,
    # https://accounts.google.com/.well-known/openid-configuration names these.
    endpoint_origins=(
        "https://oauth2.googleapis.com",
        "https://openidconnect.googleapis.com",
        "https://www.googleapis.com",
    ),
)
