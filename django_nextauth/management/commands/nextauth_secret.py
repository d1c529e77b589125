"""``manage.py nextauth_secret``: print a fresh random secret, as ``npx auth secret`` does."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new random secret (32 bytes, base64) for NEXTAUTH['SECRET'] or AUTH_SECRET. "
        "Share the same value with your Next.js app."
    )

    requires_system_checks: list[str] = []  # works before the secret is configured

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
