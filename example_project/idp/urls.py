"""The Demo IdP's own pages, mounted at ``/idp/`` (``example_site/urls.py``).

django-oauth-toolkit itself is mounted next to them at ``/idp/o/`` (authorize, token, userinfo,
JWKS, and discovery at ``/idp/o/.well-known/openid-configuration``), in its own
``oauth2_provider`` URL namespace, which it reverses.
"""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "idp"

urlpatterns = [
    path("login/", views.IdpLoginView.as_view(), name="login"),
    path("avatar/<str:username>.svg", views.avatar, name="avatar"),
]
