"""Okta (``packages/core/src/providers/okta.ts``): OpenID Connect on the tenant's
``issuer`` (set in the entry), discovered."""

from __future__ import annotations

from .preset import Preset

__all__ = ["OKTA"]

OKTA = Preset(id="okta", name="Okta", type="oidc", dialect_scope=True)
