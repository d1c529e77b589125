"""The Demo IdP's one client: the example project itself (its ``demo-idp`` provider).

DEVELOPMENT ONLY. A confidential client (``client_secret_basic``) with the authorization-code
grant, RS256 id_tokens, and no consent screen (``skip_authorization``): the user signs in at the
IdP and is sent straight back. Its redirect URIs are ``/api/auth/callback/demo-idp`` on
``settings.SITE_URL`` and on ``NEXTAUTH_URL`` (the public origin, if another server is in front)
plus the loopback hosts without a port: with RFC 8252 loopback matching (``settings.py``:
``ALLOW_LOCALHOST_LOOPBACK``) those accept any port, so ``runserver 9000`` and the browser tests'
random ports work without a change here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from oauth2_provider.models import get_application_model

CALLBACK_PATH = "/api/auth/callback/demo-idp"
LOOPBACK_ORIGINS = ("http://127.0.0.1", "http://[::1]", "http://localhost")
CLIENT_NAME = "django-nextauth example (Demo IdP)"


def redirect_uris() -> list[str]:
    """Every redirect URI the seeded client accepts, most specific first, no duplicates."""
    origins = [settings.SITE_URL, settings.NEXTAUTH.get("URL") or "", *LOOPBACK_ORIGINS]
    uris: list[str] = []
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme and parts.netloc:
            uri = f"{parts.scheme}://{parts.netloc}{CALLBACK_PATH}"
            if uri not in uris:
                uris.append(uri)
    return uris


def seed_demo_client(**kwargs: Any) -> None:
    """Create the demo client, or bring an existing one in line with this run's settings."""
    application_model = get_application_model()
    app, created = application_model.objects.get_or_create(client_id=settings.DEMO_IDP_CLIENT_ID)
    app.name = CLIENT_NAME
    app.client_type = application_model.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = application_model.GRANT_AUTHORIZATION_CODE
    app.algorithm = application_model.RS256_ALGORITHM
    app.skip_authorization = True
    app.redirect_uris = " ".join(redirect_uris())
    # Stored as is: this secret is in settings.py for everyone to read, and hashing it
    # (PBKDF2) would add a noticeable pause to every start and every token request.
    app.hash_client_secret = False
    app.client_secret = settings.DEMO_IDP_CLIENT_SECRET
    app.save()
    if created and kwargs.get("verbosity", 1) >= 1:
        print(f"Created the Demo IdP client {app.client_id!r}.")
