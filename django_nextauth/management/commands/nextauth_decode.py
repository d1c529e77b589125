"""``manage.py nextauth_decode TOKEN``: print a session token's claims as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_nextauth import jwt
from django_nextauth.conf import nextauth_settings
from django_nextauth.exceptions import InvalidToken, NextAuthError


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
            choices=["v4", "v5"],
            help="Token format: v4 (next-auth 4) or v5 (Auth.js). Default: NEXTAUTH['VERSION'].",
        )
        parser.add_argument(
            "--salt",
            help="Key derivation salt. Default: '' for v4; for v5 the cookie name "
            "'authjs.session-token' (use '__Secure-authjs.session-token' for HTTPS cookies).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            claims = jwt.decode(
                options["token"].strip(),
                secret=nextauth_settings.secrets,
                salt=options["salt"],
                version=options["version"] or nextauth_settings.VERSION,
            )
        except InvalidToken as exc:
            raise CommandError(f"Invalid token: {exc}") from None
        except NextAuthError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(claims, indent=2, ensure_ascii=False))
