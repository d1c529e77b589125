"""The HTTP client of the OAuth core: httpx with one deadline per call, a size limit and no
redirects.

Server-to-server calls (discovery, JWKS, token, userinfo, refresh) never follow redirects:
a token endpoint that redirects would forward the code and client credentials to
wherever it points. Each call has one total deadline (:data:`TIMEOUT` seconds for
connecting, sending, the headers and the body together): httpx's own timeouts count per
read, so a server trickling a byte at a time could hold a worker for as long as it liked.
The default client's transport (:class:`DeadlineTransport`) bounds every socket operation
by the time left; the body is also checked against the deadline chunk by chunk, which
holds for any client passed to :func:`set_client`. Responses larger than
:data:`MAX_RESPONSE_BYTES` are refused while streaming, so a hostile IdP cannot exhaust
memory. Every failure becomes an :class:`~django_nextauth.oauth.failures.OAuthError` whose
message names the endpoint's role, never a token.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl

import httpcore
import httpx

from .failures import ErrorKind, OAuthError

__all__ = [
    "MAX_RESPONSE_BYTES",
    "TIMEOUT",
    "USER_AGENT",
    "DeadlineTransport",
    "client",
    "request_json",
    "set_client",
]

#: The total time one call may take (connect, send, headers and body), in seconds.
TIMEOUT = 10.0
#: Largest response body accepted (discovery documents and JWKS are a few KiB).
MAX_RESPONSE_BYTES = 1024 * 1024
USER_AGENT = "django-nextauth"

_client: httpx.Client | None = None
#: The monotonic time at which the call in progress must have finished (None: no call).
_deadline: ContextVar[float | None] = ContextVar("django_nextauth_oauth_deadline", default=None)


def _time_left(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` shortened to what is left of the call's deadline; ``error`` once it passed."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("The call's deadline passed.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write stops at the deadline of the current call
    (read when it happens: a pooled connection serves the call that uses it)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, handing out :class:`_DeadlineStream` connections."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _bound(transport: httpx.BaseTransport) -> httpx.BaseTransport:
    """``transport`` with the deadline on its sockets, when it is httpx's own."""
    if isinstance(transport, httpx.HTTPTransport):
        # httpx builds its connection pool without a way to pass httpcore's (public)
        # network_backend argument; the pool keeps it here. tests/test_oauth_http.py pins it.
        pool = transport._pool
        if not isinstance(pool._network_backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport


class DeadlineTransport(httpx.HTTPTransport):
    """:class:`httpx.HTTPTransport` (same arguments: ``verify``, ``proxy``, ...) whose socket
    operations end at the deadline of the :func:`request_json` call in progress. Use it in a
    client given to :func:`set_client` to keep the deadline on the response headers too."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        _bound(self)


class _Client(httpx.Client):
    """httpx's client, every transport it makes (the default one, and those of the proxies
    in ``HTTP(S)_PROXY``) bounded by the call's deadline."""

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return _bound(super()._init_transport(*args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return _bound(super()._init_proxy_transport(*args, **kwargs))


def client() -> httpx.Client:
    """The shared connection pool (created on first use)."""
    global _client
    if _client is None:
        _client = _Client(timeout=TIMEOUT, follow_redirects=False)
    return _client


def set_client(new: httpx.Client | None) -> None:
    """Replace the shared client (a custom transport, proxy or CA bundle), closing the old
    one and its connections; ``None``: a default client on next use."""
    global _client
    old, _client = _client, new
    if old is not None and old is not new:
        old.close()


def request_json(
    method: str,
    url: str,
    *,
    what: str,
    kind: ErrorKind = "callback",
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    ok_statuses: tuple[int, ...] = (200,),
) -> tuple[int, Any]:
    """Send a request and return ``(status, parsed JSON body)`` within :data:`TIMEOUT`.

    ``what`` names the endpoint in error messages. A status outside ``ok_statuses``
    with a JSON body is returned when the body is an object (OAuth error responses),
    so the caller can report the ``error`` code; anything else raises.
    """
    sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    deadline = time.monotonic() + TIMEOUT
    reset = _deadline.set(deadline)
    try:
        with client().stream(method, url, headers=sent, data=data, auth=auth) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise OAuthError(kind, f"The {what} response is too large.")
                if time.monotonic() > deadline:
                    raise OAuthError(kind, f"The {what} did not answer within {TIMEOUT:g} s.")
            status = response.status_code
            content_type = response.headers.get("content-type", "")
    except httpx.TimeoutException as exc:
        raise OAuthError(kind, f"The {what} did not answer within {TIMEOUT:g} s.") from exc
    except httpx.HTTPError as exc:
        raise OAuthError(kind, f"The {what} request failed ({type(exc).__name__}).") from exc
    finally:
        _deadline.reset(reset)
    try:
        parsed = _parse(bytes(body), content_type)
    except ValueError as exc:
        raise OAuthError(
            kind, f"The {what} answered {status} with a body that is not JSON."
        ) from exc
    if status not in ok_statuses and not (400 <= status < 500 and isinstance(parsed, dict)):
        raise OAuthError(kind, f"The {what} answered {status}.")
    return status, parsed


def _parse(body: bytes, content_type: str) -> Any:
    if "application/x-www-form-urlencoded" in content_type:
        # GitHub answers the token request form-encoded when Accept is not honoured.
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return json.loads(body)
