"""``{"type": "webauthn"}``: Auth.js's WebAuthn / passkey provider, served by Django.

The entry, Auth.js's ``Passkey({...})`` options in snake_case::

    {
        "type": "webauthn",
        "id": "passkey",                 # signIn("passkey") in next-auth/webauthn
        "name": "Passkey",
        "relying_party": {"id": "example.com", "name": "Example", "origin": "https://example.com"},
        "timeout": 5 * 60 * 1000,        # milliseconds, a hint to the browser
        "user_verification": "preferred",   # or "required", "discouraged"
        "enable_conditional_ui": True,   # passkeys offered in the e-mail field's autofill
        "allow_sign_up": True,           # False: only signed-in users add passkeys
        "rate_limit": {"CREDENTIAL": 5, "IP": 20, "WINDOW": 900},   # failed attempts
    }

The relying party defaults to the site's origin (``NEXTAUTH["URL"]`` or the request):
its host name, ``host[:port]`` and origin, as Auth.js's ``getRelayingParty``.
``GET /webauthn-options/<id>`` (``providers/passkey_options.py``) answers the options and sets
the challenge cookie; ``POST /callback/<id>`` (``providers/passkey_callback.py``), CSRF-checked,
registers or authenticates. Auth.js v5 only (``VERSION = "v5"``): next-auth 4 has no
WebAuthn, so under v4 the provider is a configuration error (``django_nextauth.E040``).
Needs an adapter that stores authenticators (``django_nextauth.db``; ``E041``) and the
``passkeys`` extra (``pip install django-nextauth[passkeys]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.forms.utils import flatatt
from django.http import HttpResponseBase

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.webauthn.ceremony import RelyingParty
from django_nextauth.webauthn.limits import AttemptLimits

from .base import Provider
from .passkey_callback import finish
from .passkey_options import answer_options
from .registry import register_provider_type

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

__all__ = ["WebAuthnProvider"]

#: @auth/core's ``DEFAULT_WEBAUTHN_TIMEOUT``: five minutes, in milliseconds.
DEFAULT_TIMEOUT = 5 * 60 * 1000
_VERIFICATION = ("required", "preferred", "discouraged")
_RP_KEYS = frozenset({"id", "name", "origin"})


class WebAuthnProvider(Provider):
    """Sign in with a passkey; sign up with one (an e-mail address and a new passkey)."""

    type = "webauthn"
    callback_methods = ("POST",)
    # next-auth/webauthn and the built-in page send the token; registering a passkey to the
    # signed-in user must not be forgeable cross-site.
    csrf_on_callback = True
    options = frozenset(
        {
            "relying_party",
            "timeout",
            "user_verification",
            "enable_conditional_ui",
            "allow_sign_up",
            "rate_limit",
        }
    )

    def __init__(
        self,
        *,
        id: str = "passkey",
        name: str = "Passkey",
        relying_party: Mapping[str, str] | None = None,
        timeout: int = DEFAULT_TIMEOUT,
        user_verification: str = "preferred",
        enable_conditional_ui: bool = True,
        allow_sign_up: bool = True,
        rate_limit: AttemptLimits | None = None,
    ) -> None:
        super().__init__(id=id, name=name)
        #: Fixed relying-party values; a missing one comes from the request's origin.
        self.relying_party = dict(relying_party or {})
        self.timeout = timeout
        self.user_verification = user_verification
        self.enable_conditional_ui = enable_conditional_ui
        self.allow_sign_up = allow_sign_up
        self.rate_limit = rate_limit or AttemptLimits()

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> Provider:
        cls.check_keys(entry, where)
        base = cls.base_options({"id": "passkey", "name": "Passkey", **entry}, where)
        rp = entry.get("relying_party") or {}
        if not isinstance(rp, Mapping) or not set(rp) <= _RP_KEYS:
            raise ConfigurationError(f"{where}['relying_party'] takes 'id', 'name' and 'origin'.")
        if not all(isinstance(value, str) and value for value in rp.values()):
            raise ConfigurationError(f"{where}['relying_party'] values must be non-empty strings.")
        timeout = entry.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1000:
            raise ConfigurationError(f"{where}['timeout'] must be milliseconds (at least 1000).")
        verification = entry.get("user_verification", "preferred")
        if verification not in _VERIFICATION:
            raise ConfigurationError(f"{where}['user_verification'] must be in {_VERIFICATION}.")
        flags = {key: entry.get(key, True) for key in ("enable_conditional_ui", "allow_sign_up")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise ConfigurationError(f"{where}[{key!r}] must be True or False.")
        return cls(
            id=base["id"],
            name=base["name"],
            relying_party=rp,
            timeout=timeout,
            user_verification=verification,
            rate_limit=AttemptLimits.from_setting(entry.get("rate_limit"), f"{where}[rate_limit]"),
            enable_conditional_ui=flags["enable_conditional_ui"],
            allow_sign_up=flags["allow_sign_up"],
        )

    def relying_party_for(self, ctx: AuthRequest) -> RelyingParty:
        """Auth.js's ``getRelayingParty``: the configured values, else the site's origin."""
        host = ctx.origin.split("://", 1)[-1]
        return RelyingParty(
            id=self.relying_party.get("id") or host.rsplit(":", 1)[0].strip("[]"),
            name=self.relying_party.get("name") or host,
            origin=self.relying_party.get("origin") or ctx.origin,
        )

    def require_v5(self, ctx: AuthRequest) -> None:
        """Raise :class:`ConfigurationError` when the version has no WebAuthn (v4)."""
        if not ctx.dialect.has_webauthn:
            raise ConfigurationError(
                f"The passkey provider {self.id!r} needs NEXTAUTH['VERSION'] = 'v5': "
                "next-auth 4 has no WebAuthn."
            )

    def begin(self, ctx: AuthRequest) -> HttpResponseBase:
        # POST /signin/<id>: Auth.js has no such step for WebAuthn; back to the sign-in page.
        self.require_v5(ctx)
        return ctx.redirect(ctx.url("signin"))

    def options_response(self, ctx: AuthRequest) -> HttpResponseBase:
        """``GET /webauthn-options/<id>``."""
        self.require_v5(ctx)
        return answer_options(ctx, self)

    def callback(self, ctx: AuthRequest) -> HttpResponseBase:
        self.require_v5(ctx)
        return finish(ctx, self)

    def signin_form(self, ctx: AuthRequest) -> dict[str, Any] | None:
        self.require_v5(ctx)
        field_id = f"input-email-for-{self.id}-provider"
        # "webauthn" in autocomplete: the browser offers passkeys in the field (conditional UI).
        autocomplete = "username webauthn" if self.enable_conditional_ui else "username"
        return {
            "id": self.id,
            "name": self.name,
            "action": ctx.url("callback", provider_id=self.id),
            "webauthn": True,
            "options_url": ctx.url("webauthn-options", provider_id=self.id),
            "conditional_ui": self.enable_conditional_ui,
            "fields": [
                {
                    "id": field_id,
                    "label": "Email",
                    "attrs": flatatt(
                        {
                            "type": "email",
                            "name": "email",
                            "id": field_id,
                            "autocomplete": autocomplete,
                            "placeholder": "email@example.com",
                            "data-form-field": True,
                        }
                    ),
                }
            ],
        }


register_provider_type(WebAuthnProvider.type, WebAuthnProvider)
