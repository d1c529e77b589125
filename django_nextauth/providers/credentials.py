"""``{"type": "credentials"}``: NextAuth's ``CredentialsProvider``, behind the rate limiter.

The entry, like NextAuth's ``CredentialsProvider({...})``::

    {
        "id": "credentials",          # URL segment: /callback/<id>
        "name": "Credentials",        # shown on the sign-in page
        "credentials": {              # the sign-in form, and what authorize() receives
            "username": {"label": "Username", "type": "text"},
            "password": {"label": "Password", "type": "password"},
        },
        "authorize": "myapp.auth.authorize",      # dotted path, callable, or None
        "rate_limit_key": "myapp.auth.account",   # optional, see below
    }

Every attempt is counted per client IP and per account identifier: by default each
declared field that is not ``type: "password"`` (``username`` and ``email`` when
none are declared), so a junk ``username`` beside the real ``email`` is still
counted against the ``email``. ``rate_limit_key(credentials, request)`` returns
the account key(s) instead: a string, a list of strings, or ``None``. See
``docs/security.md`` for an ``authorize`` that accepts a username or an e-mail.

The callback follows NextAuth (``docs/protocol.md`` §4.4): CSRF check, limiter,
``authorize``, then :func:`~django_nextauth.flow.complete.complete_sign_in`. Failures
never answer 500 and never echo what ``authorize`` raised; a database or network fault
inside it is the version's server error (``Configuration``), logged with its message,
not a failed sign-in.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.debug import sensitive_variables

from django_nextauth.errors import ErrorCode
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.hooks import HookFailed, run_hook
from django_nextauth.identity import is_active
from django_nextauth.logs import SERVER_FAULTS, log_server_fault
from django_nextauth.ratelimit import reserve, retry_after
from django_nextauth.signals import (
    login_attempt,
    send_login_failed,
    send_sign_in_failed,
)

from .authorize import Authorize, load_hook, run_authorize
from .base import Provider
from .registry import register_provider_type

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

__all__ = ["CredentialsProvider"]

logger = logging.getLogger("django_nextauth")

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")
_AUTOCOMPLETE = {"username": "username", "email": "email"}
_DEFAULT_IDENTIFIERS = ("username", "email")


class CredentialsProvider(Provider):
    """Sign in with a form posted to ``/callback/<id>`` and checked by ``authorize``."""

    type = "credentials"
    csrf_on_callback = True
    callback_methods = ("POST",)
    options = frozenset({"credentials", "authorize", "rate_limit_key"})

    def __init__(
        self,
        *,
        id: str = "credentials",
        name: str = "Credentials",
        credentials: Mapping[str, Mapping[str, Any]] | None = None,
        authorize: Authorize | None = None,
        rate_limit_key: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(id=id, name=name)
        self.credentials: dict[str, dict[str, Any]] = {
            key: dict(spec) for key, spec in (credentials or {}).items()
        }
        #: ``None``: Django's ``authenticate(username=..., password=...)``.
        self.authorize = authorize
        self.rate_limit_key = rate_limit_key

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> Provider:
        cls.check_keys(entry, where)
        return cls(
            **cls.base_options(entry, where),
            credentials=_load_fields(entry.get("credentials", {}), f"{where}['credentials']"),
            authorize=load_hook(entry.get("authorize"), f"{where}['authorize']"),
            rate_limit_key=load_hook(entry.get("rate_limit_key"), f"{where}['rate_limit_key']"),
        )

    @property
    def identifier_fields(self) -> tuple[str, ...]:
        """The declared fields that name an account (every one not of type password)."""
        declared = [k for k, spec in self.credentials.items() if spec.get("type") != "password"]
        return tuple(declared) if self.credentials else _DEFAULT_IDENTIFIERS

    @sensitive_variables()
    def account_keys(self, credentials: Mapping[str, Any], request: HttpRequest) -> list[str]:
        """The account identities an attempt is counted against, normalised."""
        values: list[Any]
        if self.rate_limit_key is None:
            values = [credentials.get(field) for field in self.identifier_fields]
        else:
            result = run_hook("rate_limit_key", self.rate_limit_key, dict(credentials), request)
            values = [result] if isinstance(result, str) else list(result or ())
        keys = [_normalize(value) for value in values if value not in (None, "")]
        return list(dict.fromkeys(key for key in keys if key))

    def begin(self, ctx: AuthRequest) -> HttpResponseBase:
        # Credentials sign in through /callback/<id>; /signin/<id> shows the form.
        return ctx.redirect(ctx.url("signin"))

    @sensitive_variables()
    def callback(self, ctx: AuthRequest) -> HttpResponseBase:
        # POST only, its CSRF token verified by the view (csrf_on_callback).
        try:
            keys = self.account_keys(ctx.body, ctx.request)
        except HookFailed as exc:  # nothing to count the attempt against: refuse it
            logger.warning("django_nextauth: credentials provider %r: %s", self.id, exc)
            self._failed(ctx, ErrorCode.CREDENTIALS_SIGNIN)
            return ctx.error_redirect(ErrorCode.CREDENTIALS_SIGNIN, provider_id=self.id)
        attempt = reserve(ctx.request, keys)
        if not attempt.allowed:
            self._failed(ctx, ErrorCode.TOO_MANY_ATTEMPTS)
            response = ctx.error_redirect(ErrorCode.TOO_MANY_ATTEMPTS, provider_id=self.id)
            response["Retry-After"] = str(retry_after())
            return response
        with login_attempt() as django_sent:
            try:
                user = self._authorize(ctx)
            except SERVER_FAULTS as exc:
                # A missing table or a database outage is not a wrong password: the visitor
                # gets the version's server error, the log the real cause.
                log_server_fault(f"authorize of provider {self.id!r} failed", exc)
                self._failed(ctx, ErrorCode.CONFIGURATION, credentials_wrong=False)
                return ctx.error_redirect(ErrorCode.CONFIGURATION)
        if user is None:
            # One user_login_failed per attempt: the hook's own authenticate() may have sent it.
            self._failed(ctx, ErrorCode.CREDENTIALS_SIGNIN, login_failed_sent=django_sent[0] > 0)
            return ctx.error_redirect(ErrorCode.CREDENTIALS_SIGNIN, provider_id=self.id)
        attempt.succeeded()
        user_id = user.get("id") if isinstance(user, Mapping) else user.pk
        account = {
            "providerAccountId": None if user_id is None else str(user_id),
            "type": "credentials",
            "provider": self.id,
        }
        return complete_sign_in(
            ctx, provider=self, user=user, account=account, credentials=ctx.body
        )

    @sensitive_variables()
    def _authorize(self, ctx: AuthRequest) -> Any:
        """The user ``authorize`` returns, normalised, or ``None``."""
        try:
            result = run_authorize(self.authorize, dict(ctx.body), ctx.request)
        except SERVER_FAULTS:
            raise
        except Exception as exc:
            # The message may quote the password: the type is enough to debug with.
            logger.warning(
                "django_nextauth: authorize of provider %r raised %s", self.id, type(exc).__name__
            )
            return None
        if result is None or result is False:
            return None
        if isinstance(result, Mapping):
            user = dict(result)
            if ctx.dialect.stringify_user_id:  # @auth/core: String(user.id) or a random UUID
                user["id"] = str(user["id"]) if user.get("id") is not None else str(uuid.uuid4())
            return user
        if hasattr(result, "pk") and is_active(result):
            return result
        logger.warning("django_nextauth: authorize returned an unusable %s", type(result).__name__)
        return None

    def _failed(
        self,
        ctx: AuthRequest,
        code: ErrorCode,
        *,
        login_failed_sent: bool = False,
        credentials_wrong: bool = True,
    ) -> None:
        send_sign_in_failed(ctx.request, self.id, code.value, ctx.body)
        # Django's user_login_failed: once per attempt (the hook's own authenticate() may have
        # sent it), and not for a server fault.
        if credentials_wrong and not login_failed_sent:
            send_login_failed(ctx.request, ctx.body)

    def signin_form(self, ctx: AuthRequest) -> dict[str, Any] | None:
        if not self.credentials:
            return None
        return {
            "id": self.id,
            "name": self.name,
            "action": ctx.url("callback", provider_id=self.id),
            "fields": [
                {
                    "id": f"input-{key}-for-{self.id}-provider",
                    "label": str(spec.get("label") or key),
                    "attrs": self._input_attrs(key, spec),
                }
                for key, spec in self.credentials.items()
            ],
        }

    def _input_attrs(self, name: str, spec: Mapping[str, Any]) -> str:
        """The ``<input>`` attributes for one credential field, escaped."""
        attrs: dict[str, Any] = {}
        for key, value in spec.items():
            # Attributes from settings are trusted, but no event handlers or odd names.
            if key == "label" or not _ATTRIBUTE.fullmatch(key) or key.lower().startswith("on"):
                continue
            if isinstance(value, (str, int, float, bool)):
                attrs[key] = value
        kind = str(attrs.get("type") or "text")
        attrs.update(type=kind, name=name, id=f"input-{name}-for-{self.id}-provider")
        if "autocomplete" not in attrs:
            attrs["autocomplete"] = (
                "current-password" if kind == "password" else _AUTOCOMPLETE.get(name, "on")
            )
        return flatatt(attrs)


def _normalize(value: Any) -> str:
    if isinstance(value, str):
        return value.strip().casefold()
    return json.dumps(value, sort_keys=True, default=str)


def _load_fields(raw: object, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a dict of field name -> attributes.")
    fields: dict[str, dict[str, Any]] = {}
    for key, attrs in raw.items():
        if not isinstance(key, str) or not _FIELD.fullmatch(key) or key == "csrfToken":
            raise ConfigurationError(f"{where}: {key!r} is not a usable field name.")
        if not isinstance(attrs, Mapping) or not all(isinstance(a, str) for a in attrs):
            raise ConfigurationError(f"{where}[{key!r}] must be a dict of attributes.")
        fields[key] = dict(attrs)
    return fields


register_provider_type(CredentialsProvider.type, CredentialsProvider)
