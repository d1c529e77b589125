"""The Django ORM adapter: NextAuth's adapter methods on Django's users and this app's models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from django_nextauth.adapters import Adapter, hash_session_token
from django_nextauth.identity import email_key

from .authenticators import AuthenticatorStore
from .devices import device_summary
from .lookup import session_and_user
from .models import Account, Session, VerificationToken
from .usernames import unique_username

__all__ = ["DjangoAdapter"]

#: NextAuth's account keys (OAuth values snake_case) -> Account fields.
_ACCOUNT_FIELDS = {
    "type": "type",
    "provider": "provider",
    "providerAccountId": "provider_account_id",
    "access_token": "access_token",
    "refresh_token": "refresh_token",
    "id_token": "id_token",
    "expires_at": "expires_at",
    "scope": "scope",
    "token_type": "token_type",
    "session_state": "session_state",
}


def _has_field(model: Any, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _user_fields(model: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """The Django user fields NextAuth's ``name`` / ``email`` / ``image`` map to."""
    fields: dict[str, Any] = {}
    email = data.get("email")
    if isinstance(email, str) and email:
        fields[model.get_email_field_name()] = email.strip().lower()
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        if _has_field(model, "name"):
            fields["name"] = name.strip()
        elif _has_field(model, "first_name") and _has_field(model, "last_name"):
            first, _, last = name.strip().partition(" ")
            fields["first_name"], fields["last_name"] = first[:150], last.strip()[:150]
    if isinstance(data.get("image"), str) and _has_field(model, "image"):
        fields["image"] = data["image"]
    return fields


class DjangoAdapter(AuthenticatorStore, Adapter):
    """Users are ``AUTH_USER_MODEL``; accounts, sessions, tokens and passkeys are
    ``django_nextauth.db`` rows. Session tokens are stored as their SHA-256."""

    # --- users --------------------------------------------------------------------------------

    def create_user(self, data: Mapping[str, Any]) -> Any:
        model = get_user_model()
        fields = _user_fields(model, data)
        for attempt in range(5):
            if model.USERNAME_FIELD not in fields or attempt:
                fields[model.USERNAME_FIELD] = unique_username(model, data, retry=attempt)
            user = model(**fields)
            user.set_unusable_password()
            try:
                # The savepoint must be on the users' database (a router may move them).
                with transaction.atomic(using=router.db_for_write(model)):
                    user.save()
            except IntegrityError:  # a concurrent sign-up took the name: try another
                if attempt == 4:
                    raise
                continue
            return user
        raise AssertionError("unreachable")  # pragma: no cover

    def get_user(self, user_id: str) -> Any | None:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except (ValidationError, TypeError, ValueError):
            return None
        return model._default_manager.filter(pk=pk).first()

    def get_user_by_email(self, email: str) -> Any | None:
        if not email:
            return None
        model = get_user_model()
        field = model.get_email_field_name()
        key = email_key(email)
        # The query only narrows: its collation may fold look-alikes together (PostgreSQL's
        # upper('ı') = 'I', MariaDB's accents), so the match is decided in Python. Django does
        # not make addresses unique: the oldest account owns the address.
        candidates = model._default_manager.filter(**{f"{field}__iexact": email.strip()})
        for user in candidates.order_by("pk"):
            if email_key(getattr(user, field) or "") == key:
                return user
        return None

    def get_user_by_account(self, provider: str, provider_account_id: str) -> Any | None:
        account = (
            Account.objects.select_related("user")
            .filter(provider=provider, provider_account_id=str(provider_account_id))
            .first()
        )
        return None if account is None else account.user

    # --- accounts -----------------------------------------------------------------------------

    def link_account(self, user: Any, account: Mapping[str, Any]) -> None:
        values = {
            field: account[key]
            for key, field in _ACCOUNT_FIELDS.items()
            if account.get(key) is not None
        }
        if isinstance(values.get("scope"), (list, tuple)):
            values["scope"] = " ".join(values["scope"])
        values["provider_account_id"] = str(values.get("provider_account_id", ""))
        Account.objects.create(user=user, **values)

    def mark_email_verified(self, user: Any, email: str, provider_id: str) -> None:
        Account.objects.get_or_create(
            provider=provider_id,
            provider_account_id=email.strip().lower(),
            defaults={"user": user, "type": "email"},
        )

    # --- sessions -----------------------------------------------------------------------------

    def create_session(
        self,
        user: Any,
        session_token: str,
        expires: datetime,
        *,
        request: HttpRequest | None = None,
    ) -> Session:
        agent = None if request is None else request.META.get("HTTP_USER_AGENT")
        return Session.objects.create(
            session_token_hash=hash_session_token(session_token),
            user=user,
            expires=expires,
            device=device_summary(agent),
        )

    def get_session_and_user(self, session_token: str) -> tuple[Session, Any] | None:
        # Its SQL compiled once per database: see lookup.py (every request runs it).
        return session_and_user(hash_session_token(session_token))

    def update_session(self, session_token: str, expires: datetime) -> None:
        Session.objects.filter(session_token_hash=hash_session_token(session_token)).update(
            expires=expires, last_seen=timezone.now()
        )

    def delete_session(self, session_token: str) -> bool:
        deleted, _ = Session.objects.filter(
            session_token_hash=hash_session_token(session_token)
        ).delete()
        return deleted > 0

    def delete_user_sessions(self, user: Any) -> int:
        deleted, _ = Session.objects.filter(user=user).delete()
        return deleted

    # --- verification tokens ------------------------------------------------------------------

    def create_verification_token(
        self, identifier: str, token_hash: str, expires: datetime
    ) -> VerificationToken:
        return VerificationToken.objects.create(
            identifier=identifier, token=token_hash, expires=expires
        )

    def use_verification_token(self, identifier: str, token_hash: str) -> VerificationToken | None:
        row = VerificationToken.objects.filter(identifier=identifier, token=token_hash).first()
        if row is None:
            return None
        # Only the request whose DELETE removed the row may use it (no double use under races).
        deleted, _ = VerificationToken.objects.filter(pk=row.pk).delete()
        return row if deleted else None
