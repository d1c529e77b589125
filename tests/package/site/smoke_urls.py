"""URLs of the smoke test's project: NextAuth's routes where Next.js expects them."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/auth/", include("django_nextauth.urls"))]
