"""A strict Content Security Policy for the page tests, on every Django the suite runs on.

``POLICY`` is the policy of issue 19 plus ``default-src 'self'`` (what Django's CSP guide
starts from). On Django 6.0+ the tests use Django's own
``ContentSecurityPolicyMiddleware`` with :data:`SECURE_CSP`; :class:`NonceMiddleware`
stands in for a third-party CSP middleware that sets ``request.csp_nonce`` (as
django-csp does), so the nonce handling is tested on Django 5.2 too.
"""

from __future__ import annotations

import importlib.util
import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

#: Whether this Django has its own CSP middleware (6.0+).
HAS_DJANGO_CSP = importlib.util.find_spec("django.middleware.csp") is not None
DJANGO_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
NONCE_MIDDLEWARE = "tests.testapp.csp.NonceMiddleware"
POLICY = "default-src 'self'; style-src 'self'{nonce}; script-src 'self'{nonce}"
#: ``POLICY`` for Django's middleware ("<CSP_NONCE_SENTINEL>" is ``CSP.NONCE``).
SECURE_CSP = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "<CSP_NONCE_SENTINEL>"],
    "script-src": ["'self'", "<CSP_NONCE_SENTINEL>"],
}


class _Nonce(SimpleLazyObject):
    """A nonce made on first read, as Django's ``LazyNonce``: unread, it is not sent."""

    def __init__(self) -> None:
        super().__init__(lambda: secrets.token_urlsafe(16))

    @property
    def was_read(self) -> bool:
        return self._wrapped is not empty  # type: ignore[attr-defined]


class NonceMiddleware:
    """Sets ``request.csp_nonce`` and sends :data:`POLICY` with it once a page read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = _Nonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        source = f" 'nonce-{nonce}'" if nonce.was_read else ""
        response["Content-Security-Policy"] = POLICY.format(nonce=source)
        return response


def policy_nonce(policy: str) -> str | None:
    """The nonce in a policy's ``style-src``, or ``None``."""
    found = re.search(r"style-src [^;]*'nonce-([^']+)'", policy)
    return found[1] if found else None
