"""The demo's NextAuth hooks, wired up by dotted path in ``settings.NEXTAUTH``.

They are the Django versions of the classic NextAuth tutorial::

    authorize: async (credentials) => user | null
    jwt:       ({ token, user, trigger, session }) => { if (user) token.id = user.id; ... }
    session:   ({ session, token }) => { session.user.id = token.id; ...; return session }
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from .models import Profile

MAX_NAME_LENGTH = 60


def authorize(credentials: dict[str, Any], request: HttpRequest | None) -> AbstractBaseUser | None:
    """Check a username *or e-mail address* and password; ``None`` means "wrong credentials".

    The default ``authorize`` only takes a username; this one shows where custom rules go.
    """
    login = str(credentials.get("username") or "").strip()
    password = str(credentials.get("password") or "")
    if not login or not password:
        return None
    if "@" in login:
        match = get_user_model().objects.filter(email__iexact=login).first()
        login = match.get_username() if match is not None else login
    user = authenticate(request, username=login, password=password)
    return user if user is not None and user.is_active else None


def user_claims(user: Any) -> dict[str, Any]:
    """The extra token claims of a user that ``authorize`` returned."""
    profile, _ = Profile.objects.get_or_create(user=user)
    roles = ["user", *(["staff"] if user.is_staff else [])]
    return {
        "id": str(user.pk),
        "name": profile.display_name or user.get_username(),
        "username": user.get_username(),
        "is_verified": profile.is_verified,
        "roles": roles,
    }


def jwt(
    *,
    token: dict[str, Any],
    user: Any = None,
    trigger: str | None = None,
    session: Any = None,
    **kwargs: Any,
) -> dict[str, Any] | None:
    """Copy the custom fields into the token at sign-in, and rename on ``update()``.

    ``user`` is only given at sign-in (``trigger == "signIn"``). ``trigger == "update"`` comes
    from ``POST /api/auth/session`` with ``{"csrfToken": ..., "data": {"name": ...}}``; ``data``
    arrives here as ``session``. It is untrusted input from the browser: validate it.
    """
    if user is not None:
        token.update(user_claims(user))
    if trigger == "update" and isinstance(session, dict):
        name = session.get("name")
        if isinstance(name, str) and name.strip():
            token["name"] = name.strip()[:MAX_NAME_LENGTH]
            # Persist it too, so the next sign-in keeps the new name.
            Profile.objects.filter(user_id=token.get("id")).update(display_name=token["name"])
    return token


def session(*, session: dict[str, Any], token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Expose the custom claims as ``session.user.*`` (and so ``request.session_user.*``)."""
    session["user"].update(
        id=token.get("id", token.get("sub")),
        username=token.get("username"),
        is_verified=bool(token.get("is_verified")),
        roles=list(token.get("roles") or []),
    )
    return session
