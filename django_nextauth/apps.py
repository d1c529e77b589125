from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save

from .signals import count_login_failed


class NextAuthConfig(AppConfig):
    name = "django_nextauth"
    verbose_name = "NextAuth"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks once apps are ready)
        from .revocation import end_sessions_of_inactive_user
        from .webauthn import system_checks  # noqa: F401  (the passkey checks)

        # Counts Django's own sends during a credentials attempt (signals.login_attempt).
        user_login_failed.connect(count_login_failed, dispatch_uid="django_nextauth.attempts")
        # A deactivated user's sessions end with it (when revocation or database sessions
        # are on). Connected here, not at import: the user model is known only now.
        post_save.connect(
            end_sessions_of_inactive_user,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="django_nextauth.end_sessions_of_inactive_user",
        )
