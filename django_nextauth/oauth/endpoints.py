"""Which endpoints learnt from a discovery document may be called.

A discovery document may name any URL, and the token endpoint receives the client secret
and the code: a document (or whoever could change it) naming ``http://127.0.0.1:6379``
would have them POSTed there. So a discovered endpoint is used only when it is on the
issuer's origin (scheme, host and port) over https; http only when the issuer itself is
an http loopback address (``localhost``, ``127.0.0.0/8``, ``::1``) and ``DEBUG`` is on, for
development IdPs. A preset may add the origins its IdP is known to serve endpoints from
(Google's ``*.googleapis.com``). An endpoint named in the provider's settings is trusted as
given and never comes through here. URLs are parsed by httpx, the parser that would send
the request, so the origin compared is the one that would be contacted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import httpx

__all__ = ["discovered_endpoint_allowed", "origin"]

Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an absolute http(s) URL without credentials, else ``None``."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return None
    scheme = parsed.scheme
    if scheme not in _DEFAULT_PORTS or not parsed.host or parsed.userinfo:
        return None
    return scheme, parsed.host, parsed.port or _DEFAULT_PORTS[scheme]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def discovered_endpoint_allowed(
    url: object, *, issuer: str, extra_origins: Iterable[str] = (), debug: bool
) -> bool:
    """Whether ``url``, found in the discovery document of ``issuer``, may be contacted.

    ``issuer``: the configured issuer (or discovery URL); ``extra_origins``: origins a
    preset adds; ``debug``: Django's ``DEBUG``.
    """
    if not isinstance(url, str):
        return False
    found, home = origin(url), origin(issuer)
    if found is None or home is None:
        return False
    allowed = {home, *(o for o in map(origin, extra_origins) if o is not None)}
    if found not in allowed:
        return False
    scheme, host, _ = found
    return scheme == "https" or (debug and _loopback(host))
