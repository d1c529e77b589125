from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("api/auth/", include("django_nextauth.urls")),
    path("", include("tests.testapp.urls")),
]
