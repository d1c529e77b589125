from __future__ import annotations

from django.apps import AppConfig


class NextAuthConfig(AppConfig):
    name = "django_nextauth"
    verbose_name = "NextAuth"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
