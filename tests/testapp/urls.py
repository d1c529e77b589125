"""URLs of the test views."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    # Request path
    path("whoami/", views.whoami),
    path("awhoami/", views.awhoami),
    path("awhoami-lazy/", views.awhoami_lazy),
    path("token/", views.token),
    path("session/", views.session),
    path("asession/", views.asession),
    path("untouched/", views.untouched),
    path("auntouched/", views.auntouched),
    path("django-user/", views.django_user),
    path("adjango-user/", views.adjango_user),
    path("sign-in-as/", views.sign_in_as),
]

# Decorators and templates
urlpatterns += [
    path("decorators/protected/", views.protected),
    path("decorators/aprotected/", views.aprotected),
    path("decorators/protected-called/", views.protected_called),
    path("decorators/admin/", views.admin_only),
    path("decorators/admin-async-check/", views.admin_only_async_check),
    path("decorators/aadmin/", views.aadmin_only),
    path("decorators/astaff/", views.astaff_only),
    path("decorators/custom-login/", views.custom_login),
    path("decorators/cbv/", views.ProtectedView.as_view()),
    path("decorators/acbv/", views.AsyncProtectedView.as_view()),
    path("decorators/cbv-admin/", views.AdminView.as_view()),
    path("decorators/acbv-admin/", views.AsyncAdminView.as_view()),
    path("decorators/acbv-staff/", views.AsyncStaffView.as_view()),
    path("templates/page/", views.nextauth_page),
    path("decorators/protected-page/", views.protected_page),
]
