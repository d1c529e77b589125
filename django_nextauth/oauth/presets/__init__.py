"""The built-in providers, selected with ``"provider": "<id>"``: one module per preset.

A new preset is one module here with a :class:`~.preset.Preset` and one line in
:data:`PRESETS`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .auth0 import AUTH0
from .discord import DISCORD
from .github import GITHUB
from .gitlab import GITLAB
from .google import GOOGLE
from .keycloak import KEYCLOAK
from .microsoft_entra_id import MICROSOFT_ENTRA_ID
from .okta import OKTA
from .preset import Preset, Style

__all__ = ["PRESETS", "Preset", "Style"]

#: Every built-in preset by its id.
PRESETS: Mapping[str, Preset] = {
    preset.id: preset
    for preset in (GITHUB, GOOGLE, GITLAB, DISCORD, MICROSOFT_ENTRA_ID, AUTH0, KEYCLOAK, OKTA)
}
