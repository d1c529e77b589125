from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed

from .signals import count_login_failed


class NextAuthConfig(AppConfig):
    name = "django_nextauth"
    verbose_name = "NextAuth"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks once apps are ready)
        from .webauthn import checks as webauthn_checks  # noqa: F401  (the passkey checks)

        # Counts Django's own sends during a credentials attempt (signals.login_attempt).
        user_login_failed.connect(count_login_failed, dispatch_uid="django_nextauth.attempts")
