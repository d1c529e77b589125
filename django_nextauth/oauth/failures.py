"""The one exception the OAuth core raises, and the NextAuth error code it maps to.

Every failure of the flow is an :class:`OAuthError`. Its ``kind`` says which step
failed; :meth:`OAuthError.code` turns that into the ``?error=`` code the configured
NextAuth version redirects with (``docs/protocol-providers.md`` §1.11). Messages
never contain tokens, codes, secrets or cookie values: they name the step and the
reason only, so they are safe to log.
"""

from __future__ import annotations

from typing import Literal

from django_nextauth.dialect import dialect
from django_nextauth.exceptions import NextAuthError

__all__ = ["ErrorKind", "OAuthError"]

#: ``signin``: the authorization URL cannot be built (discovery failed, bad config).
#: ``callback``: a check, the token request, the id_token or userinfo failed.
#: ``idp_error``: the IdP answered the authorization request with ``?error=``.
#: ``profile``: the ``profile`` mapping failed or gave no ``id`` (NextAuth sends the
#: user back to the sign-in page without a code).
ErrorKind = Literal["signin", "callback", "idp_error", "profile"]


class OAuthError(NextAuthError):
    """An OAuth / OIDC step failed; ``kind`` says which (see :data:`ErrorKind`)."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind

    def code(self, version: str) -> str | None:
        """The NextAuth ``?error=`` code for ``version``; ``None``: no code (sign-in page)."""
        return dialect(version).oauth_error_codes[self.kind]
