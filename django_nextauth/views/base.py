"""The class every auth route is: one dispatch that does what NextAuth's handler does.

:meth:`AuthView.dispatch` runs, in order: the method allow-list (NextAuth's
400), the media-type check (415 for multipart, before anything parses the body),
the request context (:func:`~django_nextauth.flow.context.build_context`), the
route's :meth:`AuthView.handle`, then response finishing (the CSRF and
callback-url cookies first, then the pending session write), and maps errors:
configuration problems to NextAuth's 500, oversized input to 400, a cache
outage (the limiter's, the revocation records') to a 503 with one log line. A route
never pairs "init" and "finish" by hand.

The routes carry their own double-submit CSRF check, so Django's
``CsrfViewMiddleware`` is skipped for them (and only for them). Every route may
receive credentials, so POST parameters and every frame below ``dispatch`` are
hidden from Django's error reports.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponseBase
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from django_nextauth.cookies import set_cookie
from django_nextauth.csrf import apply_csrf_cookie
from django_nextauth.errors import ErrorCode
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.flow.context import AuthRequest, build_context
from django_nextauth.flow.responses import (
    RETRY_AFTER_OUTAGE,
    bad_request,
    config_error,
    service_unavailable,
    unsupported_media_type,
)
from django_nextauth.ratelimit import LimiterUnavailable
from django_nextauth.revocation import RevocationUnavailable
from django_nextauth.session import flush

__all__ = ["AuthView", "finish"]

logger = logging.getLogger("django_nextauth")

_ALL_METHODS = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]


def finish(ctx: AuthRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Put the CSRF and callback-url cookies first on ``response`` (NextAuth's order),
    then apply the pending session write."""
    written = list(response.cookies.items())
    if written:  # the route set cookies of its own: they go after these two
        response.cookies.clear()
    apply_csrf_cookie(response, ctx.csrf)
    if ctx.callback_cookie is not None:
        name, value = ctx.callback_cookie
        set_cookie(response, name, value, secure=ctx.csrf.secure)
    for name, morsel in written:
        response.cookies.pop(name, None)
        response.cookies[name] = morsel
    flush(ctx.request, response)
    return response


class AuthView(View):
    """Base class of the auth routes: subclasses set :attr:`methods` and write :meth:`handle`."""

    #: The HTTP methods the route answers; anything else gets NextAuth's 400.
    methods: ClassVar[tuple[str, ...]] = ("GET",)
    #: The route's GET is a page: a configuration error shows the error page.
    html: ClassVar[bool] = False
    #: Whether the answer carries the CSRF and callback-url cookies (``/providers``: no).
    sets_cookies: ClassVar[bool] = True
    #: What the 503 page says is not possible while a cache is down.
    outage_action: ClassVar[str] = "Signing in"
    http_method_names = _ALL_METHODS

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # Decorated here, once per route, where method_decorator on dispatch re-decorated on
        # every request (~7% of GET /session); tests/test_views_sensitive.py pins both.
        return csrf_exempt(sensitive_post_parameters()(super().as_view(**initkwargs)))

    @sensitive_variables()  # sync and takes any arguments: fine on a method as it is
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in self.methods:
            return bad_request(request)
        if request.content_type == "multipart/form-data":
            return unsupported_media_type()
        ctx: AuthRequest | None = None
        try:
            if not self.accepts(request, **kwargs):
                return bad_request(request)
            ctx = build_context(request, cookies=self.sets_cookies)
            response = self.handle(ctx, **kwargs)
            return finish(ctx, response) if self.sets_cookies else response
        except (RequestDataTooBig, TooManyFieldsSent):
            return bad_request(request)
        except (ConfigurationError, ImproperlyConfigured) as exc:
            logger.error("django_nextauth: configuration error: %s", exc)
            return config_error(request, html=self.html)
        except LimiterUnavailable as exc:
            logger.error("django_nextauth: rate-limit cache unavailable (%s)", exc)
            return self._outage(request, ctx)
        except RevocationUnavailable as exc:
            # Never an answer as if signed out (or signed out): 503, the cookie untouched.
            logger.error("django_nextauth: revocation records unavailable (%s)", exc)
            return self.revocation_outage(request, ctx)

    def accepts(self, request: HttpRequest, **kwargs: Any) -> bool:
        """Whether the route takes this request at all (else NextAuth's 400, no cookies)."""
        return True

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        """The route itself; the context is built and the answer is finished around it."""
        raise NotImplementedError

    def revocation_outage(self, request: HttpRequest, ctx: AuthRequest | None) -> HttpResponseBase:
        """The answer when the revocation records failed (default: as a cache outage)."""
        return self._outage(request, ctx)

    def _outage(self, request: HttpRequest, ctx: AuthRequest | None) -> HttpResponseBase:
        if ctx is None or ctx.json_mode is None:
            return service_unavailable(request, action=self.outage_action)
        response = ctx.error_redirect(ErrorCode.CONFIGURATION, status=503)
        response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
        return response
