"""Keycloak (``packages/core/src/providers/keycloak.ts``): OpenID Connect on the tenant's
``issuer`` (set in the entry), discovered."""

from __future__ import annotations

from .preset import Preset

__all__ = ["KEYCLOAK"]

KEYCLOAK = Preset(id="keycloak", name="Keycloak", type="oidc", dialect_scope=True)
