"""NextAuth's error codes (the ``?error=`` values), their page texts and statuses.

The sign-in page shows :attr:`ErrorCode.signin_message` in its banner; the
error page (``GET /error?error=<code>``) shows :attr:`ErrorCode.page` with its
status. Texts are NextAuth's (v4 ``src/core/pages/signin.tsx`` and
``error.tsx``), plus our own two codes ``TooManyAttempts`` and ``MissingCSRF``'s
banner. ``docs/protocol.md`` §4.5 and §8 list the codes each version emits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["DEFAULT_ERROR_PAGE", "DEFAULT_SIGNIN_MESSAGE", "ErrorCode", "ErrorPage"]

DEFAULT_SIGNIN_MESSAGE = "Unable to sign in."
_TRY_ANOTHER = "Try signing in with a different account."


@dataclass(frozen=True)
class ErrorPage:
    """What the error page shows for a code."""

    status: int
    heading: str
    paragraphs: tuple[str, ...] = ()
    #: Whether the page links back to the sign-in page.
    signin_link: bool = False


DEFAULT_ERROR_PAGE = ErrorPage(200, "Error")
_PAGES = {
    # NextAuth answers 500 here. The configuration error itself was logged when it
    # happened; this page is only the place the visitor lands on, so it must not hand
    # every visitor a server error (and ADMINS a mail) on demand.
    "Configuration": ErrorPage(
        200,
        "Server error",
        (
            "There is a problem with the server configuration.",
            "Check the server logs for more information.",
        ),
    ),
    "AccessDenied": ErrorPage(
        403, "Access Denied", ("You do not have permission to sign in.",), True
    ),
    "Verification": ErrorPage(
        403,
        "Unable to sign in",
        (
            "The sign in link is no longer valid.",
            "It may have been used already or it may have expired.",
        ),
        True,
    ),
}
_SIGNIN_MESSAGES = {
    "Signin": _TRY_ANOTHER,
    "OAuthSignin": _TRY_ANOTHER,
    "OAuthCallback": _TRY_ANOTHER,
    "OAuthCallbackError": _TRY_ANOTHER,
    "OAuthCreateAccount": _TRY_ANOTHER,
    "EmailCreateAccount": _TRY_ANOTHER,
    "Callback": _TRY_ANOTHER,
    "OAuthAccountNotLinked": "To confirm your identity, sign in with the same account you "
    "used originally.",
    "EmailSignin": "The e-mail could not be sent.",
    "CredentialsSignin": "Sign in failed. Check the details you provided are correct.",
    "SessionRequired": "Please sign in to access this page.",
    "TooManyAttempts": "Too many failed sign-in attempts. Please wait a few minutes and try again.",
    "MissingCSRF": "The sign-in form expired. Please try again.",
}
#: v4's ``/error`` sends these codes on to the sign-in page, which shows them in its banner.
_SHOWN_ON_SIGNIN = frozenset(_SIGNIN_MESSAGES) - {"OAuthCallbackError", "MissingCSRF"}
#: The status of a failed sign-in's answer (what the v4 client sees in JSON mode).
_STATUSES = {"CredentialsSignin": 401, "AccessDenied": 403, "TooManyAttempts": 429}


class ErrorCode(str, Enum):
    """A NextAuth error code; the value is the ``?error=`` string."""

    CONFIGURATION = "Configuration"
    ACCESS_DENIED = "AccessDenied"
    VERIFICATION = "Verification"
    SIGNIN = "Signin"
    CREDENTIALS_SIGNIN = "CredentialsSignin"
    OAUTH_SIGNIN = "OAuthSignin"
    OAUTH_CALLBACK = "OAuthCallback"
    OAUTH_CALLBACK_ERROR = "OAuthCallbackError"
    OAUTH_CREATE_ACCOUNT = "OAuthCreateAccount"
    OAUTH_ACCOUNT_NOT_LINKED = "OAuthAccountNotLinked"
    EMAIL_CREATE_ACCOUNT = "EmailCreateAccount"
    EMAIL_SIGNIN = "EmailSignin"
    CALLBACK = "Callback"
    SESSION_REQUIRED = "SessionRequired"
    MISSING_CSRF = "MissingCSRF"
    TOO_MANY_ATTEMPTS = "TooManyAttempts"
    #: Auth.js's passkey codes: a response that did not verify, a credential of another user.
    WEBAUTHN_VERIFICATION_ERROR = "WebAuthnVerificationError"
    ACCOUNT_NOT_LINKED = "AccountNotLinked"

    def __str__(self) -> str:
        return self.value

    @property
    def page(self) -> ErrorPage:
        """The error page for this code (a plain "Error" page for most)."""
        return _PAGES.get(self.value, DEFAULT_ERROR_PAGE)

    @property
    def has_own_page(self) -> bool:
        """Whether the error page has its own text for this code."""
        return self.value in _PAGES

    @property
    def signin_message(self) -> str:
        """The sign-in page's banner text for this code."""
        return _SIGNIN_MESSAGES.get(self.value, DEFAULT_SIGNIN_MESSAGE)

    @property
    def shown_on_signin(self) -> bool:
        """Whether v4's ``/error`` route redirects this code to the sign-in page."""
        return self.value in _SHOWN_ON_SIGNIN

    @property
    def status(self) -> int:
        """The status of the answer that reports this failure (200 when none is special)."""
        return _STATUSES.get(self.value, 200)

    @classmethod
    def lookup(cls, code: str, *, ignore_case: bool = False) -> ErrorCode | None:
        """The member for ``code`` (``ignore_case``: as v4 matches), or ``None``."""
        if ignore_case:
            folded = code.lower()
            return next((m for m in cls if m.value.lower() == folded), None)
        try:
            return cls(code)
        except ValueError:
            return None
