"""URLs of the multi-process test site."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def whoami(request: HttpRequest) -> JsonResponse:
    user = request.session_user  # type: ignore[attr-defined]
    return JsonResponse({"authenticated": user.is_authenticated, "pk": user.pk})


urlpatterns = [
    path("api/auth/", include("django_nextauth.urls")),
    path("whoami/", whoami),
]
