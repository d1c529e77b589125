"""Django REST framework support: ``NextAuthAuthentication`` and ``IsSessionAuthenticated``.

::

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "django_nextauth.contrib.rest_framework.NextAuthAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": [
            "django_nextauth.contrib.rest_framework.IsSessionAuthenticated",
        ],
    }

The token is read like NextAuth's ``getToken``: the session cookie, or
``Authorization: Bearer <token>`` when there is no cookie. ``request.user`` is the
``SessionUser`` (the Django user with ``NEXTAUTH["SET_REQUEST_USER"]``) and
``request.auth`` the decoded token claims. Only this module imports DRF.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from django_nextauth.conf import nextauth_settings
from django_nextauth.session import get_session_user, session_state
from django_nextauth.users import django_user_for_token

__all__ = ["IsSessionAuthenticated", "NextAuthAuthentication"]


class NextAuthAuthentication(BaseAuthentication):
    """Authenticate with a NextAuth session token (cookie or Bearer).

    No token: ``None``, so other authentication classes may try. A token that does
    not decode (bad, expired, tampered, wrong secret): ``AuthenticationFailed``
    (401 with a ``WWW-Authenticate: Bearer`` challenge). A token from the cookie
    is ambient authority, so unsafe methods must pass Django's CSRF check, as with
    DRF's ``SessionAuthentication``; a Bearer token is not sent by browsers on
    their own and needs no CSRF check.
    """

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[Any, dict[str, Any]] | None:
        http_request = request._request
        # The request's session state is shared with the middleware: one decryption.
        state = session_state(http_request)
        if not state.raw:
            return None
        session_user = get_session_user(http_request)  # decode, jwt and session callbacks
        claims = state.claims
        if not session_user.is_authenticated or claims is None:
            raise AuthenticationFailed("Invalid or expired session token.")
        if state.from_cookie:
            self.enforce_csrf(request)
        if not nextauth_settings.SET_REQUEST_USER:
            return (session_user, claims)
        user = django_user_for_token(state.token)
        if user is None:
            raise AuthenticationFailed("User inactive or deleted.")
        return (user, claims)

    def enforce_csrf(self, request: Request) -> None:
        """Django's CSRF check on unsafe methods (safe methods always pass)."""

        def no_response(request: Any) -> Any:  # pragma: no cover - never called
            return None

        check = CSRFCheck(no_response)
        # process_request() loads the CSRF cookie that process_view() compares against.
        check.process_request(request._request)
        reason = check.process_view(request._request, no_response, (), {})
        if reason:
            raise DRFPermissionDenied(f"CSRF Failed: {reason}")

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}"'


class IsSessionAuthenticated(BasePermission):
    """Allow requests authenticated by :class:`NextAuthAuthentication` only.

    Unlike ``IsAuthenticated`` it does not accept a user authenticated some other way
    (a Django session, a DRF token): the view requires a NextAuth session.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            isinstance(request.successful_authenticator, NextAuthAuthentication)
            and request.user
            and request.user.is_authenticated
        )
