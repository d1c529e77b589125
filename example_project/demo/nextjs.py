"""What the Next.js example app (``example_nextjs/``) asks Django, server to server.

Its own NextAuth credentials provider signs people in on the Next.js side, with Django's users:
its ``authorize`` posts the username and password here and gets back the claims that Django's
own sign-in would put in the token (:func:`demo.callbacks.jwt` at sign-in). So a session issued by
either server carries the same ``id``, ``username``, ``is_verified`` and ``roles``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from .auth import authorize
from .callbacks import jwt


class PerUsernameThrottle(SimpleRateThrottle):
    """At most 10 checks a minute per submitted username.

    Per username, not per IP: every check comes from the Next.js server's address.
    """

    rate = "10/min"
    scope = "check-credentials"

    def get_cache_key(self, request: Request, view: Any) -> str:
        login = str(request.data.get("username") or "").strip().casefold()
        ident = hashlib.sha256(login.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CheckCredentialsView(APIView):
    """``POST /api/check-credentials`` ``{"username", "password"}``: the user's claims, or 401.

    The same rules as Django's sign-in page (:func:`demo.auth.authorize`: username or
    e-mail address, active users only). Browsers have no use for it: the Next.js app does not
    proxy this path.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PerUsernameThrottle]

    def post(self, request: Request) -> Response:
        credentials = {key: request.data.get(key) for key in ("username", "password")}
        user = authorize(credentials, request._request)
        if user is None:
            return Response({"error": "CredentialsSignin"}, status=401)
        claims = jwt(token={}, user=user, trigger="signIn") or {}
        return Response({**claims, "email": getattr(user, "email", None)})
