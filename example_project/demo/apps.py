from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "django-nextauth demo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .seed import create_demo_users

        # After `migrate` (which the demo's `runserver` runs first), so a fresh clone has users.
        post_migrate.connect(create_demo_users, sender=self)
