"""``manage.py nextauth_decode TOKEN``: print a session token's claims as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_nextauth import jwt
from django_nextauth.conf import nextauth_settings
from django_nextauth.dialect import DIALECTS, VERSIONS
from django_nextauth.exceptions import InvalidToken, NextAuthError, TokenExpired

_BOTH = (False, True)


class Command(BaseCommand):
    help = (
        "Decrypt a NextAuth session token (the session-token cookie value) with the configured "
        "secrets and print its claims as JSON."
    )

    requires_system_checks: list[str] = []  # a missing secret is reported below, in one line

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version picks the token format; it replaces Django's own --version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help="The token: the session cookie's value.")
        parser.add_argument(
            "--version",
            choices=VERSIONS,
            help="Token format: v4 (next-auth 4) or v5 (Auth.js). Default: NEXTAUTH['VERSION'].",
        )
        parser.add_argument(
            "--salt",
            help="Key derivation salt. Default: '' for v4; for v5 the cookie name "
            "'authjs.session-token' (use '__Secure-authjs.session-token' for HTTPS cookies), "
            "or the name NEXTAUTH['COOKIES'] gives it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token, salt = options["token"].strip(), options["salt"]
        try:
            version = options["version"] or nextauth_settings.VERSION
            secrets = nextauth_settings.secrets
            if salt is None:  # the salt of the plain (http) cookie name, as this site names it
                salt = nextauth_settings.dialect_for(version).default_salt
        except NextAuthError as exc:
            raise CommandError(str(exc)) from None
        try:
            claims = jwt.decode(token, secret=secrets, salt=salt, version=version)
        except TokenExpired as exc:
            raise CommandError(f"Invalid token: {exc}") from None
        except InvalidToken as exc:
            found = _other_format(token, secrets, tried=(version, salt))
            if found is None:
                raise CommandError(f"Invalid token: {exc}") from None
            # The secret is right: say what the token is rather than blame the secret.
            fits, flags = found
            what = "with another salt" if fits == version else f"and it was read as {version}"
            message = f"Invalid token: it is a {fits} token {what}: pass {flags}."
            raise CommandError(message) from None
        self.stdout.write(json.dumps(claims, indent=2, ensure_ascii=False))


def _other_format(
    token: str, secrets: Sequence[str], *, tried: tuple[str, str]
) -> tuple[str, str] | None:
    """The version and the options (``--version v5 [--salt ...]``) that decrypt ``token`` with
    the same secrets, trying each version's http and https cookie salts; None if none does."""
    for version in DIALECTS:
        dialect = nextauth_settings.dialect_for(version)  # NEXTAUTH["COOKIES"] names the salt
        default, https = (dialect.salt(dialect.cookie("session_token", secure=s)) for s in _BOTH)
        for salt in dict.fromkeys((default, https)):
            if (version, salt) == tried:
                continue
            try:
                jwt.decode(token, secret=secrets, salt=salt, version=dialect.version)
            except TokenExpired:
                pass  # it decrypts: the format is right
            except InvalidToken:
                continue
            return version, f"--version {version}" + ("" if salt == default else f" --salt {salt}")
    return None
