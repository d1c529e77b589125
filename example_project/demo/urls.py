from __future__ import annotations

from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("staff/", views.staff, name="staff"),
    path("api/me", api.MeView.as_view(), name="api-me"),
]
