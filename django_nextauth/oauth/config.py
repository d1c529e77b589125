"""``OAuthConfig``: one OAuth / OIDC provider entry of ``NEXTAUTH["PROVIDERS"]``, normalised.

The entry uses NextAuth's option names in snake_case (``client_id``, ``well_known``,
``allow_dangerous_email_account_linking``, ...). ``"provider": "<id>"`` starts from a
built-in preset (one module each in ``django_nextauth/oauth/presets/``) and the entry's
keys override it; what only a preset can say (GitHub's userinfo request, extra endpoint
origins) is never read from the entry. :data:`OPTIONS` is the one list of the keys an
entry may have.
Type ``"oidc"`` follows Auth.js whatever ``VERSION`` says (discovery from ``issuer``,
scope ``openid profile email``, the profile from the id_token claims); what differs per
version (the authorization parameters of a preset) is resolved here once per version.
Without ``checks``, a provider runs :data:`DEFAULT_CHECKS` in both versions: stricter than
NextAuth's (v4 ``state``, v5 ``pkce``), because PKCE alone lets an IdP that accepts a PKCE
downgrade take an attacker's code in a victim's browser. Every mistake raises
:class:`~django_nextauth.exceptions.ConfigurationError` naming the setting path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from django.utils.module_loading import import_string

from django_nextauth.dialect import VERSIONS, dialect
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.provider_id import check_provider_id

from .presets import PRESETS, Preset
from .profiles import ProfileFn, UserinfoFn, default_profile

__all__ = ["CHECKS", "CLIENT_AUTH", "DEFAULT_CHECKS", "OPTIONS", "Endpoint", "OAuthConfig"]

CHECKS = ("pkce", "state", "nonce")
#: The checks of a provider whose entry (and preset) sets no ``checks``, per type.
DEFAULT_CHECKS: Mapping[str, tuple[str, ...]] = {
    "oauth": ("pkce", "state"),
    "oidc": ("pkce", "state", "nonce"),
}
CLIENT_AUTH = ("client_secret_basic", "client_secret_post", "none")
#: The keys any oauth / oidc entry may have.
_GENERIC = frozenset(
    {
        "id", "name", "type", "class", "provider", "issuer", "well_known", "authorization",
        "token", "userinfo", "client_id", "client_secret", "client_auth", "checks",
        "id_token", "profile", "allow_dangerous_email_account_linking", "style",
        "jwks_endpoint",
    }
)  # fmt: skip
#: Every key an oauth / oidc entry may have: the generic ones, and those of a preset
#: (``enterprise``, ``tenant_id``), which only an entry of that preset may set.
OPTIONS = _GENERIC.union(*(preset.options for preset in PRESETS.values()))


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL (``None``: discovered) and the query parameters it carries."""

    url: str | None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OAuthConfig:
    """A normalised OAuth 2.0 / OpenID Connect provider. Build it with :meth:`from_settings`."""

    id: str
    name: str
    type: Literal["oauth", "oidc"]
    client_id: str
    client_secret: str
    issuer: str | None
    well_known: str | None
    authorization: Endpoint
    token: str | None
    userinfo: str | None
    client_auth: str
    id_token: bool
    profile: ProfileFn
    allow_dangerous_email_account_linking: bool
    style: Mapping[str, str]
    #: Per version: the provider's authorization parameters and its checks.
    params_by_version: Mapping[str, Mapping[str, str]]
    checks_by_version: Mapping[str, tuple[str, ...]]
    #: A preset's own userinfo request (GitHub's /user + /user/emails), else None.
    userinfo_request: UserinfoFn | None = None
    #: The JWKS URL when configured (``None``: discovered).
    jwks_endpoint: str | None = None
    #: Origins besides the issuer's a preset's IdP serves discovered endpoints from.
    endpoint_origins: tuple[str, ...] = ()

    def params(self, version: str) -> Mapping[str, str]:
        """The provider's authorization parameters as ``version`` sends them."""
        return self.params_by_version[version]

    def checks(self, version: str) -> tuple[str, ...]:
        """The checks (``pkce``, ``state``, ``nonce``) ``version`` runs for this provider."""
        return self.checks_by_version[version]

    @property
    def discovery_url(self) -> str | None:
        """Where the metadata document is, or ``None`` when the endpoints are configured."""
        return self.well_known

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> OAuthConfig:
        """Validate and normalise one provider entry; ``where`` names it in errors."""
        if not isinstance(entry, Mapping):
            raise ConfigurationError(f"{where} must be a dict.")
        preset = _preset(entry, where)
        allowed = _GENERIC if preset is None else _GENERIC | preset.options
        unknown = sorted(str(key) for key in entry if key not in allowed)
        if unknown:
            raise ConfigurationError(f"{where}: unknown option {unknown[0]!r}.")
        if preset is None:
            return _normalise(entry, where, preset=None, user_params={})
        preset = preset.for_entry(entry, where)
        merged, user_params = preset.merged(entry)
        return _normalise(merged, where, preset=preset, user_params=user_params)


def _preset(entry: Mapping[str, Any], where: str) -> Preset | None:
    name = entry.get("provider")
    if name is None:
        return None
    if name not in PRESETS:
        known = ", ".join(sorted(PRESETS))
        raise ConfigurationError(f"{where}['provider']: unknown preset {name!r} (one of {known}).")
    return PRESETS[name]


