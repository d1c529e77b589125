"""The two WebAuthn ceremonies on py_webauthn: options for the browser, checks of its answer.

Requests attestation ``none``, resident keys (passkeys work without typing a name) and
the provider's user verification (``preferred`` unless set); accepts only ES256, EdDSA
and RS256 keys. py_webauthn checks the challenge, origin, RP id hash, flags, signature
and that the signature counter moved forwards. Every refusal is a :class:`Refused`
whose message is safe to log (py_webauthn's reason; never a key or a signature).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from django_nextauth.exceptions import NextAuthError

from .codec import from_base64, to_base64

__all__ = [
    "ALGORITHMS",
    "RelyingParty",
    "Refused",
    "authentication_options",
    "registration_options",
    "verify_authentication",
    "verify_registration",
]

#: The allow-list: ES256, EdDSA, RS256 (in the order the browser is offered them).
ALGORITHMS = (
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
)
_TRANSPORTS = frozenset(item.value for item in AuthenticatorTransport)
#: Longest credential id kept: its base64 is the account's provider account id (255).
MAX_CREDENTIAL_ID = 255


class Refused(NextAuthError):
    """The browser's answer did not verify (Auth.js's ``WebAuthnVerificationError``)."""


@dataclass(frozen=True)
class RelyingParty:
    """The site as WebAuthn sees it: ``id`` (a host name), ``name`` and ``origin``."""

    id: str
    name: str
    origin: str


def _reason(exc: Exception) -> str:
    # py_webauthn's own messages name the check that failed; others only their type.
    return str(exc)[:200] if isinstance(exc, WebAuthnException) else type(exc).__name__


def _descriptors(rows: Sequence[Mapping[str, Any]]) -> list[PublicKeyCredentialDescriptor]:
    found = []
    for row in rows:
        transports = [
            AuthenticatorTransport(value)
            for value in str(row.get("transports") or "").split(",")
            if value in _TRANSPORTS
        ]
        found.append(
            PublicKeyCredentialDescriptor(
                id=from_base64(str(row["credentialID"])), transports=transports or None
            )
        )
    return found


def registration_options(
    rp: RelyingParty,
    *,
    user_name: str,
    display_name: str | None,
    exclude: Sequence[Mapping[str, Any]],
    user_verification: str,
    timeout: int,
) -> dict[str, Any]:
    """``PublicKeyCredentialCreationOptionsJSON`` for ``navigator.credentials.create``.

    The user handle is random, as Auth.js's: credentials are found by their id, never by it.
    32 bytes: its base64url (43 characters) also fits @simplewebauthn/browser 9, which
    takes ``user.id`` as a UTF-8 string of at most 64 bytes.
    """
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=secrets.token_bytes(32),
        user_name=user_name,
        user_display_name=display_name or None,
        timeout=timeout,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement(user_verification),
        ),
        exclude_credentials=_descriptors(exclude),
        supported_pub_key_algs=list(ALGORITHMS),
    )
    return dict(json.loads(options_to_json(options)))


def authentication_options(
    rp: RelyingParty,
    *,
    allow: Sequence[Mapping[str, Any]],
    user_verification: str,
    timeout: int,
) -> dict[str, Any]:
    """``PublicKeyCredentialRequestOptionsJSON`` for ``navigator.credentials.get``."""
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=timeout,
        allow_credentials=_descriptors(allow),
        user_verification=UserVerificationRequirement(user_verification),
    )
    return dict(json.loads(options_to_json(options)))


def verify_registration(
    data: Mapping[str, Any], *, challenge: str, rp: RelyingParty, user_verification: str
) -> dict[str, Any]:
    """Check a ``navigator.credentials.create`` answer; the new authenticator (Auth.js's keys,
    without ``userId``). Raises :class:`Refused`."""
    try:
        verified = verify_registration_response(
            credential=dict(data),
            expected_challenge=from_base64(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=user_verification == "required",
            supported_pub_key_algs=list(ALGORITHMS),
        )
    except Exception as exc:  # whatever a hostile answer makes the parser raise
        raise Refused(f"registration refused: {_reason(exc)}") from exc
    credential_id = to_base64(verified.credential_id)
    if len(credential_id) > MAX_CREDENTIAL_ID:
        raise Refused("registration refused: the credential id is too long to store")
    response = data.get("response")
    transports = response.get("transports") if isinstance(response, Mapping) else None
    kept = [t for t in transports if t in _TRANSPORTS] if isinstance(transports, list) else []
    return {
        "providerAccountId": credential_id,
        "credentialID": credential_id,
        "credentialPublicKey": to_base64(verified.credential_public_key),
        "counter": verified.sign_count,
        "credentialDeviceType": verified.credential_device_type.value,
        "credentialBackedUp": verified.credential_backed_up,
        "transports": ",".join(kept) or None,
    }


def verify_authentication(
    data: Mapping[str, Any],
    *,
    challenge: str,
    rp: RelyingParty,
    authenticator: Mapping[str, Any],
    user_verification: str,
) -> int:
    """Check a ``navigator.credentials.get`` answer against the stored ``authenticator``;
    the new signature counter. Raises :class:`Refused` (a counter that did not move
    forwards included: a cloned authenticator or a replay)."""
    try:
        verified = verify_authentication_response(
            credential=dict(data),
            expected_challenge=from_base64(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=from_base64(str(authenticator["credentialPublicKey"])),
            credential_current_sign_count=int(authenticator.get("counter") or 0),
            require_user_verification=user_verification == "required",
        )
    except Exception as exc:  # whatever a hostile answer makes the parser raise
        raise Refused(f"authentication refused: {_reason(exc)}") from exc
    return int(verified.new_sign_count)
