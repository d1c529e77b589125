"""A Django REST framework endpoint authenticated by the NextAuth session cookie (or Bearer)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_nextauth.contrib.rest_framework import IsSessionAuthenticated, NextAuthAuthentication


class MeView(APIView):
    """``GET /api/me``: the session user, like ``useSession().data.user`` on the client."""

    authentication_classes = [NextAuthAuthentication]
    permission_classes = [IsSessionAuthenticated]

    def get(self, request: Request) -> Response:
        token: dict[str, Any] = dict(request.auth or {})
        return Response({"user": dict(request.user), "expires_at": token.get("exp")})
