from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    # /api/auth/csrf, /session, /signin, /callback/credentials, /signout, /error, ...
    path("api/auth/", include("django_nextauth.urls")),
    path("", include("demo.urls")),
]
