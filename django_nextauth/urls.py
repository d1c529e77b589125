"""The /api/auth/* routes. Placeholder until the sign-in flow lands."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "nextauth"
urlpatterns: list[URLPattern] = []
