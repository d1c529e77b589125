"""How many sign-in links may be sent, per address and per client IP, in a window.

NextAuth has no limit: anyone can make a site mail any address as often as they
like. Each send is counted in Django's cache (``NEXTAUTH["RATE_LIMIT"]["CACHE"]``) with
the limiter's atomic counters (``Counter`` and ``take`` in ``django_nextauth/ratelimit.py``)
against the client IP first, then the mailbox: the address in lower case without the
local part's ``+tag`` (:func:`mailbox`), so ``dave+1@example.com`` .. ``dave+20@example.com``
share one allowance. Nothing else is folded: dots in the local part and a provider's
other aliases count as different addresses.
Over a limit, the request is refused and gives its counts back, so a client that
is refused cannot go on eating an address's allowance. A broken cache raises
:class:`~django_nextauth.ratelimit.LimiterUnavailable` (the views answer 503).
The counts do not depend on whether the address has an account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.ratelimit import Counter, client_ip, take

__all__ = ["SendLimits", "allow_send", "mailbox"]


@dataclass(frozen=True)
class SendLimits:
    """Links per address (``EMAIL``) and per client IP (``IP``) per ``WINDOW`` seconds.

    A limit of ``0`` or ``None`` switches that counter off.
    """

    email: int | None = 5
    ip: int | None = 20
    window: int = 60 * 60

    @classmethod
    def from_setting(cls, raw: object, where: str) -> SendLimits:
        """The provider's ``rate_limit`` option: ``{"EMAIL": 5, "IP": 20, "WINDOW": 3600}``."""
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping) or not set(raw) <= {"EMAIL", "IP", "WINDOW"}:
            raise ConfigurationError(f"{where} must be a dict with keys EMAIL, IP and WINDOW.")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            count = value is None or (isinstance(value, int) and not isinstance(value, bool))
            if not count or (value is not None and value < (1 if key == "WINDOW" else 0)):
                raise ConfigurationError(f"{where}[{key!r}] must be a whole number, not {value!r}.")
            values[key.lower()] = value
        if values.get("window", 1) is None:
            raise ConfigurationError(f"{where}['WINDOW'] must be a number of seconds.")
        return cls(**values)


def mailbox(identifier: str) -> str:
    """The mailbox ``identifier`` delivers to, as the send limit counts it: lower case,
    without the local part's ``+tag`` (``Dave+1@Example.com`` -> ``dave@example.com``)."""
    local, at, domain = identifier.rpartition("@")
    if not at:  # a custom normalize_identifier's identifier that is no address
        return identifier.lower()
    return f"{local.split('+', 1)[0] or local}@{domain}".lower()


def allow_send(request: HttpRequest, identifier: str, limits: SendLimits) -> bool:
    """Count one send to ``identifier`` from this client; ``False`` when over a limit."""
    counters = [
        Counter("email-ip", client_ip(request), limits.ip, limits.window),
        # "email": the family of the per-address counts kept before, which go on counting.
        Counter("email", mailbox(identifier), limits.email, limits.window),
    ]
    return take(counters) is not None
