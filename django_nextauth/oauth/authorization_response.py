"""The authorization response: RFC 9207 ``iss``, ``state``, ``error``, ``code``.

The order of the checks is the version's (``docs/protocol-providers.md`` §1.7):
v4 reports an IdP ``error`` before anything else and refuses a ``state`` it did not
send; v5 checks ``iss``, then ``state``, and only then reports ``error``.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from django_nextauth.dialect import dialect

from .discovery import Metadata
from .failures import OAuthError

__all__ = ["idp_error", "validate_authorization_response"]

_IMPLICIT = ("id_token", "token", "access_token")


def idp_error(params: Mapping[str, str]) -> OAuthError:
    """The error to raise for an ``?error=`` authorization response."""
    # The IdP's code only (e.g. access_denied), never its free-text description.
    code = params.get("error", "")
    code = code if code.replace("_", "").isalnum() and len(code) <= 64 else "invalid"
    return OAuthError("idp_error", f"The identity provider answered error={code}.")


def _same(received: str, expected: str) -> bool:
    return hmac.compare_digest(received.encode(), expected.encode())


def validate_authorization_response(
    params: Mapping[str, str],
    *,
    version: str,
    metadata: Metadata,
    expected_state: str | None,
) -> str:
    """Check the callback's parameters; return the authorization ``code``.

    ``params``: the callback's query (or form body for ``response_mode=form_post``);
    ``expected_state``: the state cookie's value, ``None`` when state is not checked.
    Raises :class:`OAuthError` (``idp_error`` for an IdP error, else ``callback``).
    """
    current = dialect(version)
    if current.oauth_idp_error_first and "error" in params:
        raise idp_error(params)
    state = params.get("state")
    if current.oauth_idp_error_first:
        _check_state(state, expected_state, stray_refused=True)
    iss = params.get("iss")
    if iss is not None:
        if not metadata.issuer or not _same(iss, metadata.issuer):
            raise OAuthError("callback", "The iss parameter is not the provider's issuer.")
    elif metadata.authorization_response_iss_parameter_supported:
        raise OAuthError("callback", "The iss parameter is missing.")
    if not current.oauth_idp_error_first:
        _check_state(state, expected_state, stray_refused=False)
        if "error" in params:
            raise idp_error(params)
    if any(key in params for key in _IMPLICIT):
        raise OAuthError("callback", "Implicit or hybrid response parameters are not accepted.")
    code = params.get("code")
    if not code:
        raise OAuthError("callback", "The code parameter is missing.")
    return code


def _check_state(received: str | None, expected: str | None, *, stray_refused: bool) -> None:
    if expected is None:
        if received is not None and stray_refused:
            raise OAuthError("callback", "A state parameter arrived but state is not checked.")
        return
    if received is None or not _same(received, expected):
        raise OAuthError("callback", "The state parameter does not match the state cookie.")
