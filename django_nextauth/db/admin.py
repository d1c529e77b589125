"""Admin pages: every session (whose, which device, since when, until when) with an action that
ends the selected ones, the linked accounts and the passkeys. A user's own sessions and accounts
are one filter away (``?user__id__exact=<pk>``); :class:`SessionInline` and :class:`AccountInline`
add them to a project's own ``UserAdmin``."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Account, Authenticator, Session, VerificationToken

__all__ = [
    "AccountAdmin",
    "AccountInline",
    "AuthenticatorAdmin",
    "SessionAdmin",
    "SessionInline",
    "VerificationTokenAdmin",
    "register",
]

logger = logging.getLogger("django_nextauth")


@admin.action(description="End the selected sessions (sign them out)")
def end_sessions(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Session]) -> None:
    try:
        with transaction.atomic(using=queryset.db):  # a savepoint: the request goes on
            ended, _ = queryset.delete()
    except DatabaseError as exc:  # say so: never "ended" when nothing was
        logger.error("django_nextauth: the admin could not end sessions: %s", exc)
        message = "The sessions could not be ended (database error): none was signed out."
        modeladmin.message_user(request, message, messages.ERROR)
        return
    modeladmin.message_user(request, f"Ended {ended} session(s).", messages.SUCCESS)


class SessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "device", "created", "last_seen", "expires")
    list_filter = ("expires", "created")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "device")
    readonly_fields = ("user", "device", "created", "last_seen", "expires")
    actions = (end_sessions,)
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sessions are made by signing in, never by hand


class AccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "provider", "provider_account_id", "type", "created")
    list_filter = ("provider", "type")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "provider_account_id")
    # Tokens are credentials at the provider: shown to nobody, not even superusers.
    exclude = ("access_token", "refresh_token", "id_token", "session_state")
    readonly_fields = ("user", "provider", "provider_account_id", "type", "created")


class VerificationTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("identifier", "expires")
    search_fields = ("identifier",)
    readonly_fields = ("identifier", "token", "expires")


class AuthenticatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Passkeys: a public key each; deleting one (and its account row) revokes it."""

    list_display = ("user", "name", "credential_device_type", "created", "last_used")
    list_filter = ("credential_device_type", "credential_backed_up")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "name", "credential_id")
    readonly_fields = (
        "user", "credential_id", "provider_account_id", "credential_public_key", "counter",
        "credential_device_type", "credential_backed_up", "transports", "created", "last_used",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registered by the user's own authenticator, never by hand

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        _delete_authenticators(Authenticator.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        _delete_authenticators(queryset)


def _delete_authenticators(queryset: QuerySet[Authenticator]) -> None:
    # The account row would otherwise outlive its credential.
    for row in queryset:
        Account.objects.filter(
            user_id=row.user_id, type="webauthn", provider_account_id=row.provider_account_id
        ).delete()
    queryset.delete()


class SessionInline(admin.TabularInline):  # type: ignore[type-arg]
    """A user's sessions on their change page; deleting a row ends that session."""

    model = Session
    fields = ("device", "created", "last_seen", "expires")
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AccountInline(admin.TabularInline):  # type: ignore[type-arg]
    """A user's linked provider accounts on their change page (unlink by deleting)."""

    model = Account
    fields = ("provider", "provider_account_id", "type", "created")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def register(site: admin.AdminSite) -> None:
    """Register the model admins on ``site`` (done for the default site on import)."""
    site.register(Session, SessionAdmin)
    site.register(Account, AccountAdmin)
    site.register(VerificationToken, VerificationTokenAdmin)
    site.register(Authenticator, AuthenticatorAdmin)


# Only the admin's autodiscovery imports this module, and then the admin is installed.
if apps.is_installed("django.contrib.admin"):  # pragma: no cover  (tests run without the admin)
    register(admin.site)
