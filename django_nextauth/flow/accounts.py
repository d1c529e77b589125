"""NextAuth's account-linking rules, through the adapter (``docs/protocol-providers.md``
§1.10; ``packages/next-auth/src/core/lib/callback-handler.ts`` in NextAuth).

For an OAuth / OIDC sign-in with an adapter, :func:`link` decides who signs in:

1. the account is known: its user (refused, ``OAuthAccountNotLinked``, when another
   user is signed in in this browser);
2. unknown, and someone is signed in: link it to them (the only automatic linking), when
   that same session started the sign-in (``bound_to_session``); refused
   (``OAuthAccountNotLinked``) otherwise;
3. unknown, nobody signed in, a user has the profile's e-mail address (the same
   :func:`~django_nextauth.identity.email_key`, compared in Python): refused
   (``OAuthAccountNotLinked``) unless the provider sets
   ``allow_dangerous_email_account_linking`` and the profile does not say
   ``email_verified: false``, then linked to that user;
4. otherwise a new Django user (``is_new_user``), the account linked to it.

No account is ever linked to a deactivated user (:class:`InactiveUser`).

Signals :data:`~django_nextauth.signals.user_created` and
:data:`~django_nextauth.signals.account_linked` play NextAuth's ``createUser`` and
``linkAccount`` events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, router, transaction
from django.http import HttpRequest

from django_nextauth.adapters import Adapter
from django_nextauth.identity import is_active, user_with_email
from django_nextauth.session import session_state
from django_nextauth.signals import account_linked, send_robust, user_created

__all__ = ["AccountNotLinked", "InactiveUser", "Linked", "link", "signed_in_user"]


class AccountNotLinked(Exception):
    """NextAuth's ``OAuthAccountNotLinked``: signing in would join two identities unasked."""


class InactiveUser(Exception):
    """The user the account would sign in as is deactivated (``AccessDenied``)."""


def _active(user: Any) -> Any:
    if not is_active(user):
        raise InactiveUser("The user is deactivated.")
    return user


@dataclass(frozen=True)
class Linked:
    """Who signs in, and whether the sign-in created them."""

    user: Any
    is_new_user: bool


def signed_in_user(request: HttpRequest, adapter: Adapter) -> Any | None:
    """The stored user of the session this request carries in a cookie, or ``None``.

    Database sessions: the row's user; JWT: the user whose id is ``sub``. An unusable
    cookie counts as signed out.
    """
    state = session_state(request)
    if not state.from_cookie or state.claims is None:
        return None
    if state.stored_user is not None:
        return state.stored_user
    sub = state.claims.get("sub")
    return None if sub is None else adapter.get_user(str(sub))


def _new_user_data(profile_user: Mapping[str, Any]) -> dict[str, Any]:
    # NextAuth v4's createUser input: the profile without its id, emailVerified null.
    data = {key: profile_user.get(key) for key in ("name", "email", "image")}
    data["emailVerified"] = None
    return data


def link(
    request: HttpRequest,
    adapter: Adapter,
    *,
    provider: Any,
    user: Mapping[str, Any],
    account: Mapping[str, Any],
    known: Any | None,
    profile: Mapping[str, Any] | None = None,
    bound_to_session: bool = False,
) -> Linked:
    """Apply the rules above; ``known`` is ``get_user_by_account``'s answer (already asked
    for the ``sign_in`` callback); ``bound_to_session``: the sign-in was started by the
    session ``request`` carries. Raises :class:`AccountNotLinked`, or
    :class:`InactiveUser` rather than link an account to a deactivated user.

    The e-mail match of rule 3 is :func:`~django_nextauth.identity.user_with_email`'s
    (decided in Python, never by a collation), and a provider's ``email_verified: false``
    stops dangerous linking."""
    current = signed_in_user(request, adapter)
    if known is not None:
        if current is not None and current.pk != known.pk:
            raise AccountNotLinked("The account is already associated with another user.")
        return Linked(known, False)
    if current is not None:
        if not bound_to_session:
            # Someone else's callback in this browser, or a session swapped in mid-flow.
            raise AccountNotLinked("The sign-in was not started by the signed-in session.")
        _link(request, adapter, provider, _active(current), account)
        return Linked(current, False)
    email = user.get("email")
    owner = user_with_email(adapter, email) if isinstance(email, str) else None
    if owner is not None:
        if not getattr(provider, "allow_dangerous_email_account_linking", False):
            raise AccountNotLinked("Another account already exists with the same e-mail address.")
        if profile is not None and profile.get("email_verified", True) is not True:
            raise AccountNotLinked("The provider has not verified the e-mail address.")
        _link(request, adapter, provider, _active(owner), account)
        return Linked(owner, False)
    try:
        with transaction.atomic(using=router.db_for_write(get_user_model())):
            created = adapter.create_user(_new_user_data(user))
            adapter.link_account(created, account)
    except IntegrityError:
        # The same first sign-in finished concurrently (a double-submitted callback): use it.
        winner = adapter.get_user_by_account(account["provider"], str(account["providerAccountId"]))
        if winner is None:
            raise
        return Linked(winner, False)
    send_robust(user_created, provider.id, request=request, user=created, profile=user)
    send_robust(account_linked, provider.id, request=request, user=created, account=account)
    return Linked(created, True)


def _link(
    request: HttpRequest, adapter: Adapter, provider: Any, user: Any, account: Mapping[str, Any]
) -> None:
    adapter.link_account(user, account)
    send_robust(account_linked, provider.id, request=request, user=user, account=account)
