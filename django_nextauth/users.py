"""``request.session_user``: the signed-in NextAuth user, or an anonymous stand-in.

Both are read-only mappings of ``session["user"]`` with attribute access, so
views write ``request.session_user.email`` and templates
``{{ request.session_user.name }}``; ``is_authenticated`` works as on Django's
users, so ``session_user`` can stand in for ``request.user`` (DRF, templates).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["ANONYMOUS", "AnonymousSessionUser", "SessionUser"]


class SessionUser(Mapping[str, Any]):
    """The ``user`` of a NextAuth session: item and attribute access, read-only.

    ``pk`` / ``id`` is the ``id`` field when the session callback put one in the
    session, else the token's ``sub`` (the user's id at sign-in).
    """

    __slots__ = ("_data", "pk")

    is_authenticated = True
    is_anonymous = False

    def __init__(self, data: Mapping[str, Any], *, sub: Any = None) -> None:
        object.__setattr__(self, "_data", dict(data))
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
