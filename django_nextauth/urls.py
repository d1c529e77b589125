"""The NextAuth REST API: ``path("api/auth/", include("django_nextauth.urls"))``.

Routes as in NextAuth (PROTOCOL §4.1); any other path under the prefix answers
400 like NextAuth's unknown actions. Names are in the ``nextauth`` namespace
(``reverse("nextauth:signin")``).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "nextauth"

urlpatterns: list[URLPattern] = [
    path("", views.not_found, name="index"),
    path("csrf", views.csrf, name="csrf"),
    path("providers", views.providers, name="providers"),
    path("session", views.session, name="session"),
    path("signin", views.signin, name="signin"),
    path("signin/<str:provider_id>", views.signin, name="signin-provider"),
    path("callback/<str:provider_id>", views.callback, name="callback"),
    path("signout", views.signout, name="signout"),
    path("error", views.error, name="error"),
    path("_log", views.log, name="log"),
    path("<path:rest>", views.not_found),
]
