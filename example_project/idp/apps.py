from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdpConfig(AppConfig):
    """The Demo IdP: an OpenID provider inside the example project (DEVELOPMENT ONLY)."""

    name = "idp"
    verbose_name = "Demo IdP"

    def ready(self) -> None:
        from .seed import seed_demo_client

        # After `migrate` (which the demo's `runserver` runs first): the client the example's
        # "demo-idp" provider signs in with exists, with this run's redirect URIs and secret.
        post_migrate.connect(seed_demo_client, sender=self)
