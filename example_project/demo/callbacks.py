"""The demo's ``jwt`` and ``session`` callbacks, wired up by dotted path in ``settings.NEXTAUTH``.

docs/callbacks.md shows this file as it is. They are the Django versions of the classic
NextAuth tutorial (``authorize`` is in ``demo/auth.py``)::

    jwt:       ({ token, user, trigger, session }) => { if (user) token.id = user.id; ... }
    session:   ({ session, token }) => { session.user.id = token.id; ...; return session }
"""

from __future__ import annotations

from typing import Any

from .models import Profile

MAX_NAME_LENGTH = 60


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
    if user is not None:  # sign-in: a Django user, whichever provider signed them in
        # Users made outside the demo (createsuperuser, the admin) have no profile yet.
        profile, _ = Profile.objects.get_or_create(user=user)
        token["id"] = str(user.pk)
        token["name"] = profile.display_name or user.get_username()
        token["username"] = user.get_username()
        token["is_verified"] = profile.is_verified
        token["roles"] = ["user", *(["staff"] if user.is_staff else [])]
    if trigger == "update" and isinstance(session, dict):
        name = session.get("name")
        if isinstance(name, str) and name.strip():
            token["name"] = name.strip()[:MAX_NAME_LENGTH]
            # Persist it too, so the next sign-in keeps the new name.
            Profile.objects.filter(user_id=token.get("id")).update(display_name=token["name"])
    return token


def session(
    *, session: dict[str, Any], token: dict[str, Any], user: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Expose the custom claims as ``session.user.*`` (and so ``request.session_user.*``).

    With database sessions (``DEMO_SESSION_STRATEGY=database``) no token is kept: ``user`` is
    the stored session's Django user, and the claims are made from it as at sign-in.
    """
    claims = token if user is None else jwt(token={}, user=user) or {}
    session["user"].update(
        id=claims.get("id", claims.get("sub")),
        username=claims.get("username"),
        is_verified=bool(claims.get("is_verified")),
        roles=list(claims.get("roles") or []),
    )
    return session
