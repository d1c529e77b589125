"""How many failed passkey attempts are allowed, per credential and per client IP.

Every attempt takes a count on the limiter's counters (``ratelimit.Counter`` / ``take``)
before anything is verified: per IP always, per credential when the answer names one.
A verified sign-in gives its IP count back and forgets the credential's failures, so
only failures add up. E-mail lookups on the options endpoint (they tell whether an
address has an account) have their own per-IP counter. Over a limit the answer is
``TooManyAttempts``; a broken cache raises ``LimiterUnavailable`` (the views answer 503).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.ratelimit import Counter, client_ip, forget, release, take

__all__ = ["AttemptLimits", "Taken"]


@dataclass(frozen=True)
class Taken:
    """The counts one attempt took; :meth:`succeeded` gives them back."""

    ip: tuple[Counter, ...]
    credential: tuple[Counter, ...]

    def succeeded(self) -> None:
        forget(self.credential)
        release(self.ip)


@dataclass(frozen=True)
class AttemptLimits:
    """Failed attempts per credential (``CREDENTIAL``) and per IP (``IP``) per ``WINDOW`` s.

    A limit of ``0`` or ``None`` switches that counter off.
    """

    credential: int | None = 5
    ip: int | None = 20
    window: int = 15 * 60

    @classmethod
    def from_setting(cls, raw: object, where: str) -> AttemptLimits:
        """The provider's ``rate_limit`` option: ``{"CREDENTIAL": 5, "IP": 20, "WINDOW": 900}``."""
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping) or not set(raw) <= {"CREDENTIAL", "IP", "WINDOW"}:
            raise ConfigurationError(f"{where} must be a dict with keys CREDENTIAL, IP and WINDOW.")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            whole = isinstance(value, int) and not isinstance(value, bool)
            if key == "WINDOW" and not (whole and value >= 1):
                raise ConfigurationError(f"{where}['WINDOW'] must be a number of seconds.")
            if value is not None and not (whole and value >= 0):
                raise ConfigurationError(f"{where}[{key!r}] must be a whole number, not {value!r}.")
            values[key.lower()] = value
        return cls(**values)

    def attempt(self, request: HttpRequest, credential_id: str | None) -> Taken | None:
        """Count one attempt; ``None`` when a limit is reached (nothing counted then)."""
        ip = Counter("webauthn-ip", client_ip(request), self.ip, self.window)
        counters = [ip]
        if credential_id is not None:
            counters.append(
                Counter("webauthn-credential", credential_id, self.credential, self.window)
            )
        taken = take(counters)
        if taken is None:
            return None
        return Taken(tuple(c for c in taken if c == ip), tuple(c for c in taken if c != ip))

    def lookup(self, request: HttpRequest) -> bool:
        """Count one e-mail lookup of the options endpoint; ``False`` over the IP limit."""
        counter = Counter("webauthn-lookup-ip", client_ip(request), self.ip, self.window)
        return take([counter]) is not None
