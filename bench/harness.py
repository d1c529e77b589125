"""What the bench scripts share: the views they time and a WSGI request to call them with.

Imported after each script has configured Django's settings.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    """Reads nothing: the cost of Django itself."""
    return HttpResponse("ok")


def nextauth(request: HttpRequest) -> HttpResponse:
    """Reads the NextAuth session user."""
    assert request.session_user.is_authenticated  # type: ignore[attr-defined]
    return HttpResponse("ok")


def django_auth(request: HttpRequest) -> HttpResponse:
    """Reads Django's own ``request.user``."""
    assert request.user.is_authenticated
    return HttpResponse("ok")


def environ(path_info: str, cookie: str) -> dict[str, Any]:
    """A GET request for ``WSGIHandler`` with this ``Cookie`` header."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }


def start_response(status: str, headers: list[tuple[str, str]]) -> None:
    """Every timed request must succeed."""
    if not status.startswith("200"):
        raise AssertionError(status)


def zipf_order(users: int, draws: int = 50_000, exponent: float = 1.0) -> list[int]:
    """Which user each of ``draws`` requests comes from: user k (from 0) with weight
    1 / (k + 1) ** exponent, a few users active and most idle, as a site's traffic is
    (a fixed seed: every run the same sequence)."""
    weights = list(accumulate(1 / (k + 1) ** exponent for k in range(users)))
    return random.Random(21).choices(range(users), cum_weights=weights, k=draws)


def serve(app: Callable[..., Any], batch: list[dict[str, Any]]) -> float:
    """Microseconds of CPU per request to serve each environ of ``batch`` once, in order."""
    start = time.process_time()
    for env in batch:
        app(env, start_response).close()
    return (time.process_time() - start) / len(batch) * 1e6
