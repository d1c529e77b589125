"""The NextAuth REST API: ``path("api/auth/", include("django_nextauth.urls"))``.

Routes as in NextAuth (``docs/protocol.md`` §4.1); any other path under the
prefix answers 400 like NextAuth's unknown actions. Names are in the ``nextauth``
namespace (``reverse("nextauth:signin")``).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .views.api import CsrfView, LogView, ProvidersView, SessionView, not_found
from .views.pages import ErrorView, VerifyRequestView
from .views.passkeys import PasskeysView
from .views.signin import CallbackView, SigninView
from .views.signout import SignoutView
from .views.webauthn import WebAuthnOptionsView

app_name = "nextauth"

urlpatterns: list[URLPattern] = [
    # First: the route the client polls (no other pattern here matches "session").
    path("session", SessionView.as_view(), name="session"),
    path("", not_found, name="index"),
    path("csrf", CsrfView.as_view(), name="csrf"),
    path("providers", ProvidersView.as_view(), name="providers"),
    path("signin", SigninView.as_view(), name="signin"),
    path("signin/<str:provider_id>", SigninView.as_view(), name="signin-provider"),
    path("callback/<str:provider_id>", CallbackView.as_view(), name="callback"),
    path("signout", SignoutView.as_view(), name="signout"),
    path("error", ErrorView.as_view(), name="error"),
    path("verify-request", VerifyRequestView.as_view(), name="verify-request"),
    path("_log", LogView.as_view(), name="log"),
    path(
        "webauthn-options/<str:provider_id>",
        WebAuthnOptionsView.as_view(),
        name="webauthn-options",
    ),
    path("passkeys/<str:provider_id>", PasskeysView.as_view(), name="passkeys"),
    path("<path:rest>", not_found),
]
