"""Who is signed in: the session user (``request.session_user``) and the Django user.

:class:`SessionUser` and :class:`AnonymousSessionUser` are read-only mappings of
``session["user"]`` with attribute access, so views write
``request.session_user.email`` and templates ``{{ request.session_user.name }}``;
``is_authenticated`` works as on Django's users, so a session user can stand in
for ``request.user`` (DRF, templates). :func:`django_user_for_token` maps a
token's ``sub`` to a Django user (``NEXTAUTH["SET_REQUEST_USER"]``). The
session user of a request is :func:`django_nextauth.session.get_session_user`'s
(or its async twin's): the one way to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from .identity import is_active

__all__ = [
    "ANONYMOUS",
    "AnonymousSessionUser",
    "SessionUser",
    "adjango_user_for_token",
    "anonymous_django_user",
    "django_user_for_token",
]


class SessionUser(Mapping[str, Any]):
    """The ``user`` of a NextAuth session: item and attribute access, read-only.

    ``pk`` / ``id`` is the ``id`` field when the session callback put one in the
    session, else the token's ``sub`` (the user's id at sign-in).
    """

    __slots__ = ("_data", "pk")

    is_authenticated = True
    is_anonymous = False

    def __init__(self, data: Mapping[str, Any], *, sub: Any = None) -> None:
        # Not copied: the session dict is built per request and owned by it.
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "pk", self._data.get("id", sub))

    @property
    def id(self) -> Any:
        return self.pk

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        # A signed-in user is truthy even with an empty profile (DRF: `request.user and ...`).
        return True

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found normally: the session user's fields.
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("The session user is read-only.")

    def __repr__(self) -> str:
        return f"<SessionUser pk={self.pk!r}>"

    def __str__(self) -> str:
        return str(self._data.get("name") or self._data.get("email") or self.pk or "")


class AnonymousSessionUser(Mapping[str, Any]):
    """Nobody is signed in: no fields, falsy, and its fields render as ``""``."""

    __slots__ = ()

    is_authenticated = False
    is_anonymous = True
    pk = None
    id = None
    name = ""
    email = ""
    image = ""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<AnonymousSessionUser>"

    def __str__(self) -> str:
        return ""


#: The one anonymous user (it holds no state).
ANONYMOUS = AnonymousSessionUser()


#: Resolved when a request needs it, never at import: the module also defines contrib.auth's
#: models, which raise RuntimeError unless the app is installed, and ``manage.py check`` must
#: get as far as reporting that (E016) after importing the middleware.
_ANONYMOUS_USER_CLASS = "django.contrib.auth.models.AnonymousUser"


def anonymous_django_user() -> Any:
    """Django's ``AnonymousUser`` (what ``request.user`` is when nobody is signed in)."""
    return import_string(_ANONYMOUS_USER_CLASS)()


def _user_pk(token: Mapping[str, Any] | None) -> Any:
    sub = (token or {}).get("sub")
    if sub is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(sub)
    except (ValidationError, TypeError, ValueError):
        return None


def _usable(user: Any) -> Any:
    # As ModelBackend: a deactivated user is not signed in.
    return user if user is not None and is_active(user) else None


def django_user_for_token(token: Mapping[str, Any] | None) -> Any:
    """The active Django user whose pk is ``token["sub"]`` (one query), or ``None``."""
    pk = _user_pk(token)
    if pk is None:
        return None
    return _usable(get_user_model()._default_manager.filter(pk=pk).first())


async def adjango_user_for_token(token: Mapping[str, Any] | None) -> Any:
    """Async :func:`django_user_for_token`."""
    pk = _user_pk(token)
    if pk is None:
        return None
    return _usable(await get_user_model()._default_manager.filter(pk=pk).afirst())
