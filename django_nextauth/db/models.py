"""NextAuth's tables (``packages/adapter-prisma/prisma/schema.prisma``) as Django models.

Users are Django's own (``AUTH_USER_MODEL``). Secrets are never stored as given: a
session row keeps the SHA-256 of its session token, a verification token row the hash
its provider computed. A stolen database dump therefore holds no usable session.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["Account", "Authenticator", "Revocation", "Session", "VerificationToken"]


class Account(models.Model):
    """An identity at a provider (OAuth, OIDC, e-mail) linked to a Django user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nextauth_accounts"
    )
    #: NextAuth's account type: ``oauth``, ``oidc``, ``email``, ``credentials``.
    type = models.CharField(max_length=32)
    provider = models.CharField(max_length=64)
    provider_account_id = models.CharField(max_length=255)
    access_token = models.TextField(blank=True, null=True)
    refresh_token = models.TextField(blank=True, null=True)
    id_token = models.TextField(blank=True, null=True)
    #: Seconds since the epoch, as NextAuth stores it.
    expires_at = models.BigIntegerField(blank=True, null=True)
    scope = models.TextField(blank=True, null=True)
    token_type = models.CharField(max_length=64, blank=True, null=True)
    session_state = models.TextField(blank=True, null=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_account_id"], name="nextauth_db_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_account_id}"


class Session(models.Model):
    """A database session: the cookie holds a random token, the row its SHA-256 hex digest."""

    session_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nextauth_sessions"
    )
    expires = models.DateTimeField(db_index=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    #: When the session was last extended (``SESSION["UPDATE_AGE"]`` granularity).
    last_seen = models.DateTimeField(default=timezone.now)
    #: A short summary of the User-Agent at sign-in, e.g. "Firefox on Linux".
    device = models.CharField(max_length=100, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.user} ({self.device or 'unknown device'}, until {self.expires:%Y-%m-%d})"


class VerificationToken(models.Model):
    """A single-use e-mail sign-in token (its hash), NextAuth's ``VerificationToken``."""

    identifier = models.CharField(max_length=255)
    token = models.CharField(max_length=128)
    expires = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "token"], name="nextauth_db_verification_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifier} (until {self.expires:%Y-%m-%d %H:%M})"


class Revocation(models.Model):
    """A JWT session, or every session of a user up to a time, ended before it expired
    (``SESSION["REVOCATION_STORE"] = "database"``): the durable copy of a revocation cache
    key, read whenever the cache lacks the key."""

    #: The cache key: ``django_nextauth:revoked:<sid|user>:<SHA-256 prefix>`` (ASCII only,
    #: so no database collation can make two keys equal).
    key = models.CharField(max_length=100, unique=True)
    #: When it was revoked, in milliseconds since the epoch.
    revoked_ms = models.BigIntegerField()
    #: After this every token it can refuse has expired: the row may go.
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} (until {self.expires:%Y-%m-%d})"


class Authenticator(models.Model):
    """A passkey (WebAuthn credential), Auth.js's ``Authenticator``: the public key only.

    ``credential_id`` and ``credential_public_key`` are standard base64, as Auth.js's
    adapters store them, so a Next.js app on the same tables reads the same rows. Its
    ``Account`` row (type ``webauthn``) has the credential id as ``provider_account_id``.
    """

    credential_id = models.CharField(max_length=255, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nextauth_authenticators"
    )
    provider_account_id = models.CharField(max_length=255, editable=False)
    credential_public_key = models.TextField(editable=False)
    #: The signature counter last seen; it only moves forwards (0: no counter).
    counter = models.BigIntegerField(default=0)
    #: ``singleDevice`` or ``multiDevice`` (a synced passkey).
    credential_device_type = models.CharField(max_length=32)
    credential_backed_up = models.BooleanField(default=False)
    #: Comma-separated, e.g. ``internal,hybrid``.
    transports = models.CharField(max_length=255, blank=True, null=True)
    #: A label the user chose on the management page.
    name = models.CharField(max_length=100, blank=True, default="")
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(blank=True, null=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.name or 'passkey'} ({self.credential_id[:12]}…)"
