"""``Preset``: a built-in provider as typed data, as Auth.js has ``providers/github.ts``.

A settings entry ``{"provider": "<id>", ...}`` starts from the preset's values and its own
keys override them (``django_nextauth/oauth/config.py``). Facts come from NextAuth's
provider definitions (``packages/next-auth/src/providers/<id>.ts`` for v4,
``packages/core/src/providers/<id>.ts`` for v5) and ``docs/protocol-providers.md``
§1.3-1.4. No preset sets ``checks``: every one runs ``config.DEFAULT_CHECKS``
(NextAuth's presets run only ``state`` or only ``pkce``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django_nextauth.oauth.profiles import ProfileFn, UserinfoFn

__all__ = ["Preset", "Style"]


@dataclass(frozen=True)
class Style:
    """The button colours of the built-in sign-in page."""

    bg: str
    text: str


@dataclass(frozen=True)
class Preset:
    """One built-in provider. Only what a user's settings can also say is turned into
    settings defaults (:meth:`defaults`); the rest (:attr:`userinfo_request`,
    :attr:`dialect_scope`, :attr:`endpoint_origins`) only a preset can set."""

    id: str
    name: str
    type: Literal["oauth", "oidc"]
    style: Style | None = None
    issuer: str | None = None
    #: The authorization endpoint (``None``: discovered) and its parameters.
    authorization: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    token: str | None = None
    userinfo: str | None = None
    #: ``None``: decided as for any entry (the type, the discovery URL, the scope).
    id_token: bool | None = None
    #: ``None``: ``profiles.default_profile``.
    profile: ProfileFn | None = None
    #: The preset's own userinfo request (GitHub's ``/user`` + ``/user/emails``).
    userinfo_request: UserinfoFn | None = None
    #: Whether the authorization parameters include the configured version's scope of
    #: an OIDC preset (``Dialect.oauth_oidc_preset_params``): NextAuth's own definitions
    #: of these presets differ per version.
    dialect_scope: bool = False
    #: Origins besides the issuer's that the IdP's discovery document names.
    endpoint_origins: tuple[str, ...] = ()
    #: Settings keys only this preset accepts (``enterprise``, ``tenant_id``).
    options: frozenset[str] = frozenset()
    #: The preset for one entry, from its own options: ``(preset, entry, where) -> preset``.
    configure: Callable[[Preset, Mapping[str, Any], str], Preset] | None = None

    def for_entry(self, entry: Mapping[str, Any], where: str) -> Preset:
        """This preset as ``entry``'s own options (a GitHub Enterprise URL, a tenant) make it."""
        return self if self.configure is None else self.configure(self, entry, where)

    def defaults(self) -> dict[str, Any]:
        """The settings entry this preset stands for; the user's entry overrides its keys."""
        entry: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.params:
            url = {"url": self.authorization} if self.authorization is not None else {}
            entry["authorization"] = {**url, "params": dict(self.params)}
        elif self.authorization is not None:
            entry["authorization"] = self.authorization
        for key in ("issuer", "token", "userinfo", "id_token", "profile"):
            if getattr(self, key) is not None:
                entry[key] = getattr(self, key)
        if self.style is not None:
            entry["style"] = {"bg": self.style.bg, "text": self.style.text}
        return entry

    def merged(self, entry: Mapping[str, Any]) -> tuple[dict[str, Any], Mapping[str, Any]]:
        """``(entry over the defaults, the entry's own authorization parameters)``: the
        entry's keys replace the preset's, its authorization parameters add to them."""
        defaults = self.defaults()
        merged = {**defaults, **entry}
        auth = entry.get("authorization")
        base = defaults.get("authorization")
        if not (isinstance(auth, Mapping) and isinstance(base, Mapping)):
            return merged, {}
        own = auth.get("params", {})
        if not isinstance(own, Mapping):
            return merged, {}  # refused with the setting's path by the normalisation
        merged["authorization"] = {**base, **auth, "params": {**base["params"], **own}}
        return merged, own
