"""The deadline transport of the OAuth HTTP client: httpcore's connection pool with a
network backend whose every socket operation ends at the current call's deadline.

httpx's own timeouts count per read, so a server trickling a byte at a time could hold a
worker for as long as it liked. :func:`deadline` sets the monotonic time by which the call
in progress must be done; :class:`DeadlineTransport` maps httpx requests onto
``httpcore.ConnectionPool(network_backend=...)`` (httpcore's public constructor) and back,
as :class:`httpx.HTTPTransport` does, so no private attribute of either library is touched.
:func:`proxy_mounts` gives the proxies of ``HTTP(S)_PROXY`` / ``ALL_PROXY`` the same
transport, and leaves the hosts of ``NO_PROXY`` to the direct one, as httpx reads them.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.request import getproxies

import httpcore
import httpx

__all__ = ["DeadlineTransport", "deadline", "proxy_mounts"]

#: httpx's default pool limits.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
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


def _url(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def _core_proxy(proxy: str | httpx.URL | httpx.Proxy | None) -> httpcore.Proxy | None:
    if proxy is None:
        return None
    spec = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(url=proxy)
    return httpcore.Proxy(
        url=_url(spec.url),
        auth=spec.raw_auth,
        headers=spec.headers.raw,
        ssl_context=spec.ssl_context,
    )


#: httpcore's errors -> httpx's, the most specific first (callers catch httpx's).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core, mapped in _ERRORS:
            if isinstance(exc, core):
                raise mapped(str(exc)) from exc
        raise


class _ResponseStream(httpx.SyncByteStream):
    """An httpcore response body as httpx reads it."""

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport on httpcore's connection pool whose every socket operation ends
    at the deadline of the :func:`request_json` call in progress. ``verify``, ``proxy``,
    ``limits`` and ``trust_env`` as :class:`httpx.HTTPTransport` takes them. Use it in a
    client given to :func:`set_client` to keep the deadline on the response headers too."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        proxy: str | httpx.URL | httpx.Proxy | None = None,
        limits: httpx.Limits = _LIMITS,
        trust_env: bool = True,
    ) -> None:
        # httpcore's public constructor takes the network backend: ours bounds the sockets.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=trust_env),
            proxy=_core_proxy(proxy),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(httpcore.SyncBackend()),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):
            raise TypeError("DeadlineTransport sends synchronous requests only.")
        sent = httpcore.Request(
            method=request.method,
            url=_url(request.url),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool.handle_request(sent)
        if not isinstance(answer.stream, Iterable):
            raise TypeError("httpcore answered a synchronous request asynchronously.")
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_ResponseStream(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def _no_proxy_pattern(host: str) -> str:
    """httpx's mount pattern of one ``NO_PROXY`` entry (as httpx reads the variable)."""
    if "://" in host:
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "all://localhost" if host == "localhost" else f"all://*{host}"
    return f"all://[{host}]" if address.version == 6 else f"all://{host}"


def proxy_mounts() -> dict[str, httpx.BaseTransport | None]:
    """A :class:`DeadlineTransport` per proxy of ``HTTP(S)_PROXY`` / ``ALL_PROXY``, and
    ``None`` (no proxy) for the hosts of ``NO_PROXY``: httpx's own reading of them."""
    found = getproxies()
    mounts: dict[str, httpx.BaseTransport | None] = {}
    for scheme in ("http", "https", "all"):
        url = found.get(scheme)
        if url:
            url = url if "://" in url else f"http://{url}"
            mounts[f"{scheme}://"] = DeadlineTransport(proxy=url)
    for entry in found.get("no", "").split(","):
        host = entry.strip()
        if host == "*":
            return {}
        if host:
            mounts[_no_proxy_pattern(host)] = None
    return mounts


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Bound the socket operations inside the block to ``seconds`` from now (the monotonic
    deadline is yielded, for the checks the caller makes itself)."""
    until = time.monotonic() + seconds
    reset = _deadline.set(until)
    try:
        yield until
    finally:
        _deadline.reset(reset)
