"""Auth0 (``packages/core/src/providers/auth0.ts``): OpenID Connect on the tenant's
``issuer`` (set in the entry), discovered."""

from __future__ import annotations

from .preset import Preset

__all__ = ["AUTH0"]

AUTH0 = Preset(id="auth0", name="Auth0", type="oidc", dialect_scope=True)
