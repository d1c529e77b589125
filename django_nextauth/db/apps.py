from __future__ import annotations

from django.apps import AppConfig


class NextAuthDbConfig(AppConfig):
    """The optional database app (label ``nextauth_db``: tables ``nextauth_db_*``)."""

    name = "django_nextauth.db"
    label = "nextauth_db"
    verbose_name = "NextAuth accounts and sessions"
    default_auto_field = "django.db.models.BigAutoField"
