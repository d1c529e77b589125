from __future__ import annotations

from django.urls import path

from . import api, views
from .nextjs import CheckCredentialsView

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("staff/", views.staff, name="staff"),
    path("api/me", api.MeView.as_view(), name="api-me"),
    # Server to server, for the Next.js example app (example_nextjs/).
    path("api/check-credentials", CheckCredentialsView.as_view(), name="check-credentials"),
]
