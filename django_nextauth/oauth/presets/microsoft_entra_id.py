"""Microsoft Entra ID (``packages/core/src/providers/microsoft-entra-id.ts``): OpenID
Connect on ``login.microsoftonline.com/<tenant_id>/v2.0`` (default tenant ``common``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django_nextauth.exceptions import ConfigurationError

from .preset import Preset, Style

__all__ = ["MICROSOFT_ENTRA_ID"]


def _issuer(tenant: str) -> str:
    return f"https://login.microsoftonline.com/{tenant}/v2.0"


def _tenant(preset: Preset, entry: Mapping[str, Any], where: str) -> Preset:
    tenant = entry.get("tenant_id") or "common"
    if not isinstance(tenant, str):
        raise ConfigurationError(f"{where}['tenant_id'] must be a string.")
    return dataclasses.replace(preset, issuer=_issuer(tenant))


MICROSOFT_ENTRA_ID = Preset(
    id="microsoft-entra-id",
    name="Microsoft Entra ID",
    type="oidc",
    issuer=_issuer("common"),
    params={"scope": "openid profile email User.Read"},
    style=Style(bg="#0072c6", text="#fff"),
    options=frozenset({"tenant_id"}),
    configure=_tenant,
)
