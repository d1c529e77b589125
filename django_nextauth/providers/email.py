"""``{"type": "email"}``: NextAuth's e-mail provider (magic links) on Django's mail framework.

The entry, like NextAuth's ``EmailProvider({...})`` / Auth.js's ``Nodemailer({...})``::

    {
        "type": "email",
        "id": "email",                    # "nodemailer" for Auth.js's signIn("nodemailer")
        "from": "Example <no-reply@example.com>",   # default: DEFAULT_FROM_EMAIL
        "max_age": 24 * 60 * 60,          # how long a link works, in seconds
        "send": "myapp.mail.send_link",   # default: django_nextauth/email/mail.py
        "mailer": "default",              # Django 6.1+: the settings.MAILERS alias it sends through
        "normalize_identifier": None,     # default: NextAuth's rules (email/identifiers.py)
        "generate_token": None,           # default: 32 random bytes as hex
        "allow_sign_up": True,            # False: unknown addresses get no link
        "rate_limit": {"EMAIL": 5, "IP": 20, "WINDOW": 3600},   # links sent per window
    }

``POST /signin/<id>`` sends the link; ``GET /callback/<id>`` (the link) shows a
confirmation page (``providers/email_confirm.py``) whose form posts to
``POST /callback/<id>``, which signs the link's owner in
(``providers/email_link.py``; ``docs/protocol-providers.md`` §2). It
needs an adapter (``django_nextauth.adapters.get_adapter()``, e.g. the
``django_nextauth.db`` app) to keep the tokens and find or create the users.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.forms.utils import flatatt
from django.http import HttpResponseBase

from django_nextauth.email.limits import SendLimits
from django_nextauth.email.mail import DEFAULT_MAILER, has_mailers
from django_nextauth.exceptions import ConfigurationError

from .authorize import load_hook
from .base import Provider
from .email_confirm import confirm_link
from .email_link import send_link, use_link
from .registry import register_provider_type

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

__all__ = ["EmailProvider"]

ONE_DAY = 24 * 60 * 60


class EmailProvider(Provider):
    """Sign in with a one-time link sent to an e-mail address."""

    type = "email"
    # GET and HEAD show the confirmation page; its form's POST uses the token.
    callback_methods = ("GET", "HEAD", "POST")
    csrf_on_callback = True
    options = frozenset(
        {
            "from",
            "max_age",
            "send",
            "mailer",
            "normalize_identifier",
            "generate_token",
            "allow_sign_up",
            "rate_limit",
        }
    )

    def __init__(
        self,
        *,
        id: str = "email",
        name: str = "Email",
        from_email: str | None = None,
        max_age: int = ONE_DAY,
        send: Callable[..., Any] | None = None,
        mailer: str = DEFAULT_MAILER,
        normalize_identifier: Callable[[str], str] | None = None,
        generate_token: Callable[[], str] | None = None,
        allow_sign_up: bool = True,
        rate_limit: SendLimits | None = None,
    ) -> None:
        super().__init__(id=id, name=name)
        #: The ``From`` of the mail; ``None``: Django's ``DEFAULT_FROM_EMAIL``.
        self.from_email = from_email
        self.max_age = max_age
        #: ``None``: :func:`django_nextauth.email.mail.send_verification_request`.
        self.send = send
        #: The ``settings.MAILERS`` alias the default ``send`` uses (Django 6.1+).
        self.mailer = mailer
        #: ``None``: NextAuth's rules for the configured version.
        self.normalize_identifier = normalize_identifier
        #: ``None``: 32 random bytes as 64 hex digits.
        self.generate_token = generate_token
        self.allow_sign_up = allow_sign_up
        self.rate_limit = rate_limit or SendLimits()

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any], where: str) -> Provider:
        cls.check_keys(entry, where)
        from_email = entry.get("from")
        if from_email is not None and (not isinstance(from_email, str) or not from_email):
            raise ConfigurationError(f"{where}['from'] must be an address, e.g. 'a@example.com'.")
        max_age = entry.get("max_age", ONE_DAY)
        if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 1:
            raise ConfigurationError(f"{where}['max_age'] must be a positive number of seconds.")
        allow_sign_up = entry.get("allow_sign_up", True)
        if not isinstance(allow_sign_up, bool):
            raise ConfigurationError(f"{where}['allow_sign_up'] must be True or False.")
        return cls(
            **cls.base_options(entry, where),
            from_email=from_email,
            max_age=max_age,
            send=load_hook(entry.get("send"), f"{where}['send']"),
            mailer=_mailer(entry.get("mailer", DEFAULT_MAILER), f"{where}['mailer']"),
            normalize_identifier=load_hook(
                entry.get("normalize_identifier"), f"{where}['normalize_identifier']"
            ),
            generate_token=load_hook(entry.get("generate_token"), f"{where}['generate_token']"),
            allow_sign_up=allow_sign_up,
            rate_limit=SendLimits.from_setting(entry.get("rate_limit"), f"{where}['rate_limit']"),
        )

    def begin(self, ctx: AuthRequest) -> HttpResponseBase:
        return send_link(ctx, self)

    def callback(self, ctx: AuthRequest) -> HttpResponseBase:
        if ctx.request.method == "POST":
            return use_link(ctx, self)
        return confirm_link(ctx, self)

    def signin_form(self, ctx: AuthRequest) -> dict[str, Any] | None:
        field_id = f"input-email-for-{self.id}-provider"
        return {
            "id": self.id,
            "name": self.name,
            "action": ctx.url("signin-provider", provider_id=self.id),
            "fields": [
                {
                    "id": field_id,
                    "label": "Email",
                    "attrs": flatatt(
                        {
                            "type": "email",
                            "name": "email",
                            "id": field_id,
                            "autocomplete": "email",
                            "placeholder": "email@example.com",
                            "required": True,
                        }
                    ),
                }
            ],
        }


def _mailer(alias: Any, where: str) -> str:
    """``alias`` if this Django can send through it: a mail to the wrong server would hand
    sign-in links to it, so an unknown alias is a configuration error, not a fallback."""
    if not isinstance(alias, str) or not alias:
        raise ConfigurationError(f"{where} must be a MAILERS alias, e.g. 'default'.")
    if not has_mailers():
        if alias != DEFAULT_MAILER:
            raise ConfigurationError(
                f"{where} = {alias!r} needs Django 6.1+ (settings.MAILERS); this Django sends "
                "through EMAIL_BACKEND, so leave it unset."
            )
        return alias
    # Without MAILERS, Django 6.1 still builds the "default" mailer from EMAIL_* settings.
    known = getattr(settings, "MAILERS", {DEFAULT_MAILER: {}})
    if alias not in known:
        raise ConfigurationError(
            f"{where} = {alias!r} is not in settings.MAILERS (aliases: "
            f"{', '.join(map(repr, known)) or 'none'})."
        )
    return alias


register_provider_type(EmailProvider.type, EmailProvider)