def _text(entry: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise ConfigurationError(f"{where}['{key}'] is required.")
        return None
    if not isinstance(value, str):
        raise ConfigurationError(f"{where}['{key}'] must be a string.")
    return value


def _url(value: str | None, where: str) -> str | None:
    if value is not None and urlsplit(value).scheme not in ("http", "https"):
        raise ConfigurationError(f"{where} must be an http(s) URL.")
    return value


def _endpoint(entry: Mapping[str, Any], where: str) -> Endpoint:
    raw = entry.get("authorization")
    params: Mapping[str, Any]
    if raw is None or isinstance(raw, str):
        url, params = raw, {}
    elif isinstance(raw, Mapping):
        url, params = raw.get("url"), raw.get("params", {})
        if url is not None and not isinstance(url, str):
            raise ConfigurationError(f"{where}['authorization']['url'] must be a string.")
        if not isinstance(params, Mapping):
            raise ConfigurationError(f"{where}['authorization']['params'] must be a dict.")
    else:
        raise ConfigurationError(f"{where}['authorization'] must be a URL or {{url, params}}.")
    _url(url, f"{where}['authorization']")
    # A query in the URL counts as parameters (next-auth 4 normalises it so; Auth.js
    # keeps it in the URL, which ends up in the same place).
    own = dict(parse_qsl(urlsplit(url).query)) if url else {}
    return Endpoint(url or None, {**own, **{str(k): str(v) for k, v in params.items()}})


def _checks(entry: Mapping[str, Any], kind: str, where: str) -> dict[str, tuple[str, ...]]:
    raw = entry.get("checks")
    if raw is None:
        return dict.fromkeys(VERSIONS, DEFAULT_CHECKS[kind])
    if isinstance(raw, str) or not all(isinstance(c, str) for c in raw):
        raise ConfigurationError(f"{where}['checks'] must be a list of strings.")
    wrong = [c for c in raw if c not in (*CHECKS, "none")]
    if wrong:
        raise ConfigurationError(f"{where}['checks']: unknown check {wrong[0]!r}.")
    chosen = tuple(c for c in CHECKS if c in raw)
    return dict.fromkeys(VERSIONS, chosen)


def _callable(value: Any, where: str, default: ProfileFn) -> ProfileFn:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as exc:
            raise ConfigurationError(f"{where}: cannot import {value!r}.") from exc
    if not callable(value):
        raise ConfigurationError(f"{where} must be a callable or a dotted path to one.")
    fn: ProfileFn = value
    return fn


def _normalise(
    entry: Mapping[str, Any],
    where: str,
    *,
    preset: Preset | None,
    user_params: Mapping[str, Any],
) -> OAuthConfig:
    provider_id = _text(entry, "id", where, required=True)
    check_provider_id(provider_id, f"{where}['id']")
    assert provider_id is not None
    kind = entry.get("type", "oauth")
    if kind not in ("oauth", "oidc"):
        raise ConfigurationError(f"{where}['type'] must be 'oauth' or 'oidc'.")
    issuer = _url(_text(entry, "issuer", where), f"{where}['issuer']")
    well_known = _url(_text(entry, "well_known", where), f"{where}['well_known']")
    if kind == "oidc" and issuer is None and well_known is None:
        raise ConfigurationError(f"{where}['issuer'] is required for type 'oidc'.")
    if well_known is None and issuer is not None and kind == "oidc":
        well_known = issuer.rstrip("/") + "/.well-known/openid-configuration"
    authorization = _endpoint(entry, where)
    token = _url(_text(entry, "token", where), f"{where}['token']")
    userinfo = _url(_text(entry, "userinfo", where), f"{where}['userinfo']")
    jwks_endpoint = _url(_text(entry, "jwks_endpoint", where), f"{where}['jwks_endpoint']")
    if well_known is None and (authorization.url is None or token is None):
        raise ConfigurationError(
            f"{where}: set 'authorization' and 'token' URLs, or 'issuer' / 'well_known'."
        )
    client_auth = entry.get("client_auth", "client_secret_basic")
    if client_auth not in CLIENT_AUTH:
        raise ConfigurationError(f"{where}['client_auth'] must be one of {', '.join(CLIENT_AUTH)}.")
    client_id = _text(entry, "client_id", where, required=True)
    client_secret = _text(entry, "client_secret", where, required=client_auth != "none")
    scope = authorization.params.get("scope", "")
    id_token = entry.get("id_token")
    if id_token is None:
        # next-auth 4's rule: an openid-configuration document or an "openid" scope.
        id_token = kind == "oidc" or "openid-configuration" in (well_known or "")
        id_token = id_token or "openid" in scope.split()
    if not isinstance(id_token, bool):
        raise ConfigurationError(f"{where}['id_token'] must be a boolean.")
    if not id_token and userinfo is None and well_known is None:
        raise ConfigurationError(f"{where}['userinfo'] is required without an id_token.")
    # The user's own authorization parameters win over the version's preset scope.
    own = {str(k): str(v) for k, v in user_params.items()}
    preset_scope = preset is not None and preset.dialect_scope
    return OAuthConfig(
        id=provider_id,
        name=_text(entry, "name", where) or provider_id,
        type=kind,
        client_id=str(client_id),
        client_secret=client_secret or "",
        issuer=issuer,
        well_known=well_known,
        authorization=authorization,
        token=token,
        userinfo=userinfo,
        client_auth=client_auth,
        id_token=id_token,
        profile=_callable(entry.get("profile"), f"{where}['profile']", default_profile),
        allow_dangerous_email_account_linking=bool(
            entry.get("allow_dangerous_email_account_linking", False)
        ),
        style=dict(entry.get("style") or {}),
        params_by_version={
            v: {
                **authorization.params,
                **(dialect(v).oauth_oidc_preset_params if preset_scope else {}),
                **own,
            }
            for v in VERSIONS
        },
        checks_by_version=_checks(entry, kind, where),
        userinfo_request=None if preset is None else preset.userinfo_request,
        jwks_endpoint=jwks_endpoint,
        endpoint_origins=() if preset is None else preset.endpoint_origins,
    )
