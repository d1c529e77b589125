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
    account: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any] | None:
    """Copy the custom fields into the token at sign-in, and rename on ``update()``.

    ``user`` is only given at sign-in (``trigger == "signIn"``). ``trigger == "update"`` comes
    from ``POST /api/auth/session`` with ``{"csrfToken": ..., "data": {"name": ...}}``; ``data``
    arrives here as ``session``. It is untrusted input from the browser: validate it.
    """
    if user is not None and account is not None and account.get("type") in ("oauth", "oidc"):
        # "Sign in with Demo IdP": ``user`` is NextAuth's {id, name, email, image}, the
        # ``profile`` argument the id_token's claims (idp/validators.py says which).
        token.update(oauth_claims(user, kwargs.get("profile") or {}))
    elif user is not None:  # sign-in: what authorize() returned
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


def oauth_claims(user: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The custom fields of an OAuth / OIDC sign-in, from the IdP's claims.

    The Demo IdP shares this project's users, so its ``sub`` is the local user's id too.
    """
    groups = claims.get("groups")
    is_staff = isinstance(groups, list) and "staff" in groups
    return {
        "id": str(user["id"]),
        "username": str(claims.get("preferred_username") or user.get("email") or user["id"]),
        "is_verified": claims.get("email_verified") is True,
        "roles": ["user", *(["staff"] if is_staff else [])],
    }


def session(*, session: dict[str, Any], token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Expose the custom claims as ``session.user.*`` (and so ``request.session_user.*``)."""
    session["user"].update(
        id=token.get("id", token.get("sub")),
        username=token.get("username"),
        is_verified=bool(token.get("is_verified")),
        roles=list(token.get("roles") or []),
    )
    return session
