"""``{"type": "oauth"}``: NextAuth's OAuth 2.0 providers, on top of ``django_nextauth/oauth/``.

Two entry shapes, NextAuth's option names in snake_case (``docs/providers.md``)::

    {"id": "acme", "name": "Acme", "type": "oauth",
     "authorization": {"url": "https://acme.example/authorize", "params": {"scope": "read:user"}},
     "token": "https://acme.example/token", "userinfo": "https://acme.example/user",
     "client_id": "...", "client_secret": "...", "profile": "myapp.auth.acme_profile"}
    {"provider": "github", "client_id": "...", "client_secret": "..."}   # a built-in preset

``type: "oidc"`` entries (``providers/oidc.py``) share this class's flow. ``POST
/signin/<id>`` answers with the authorization URL (the request's query string merged
into it, as ``signIn(id, options, authorizationParams)`` sends it) and sets the check
cookies; ``GET|POST /callback/<id>`` (no CSRF: the checks are the CSRF protection)
validates, exchanges the code, maps the profile and hands over to
:func:`~django_nextauth.flow.complete.complete_sign_in`. Every failure ends on the error
redirect the configured version sends (``docs/protocol-providers.md`` §1.11);
nothing an IdP or a browser sends can make these views answer 5xx.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse, HttpResponseBase

from django_nextauth import oauth
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import delete_cookie, set_cookie
from django_nextauth.dialect import VERSIONS, CookieKind, dialect
from django_nextauth.errors import ErrorCode
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.flow.context import with_query
from django_nextauth.oauth import OAuthConfig, OAuthError
from django_nextauth.oauth.config import OPTIONS
from django_nextauth.oauth.failures import ErrorKind

from .base import Provider
from .binding import session_binding, started_by_this_session
from .registry import get_provider, provider_class, register_provider_type

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

__all__ = ["OAuthProvider", "provider_config", "refresh_access_token"]

logger = logging.getLogger("django_nextauth")

#: Check cookies a ``response_mode=form_post`` callback needs on a cross-site POST.
_FORM_POST_COOKIES: tuple[CookieKind, ...] = ("state", "nonce")
#: Auth.js sends these codes to the sign-in page (``SignInError`` kinds), the rest to /error.
_SIGNIN_KIND = frozenset({ErrorCode.OAUTH_CALLBACK_ERROR, ErrorCode.OAUTH_ACCOUNT_NOT_LINKED})
#: Button colours from settings end up in a ``style`` attribute: colours only.
_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,32}|(?:rgb|hsl)a?\([0-9., %]{1,40}\)")


class OAuthProvider(Provider):
    """An OAuth 2.0 (or, as :class:`~django_nextauth.providers.oidc.OIDCProvider`, OIDC)
    provider: authorization code flow with the version's checks."""

    type = "oauth"
    callback_methods = ("GET", "POST")
    options = OPTIONS

    def __init__(self, *, config: OAuthConfig) -> None:
        super().__init__(id=config.id, name=config.name)
        self.config = config
        #: NextAuth's ``allowDangerousEmailAccountLinking`` (read by the account linking).
        self.allow_dangerous_email_account_linking = config.allow_dangerous_email_account_linking

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> Provider:
        cls.check_keys(entry, where)
        config = OAuthConfig.from_settings(entry, where)
        # {"provider": "google"} is an oidc entry: the preset's type picks the class.
        built = cls if config.type == cls.type else provider_class(config.type, where)
        if not issubclass(built, OAuthProvider):
            raise ConfigurationError(f"{where}: {config.type!r} is not an OAuth provider type.")
        return built(config=config)

    @property
    def form_post(self) -> bool:
        """Whether the IdP answers with ``response_mode=form_post`` (a POST callback)."""
        return any(
            self.config.params(version).get("response_mode") == "form_post" for version in VERSIONS
        )

    def to_json(self, auth_url: str) -> dict[str, str]:
        entry = super().to_json(auth_url)
        # next-auth 4 normalises every OAuth provider to "oauth" (accounts and /providers).
        if dialect(nextauth_settings.VERSION).oauth_account_type_is_oauth:
            entry["type"] = "oauth"
        return entry

    def signin_form(self, ctx: AuthRequest) -> dict[str, Any] | None:
        style = self.config.style
        colours = {"bg": style.get("bg"), "text": style.get("text")}
        css = "; ".join(
            f"--provider-{key}: {value}"
            for key, value in colours.items()
            if isinstance(value, str) and _COLOUR.fullmatch(value)
        )
        return {
            "id": self.id,
            "name": self.name,
            "action": ctx.url("signin-provider", provider_id=self.id),
            "fields": [],
            "oauth": True,
            "style": css,
        }

    def begin(self, ctx: AuthRequest) -> HttpResponseBase:
        version = ctx.dialect.version
        try:
            start = oauth.begin(
                self.config,
                version=version,
                redirect_uri=ctx.url("callback", provider_id=self.id),
                secret=nextauth_settings.secrets,
                secure=ctx.csrf.secure,
                # signIn(id, options, authorizationParams) sends them in the query string.
                extra_params={key: ctx.request.GET[key] for key in ctx.request.GET},
                session=session_binding(ctx.request),
            )
        except OAuthError as exc:
            return self.failed(ctx, exc)
        except ConfigurationError:
            raise
        except Exception as exc:  # an IdP or network surprise must not become a 500
            return self.failed(ctx, _unexpected("signin", exc))
        response = ctx.redirect(start.url)
        for cookie in start.cookies:
            cross_site = self.form_post and any(
                cookie.name == ctx.dialect.cookie(kind, secure=ctx.csrf.secure)
                for kind in _FORM_POST_COOKIES
            )
            set_cookie(
                response,
                cookie.name,
                cookie.value,
                secure=ctx.csrf.secure or cross_site,
                max_age=cookie.max_age,
                expires=cookie.expires,
                same_site="None" if cross_site else "Lax",
            )
        return response

    def callback(self, ctx: AuthRequest) -> HttpResponseBase:
        request = ctx.request
        if request.method == "POST" and self.form_post:
            source: Mapping[str, Any] = ctx.body
        else:
            source = request.GET
        params = {key: value for key in source if isinstance(value := source[key], str)}
        try:
            result = oauth.complete(
                self.config,
                version=ctx.dialect.version,
                params=params,
                cookies=request.COOKIES,
                redirect_uri=ctx.url("callback", provider_id=self.id),
                secret=nextauth_settings.secrets,
                secure=ctx.csrf.secure,
            )
        except OAuthError as exc:
            return self.failed(ctx, exc)
        except ConfigurationError:
            raise
        except Exception as exc:  # a hostile IdP answer must not become a 500
            return self.failed(ctx, _unexpected("callback", exc))
        response = complete_sign_in(
            ctx,
            provider=self,
            user=result.user,
            account=result.account,
            profile=result.profile,
            # Linking to the signed-in user only in the session that started this sign-in.
            bound_to_session=started_by_this_session(request, result.session),
        )
        # The checks are spent once the code was exchanged, whatever sign_in decided.
        for name in result.clear_cookies:
            delete_cookie(response, name, secure=ctx.csrf.secure)
        return response

    def failed(self, ctx: AuthRequest, exc: OAuthError) -> HttpResponse:
        """The error redirect NextAuth sends for ``exc`` (the check cookies stay)."""
        logger.warning("django_nextauth: OAuth provider %r: %s", self.id, exc)
        code = exc.code(ctx.dialect.version)
        if code is None:  # the profile mapping failed: back to the sign-in page, no code
            return ctx.redirect(ctx.url("signin"))
        error = ErrorCode(code)
        if ctx.dialect.errors_via_error_route or error not in _SIGNIN_KIND:
            return ctx.error_redirect(error)
        return ctx.redirect(with_query(ctx.page("SIGN_IN", "signin"), error=error.value))


def _unexpected(kind: ErrorKind, exc: Exception) -> OAuthError:
    # The type only: the message of a library error may quote a token or a response.
    return OAuthError(kind, f"Unexpected {type(exc).__name__} from the OAuth flow.")


def provider_config(provider_id: str) -> OAuthConfig:
    """The :class:`OAuthConfig` of the OAuth / OIDC provider ``provider_id``."""
    provider = get_provider(provider_id)
    if not isinstance(provider, OAuthProvider):
        raise ConfigurationError(f"No OAuth provider {provider_id!r} in NEXTAUTH['PROVIDERS'].")
    return provider.config


def refresh_access_token(provider: str | OAuthConfig, token: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`django_nextauth.oauth.refresh_access_token` for the provider with this id in
    ``NEXTAUTH["PROVIDERS"]`` (or this :class:`OAuthConfig`): the body of a ``jwt``
    callback that refreshes the access token (``docs/providers.md``)."""
    config = provider if isinstance(provider, OAuthConfig) else provider_config(provider)
    return oauth.refresh_access_token(config, token)


register_provider_type(OAuthProvider.type, OAuthProvider)
