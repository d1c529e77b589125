"""What the Next.js example app (``example_nextjs/``) asks Django, server to server.

Its own NextAuth credentials provider signs people in on the Next.js side, with Django's users:
its ``authorize`` posts the username and password here and gets back the claims that Django's
own sign-in would put in the token (:func:`demo.callbacks.jwt` at sign-in). So a session issued by
either server carries the same ``id``, ``username``, ``is_verified`` and ``roles``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_nextauth.ratelimit import LimiterUnavailable, reserve, retry_after

from .auth import authorize, rate_limit_key
from .callbacks import jwt


class CheckCredentialsView(APIView):
    """``POST /api/check-credentials`` ``{"username", "password"}``: the user's claims, or 401.

    The same rules as Django's sign-in page (:func:`demo.auth.authorize`: username or
    e-mail address, active users only), behind the same brute-force limiter
    (``django_nextauth.ratelimit``): an attempt counts against the account
    (:func:`demo.auth.rate_limit_key`, so ``alice`` and ``alice@example.com`` are one account,
    sharing one allowance with Django's own sign-in form) and against the caller's IP; over
    either limit the answer is 429 and ``authorize`` is not called. Browsers have no use for
    it: the Next.js app does not proxy this path, so the caller's IP is usually the Next.js
    server's (a per-IP limit on browsers belongs in front of Next.js).
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        credentials = {
            key: value if isinstance(value := request.data.get(key), str) else ""
            for key in ("username", "password")
        }
        try:
            attempt = reserve(request._request, [rate_limit_key(credentials, request._request)])
        except LimiterUnavailable:
            return Response({"error": "Configuration"}, status=503)
        if not attempt.allowed:
            wait = {"Retry-After": str(retry_after())}
            return Response({"error": "TooManyAttempts"}, status=429, headers=wait)
        user = authorize(credentials, request._request)
        if user is None:
            return Response({"error": "CredentialsSignin"}, status=401)
        attempt.succeeded()
        claims = jwt(token={}, user=user, trigger="signIn") or {}
        return Response({**claims, "email": getattr(user, "email", None)})
