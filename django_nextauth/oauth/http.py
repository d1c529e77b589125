"""The HTTP client of the OAuth core: httpx with one deadline per call, a size limit and no
redirects.

Server-to-server calls (discovery, JWKS, token, userinfo, refresh) never follow redirects:
a token endpoint that redirects would forward the code and client credentials to
wherever it points. Each call has one total deadline (:data:`TIMEOUT` seconds for
connecting, sending, the headers and the body together): the default client's transports
(``transport.py``: direct and through each proxy of the environment) bound every socket
operation by the time left; the body is also checked against the deadline chunk by chunk,
which holds for any client passed to :func:`set_client`. Responses larger than
:data:`MAX_RESPONSE_BYTES` are refused while streaming, so a hostile IdP cannot exhaust
memory. Every failure becomes an :class:`~django_nextauth.oauth.failures.OAuthError` whose
message names the endpoint's role, never a token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

from .failures import ErrorKind, OAuthError
from .transport import DeadlineTransport, deadline, proxy_mounts

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


def client() -> httpx.Client:
    """The shared connection pool (created on first use)."""
    global _client
    if _client is None:
        _client = httpx.Client(
            timeout=TIMEOUT,
            follow_redirects=False,
            transport=DeadlineTransport(),
            mounts=proxy_mounts(),
        )
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
    try:
        with (
            deadline(TIMEOUT) as until,
            client().stream(method, url, headers=sent, data=data, auth=auth) as response,
        ):
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise OAuthError(kind, f"The {what} response is too large.")
                if time.monotonic() > until:
                    raise OAuthError(kind, f"The {what} did not answer within {TIMEOUT:g} s.")
            status = response.status_code
            content_type = response.headers.get("content-type", "")
    except httpx.TimeoutException as exc:
        raise OAuthError(kind, f"The {what} did not answer within {TIMEOUT:g} s.") from exc
    except httpx.HTTPError as exc:
        raise OAuthError(kind, f"The {what} request failed ({type(exc).__name__}).") from exc
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
