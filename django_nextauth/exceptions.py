"""One exception tree for django-nextauth.

Everything the package raises on purpose derives from :class:`NextAuthError`.
Anything wrong with a token derives from :class:`InvalidToken`, so callers that
only need "is this token usable?" catch exactly one class. None of these carry
HTTP semantics: views, middleware and the DRF class choose the status code.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class NextAuthError(Exception):
    """Base class of every error raised by django-nextauth."""


class ConfigurationError(NextAuthError, ImproperlyConfigured):
    """The package is misconfigured (for example: no secret in production)."""


class MissingSecret(ConfigurationError):
    """No secret is configured, and none may be derived."""


class InvalidToken(NextAuthError):
    """A session token cannot be used. Catch this one class for every token problem."""


class MalformedToken(InvalidToken):
    """The token is not a well-formed JWE of an accepted shape."""


class DecryptionFailed(InvalidToken):
    """No configured secret decrypts the token (wrong secret, salt, version or tampering)."""


class TokenExpired(InvalidToken):
    """The token's ``exp`` lies in the past (beyond the allowed clock skew)."""


class ClaimInvalid(InvalidToken):
    """A registered claim (``exp``, ``nbf``, ``iat``) has the wrong type or is not yet valid."""
