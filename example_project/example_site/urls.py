from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    # /api/auth/csrf, /session, /signin, /callback/credentials, /signout, /error, ...
    path("api/auth/", include("django_nextauth.urls")),
    # The Demo IdP (DEVELOPMENT ONLY): django-oauth-toolkit's OpenID provider and its login page.
    path("idp/o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("idp/", include("idp.urls")),
    path("", include("demo.urls")),
]
