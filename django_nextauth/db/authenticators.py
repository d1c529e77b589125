"""The ORM adapter's passkey methods (Auth.js's WebAuthn adapter methods) on ``Authenticator``.

An authenticator travels as a dict with Auth.js's keys (``django_nextauth/adapters.py``).
Its ``Account`` row (type ``webauthn``, the credential id as ``providerAccountId``) is
stored by ``link_account``, as Auth.js's ``linkAccount`` + ``createAuthenticator``;
deleting an authenticator deletes both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Account, Authenticator

__all__ = ["AuthenticatorStore", "authenticator_dict"]


def authenticator_dict(row: Authenticator) -> dict[str, Any]:
    """A row as Auth.js's ``AdapterAuthenticator`` (plus ``name``, ``created``, ``lastUsed``)."""
    return {
        "credentialID": row.credential_id,
        "userId": str(row.user_id),
        "providerAccountId": row.provider_account_id,
        "credentialPublicKey": row.credential_public_key,
        "counter": row.counter,
        "credentialDeviceType": row.credential_device_type,
        "credentialBackedUp": row.credential_backed_up,
        "transports": row.transports,
        "name": row.name,
        "created": row.created,
        "lastUsed": row.last_used,
    }


class AuthenticatorStore:
    """The authenticator methods of :class:`~django_nextauth.db.adapter.DjangoAdapter`."""

    def get_authenticator(self, credential_id: str) -> Mapping[str, Any] | None:
        row = Authenticator.objects.filter(credential_id=credential_id).first()
        # The lookup may fold case (MariaDB's collations): base64 ids differ by case.
        if row is None or row.credential_id != credential_id:
            return None
        return authenticator_dict(row)

    def create_authenticator(self, authenticator: Mapping[str, Any]) -> Mapping[str, Any]:
        row = Authenticator.objects.create(
            credential_id=authenticator["credentialID"],
            user_id=authenticator["userId"],
            provider_account_id=authenticator["providerAccountId"],
            credential_public_key=authenticator["credentialPublicKey"],
            counter=int(authenticator.get("counter") or 0),
            credential_device_type=authenticator.get("credentialDeviceType") or "",
            credential_backed_up=bool(authenticator.get("credentialBackedUp")),
            transports=authenticator.get("transports") or None,
            name=str(authenticator.get("name") or "")[:100],
        )
        return authenticator_dict(row)

    def list_authenticators_by_user_id(self, user_id: str) -> list[Mapping[str, Any]]:
        rows = Authenticator.objects.filter(user_id=user_id).order_by("created", "pk")
        return [authenticator_dict(row) for row in rows]

    def update_authenticator_counter(
        self, credential_id: str, counter: int
    ) -> Mapping[str, Any] | None:
        # One conditional UPDATE: of two requests with the same new count only one moves it.
        # 0 after 0: an authenticator without a counter (its replays meet the one-time challenge).
        forwards = Q(counter=0) if counter == 0 else Q(counter__lt=counter)
        updated = Authenticator.objects.filter(forwards, credential_id=credential_id).update(
            counter=counter, last_used=timezone.now()
        )
        return self.get_authenticator(credential_id) if updated else None

    def delete_authenticator(self, user_id: str, credential_id: str) -> bool:
        with transaction.atomic(using=router.db_for_write(Authenticator)):
            row = Authenticator.objects.filter(user_id=user_id, credential_id=credential_id).first()
            if row is None or row.credential_id != credential_id:
                return False
            Account.objects.filter(
                user_id=user_id, type="webauthn", provider_account_id=row.provider_account_id
            ).delete()
            row.delete()
        return True

    def rename_authenticator(self, user_id: str, credential_id: str, name: str) -> bool:
        rows = Authenticator.objects.filter(user_id=user_id, credential_id=credential_id)
        return rows.update(name=name[:100]) > 0
