"""A :class:`Problem`: one thing wrong with ``NEXTAUTH``, and the unknown-key problem."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .schema import CHECK_IDS, DEFAULTS, NESTED, NEXTAUTH_SPELLINGS

__all__ = ["Problem", "setting_name", "setting_problem", "unknown_key"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with ``NEXTAUTH``."""

    #: Keys from ``NEXTAUTH`` down to the value, e.g. ``("SESSION", "maxAge")``; ``()`` is
    #: ``NEXTAUTH`` itself.
    path: tuple[str, ...]
    message: str
    hint: str
    #: The system check id, ``django_nextauth.E0xx`` (an error) or ``W0xx`` (a warning).
    id: str
    #: Whether reading the setting raises (errors only). Some problems are reported by the
    #: checks alone because the runtime has a documented fallback (an unusable URL: the
    #: request's host) or raises its own error (the secret, from ``nextauth_settings.secrets``).
    fatal: bool = True

    @property
    def setting(self) -> str:
        """The setting as written in Python: ``NEXTAUTH['SESSION']['maxAge']``."""
        return setting_name(self.path)

    @property
    def is_error(self) -> bool:
        return self.id.rpartition(".")[2].startswith("E")


def setting_name(path: tuple[str, ...]) -> str:
    """``NEXTAUTH['SESSION']['maxAge']`` for ``("SESSION", "maxAge")``."""
    return "NEXTAUTH" + "".join(f"[{key!r}]" for key in path)


def setting_problem(
    path: tuple[str, ...], message: str, hint: str, *, fatal: bool = True
) -> Problem:
    """A problem reported under the check id of the top-level key ``path[0]``."""
    return Problem(path, message, hint, CHECK_IDS[path[0]], fatal)


def unknown_key(parent: tuple[str, ...], key: Any) -> Problem:
    """``key`` is not ours: name NextAuth's spelling's right name, else the closest key."""
    known = NESTED[parent[0]] if parent else tuple(DEFAULTS)
    where = setting_name(parent)
    section = parent[0] if parent else ""
    right = NEXTAUTH_SPELLINGS.get(section, {}).get(key) if isinstance(key, str) else None
    if right:
        message = f"{where} has an unknown key {key!r} (NextAuth's name for {right!r})."
        hint = f"Rename {key!r} to {right!r}."
    else:
        message = f"{where} has an unknown key {key!r}."
        by_folded = {_fold(name): name for name in known}
        close = difflib.get_close_matches(_fold(str(key)), by_folded, n=1, cutoff=0.6)
        hint = f"Did you mean {by_folded[close[0]]!r}? " if close else ""
        hint += f"The keys are {', '.join(map(repr, known))}."
    path = (*parent, str(key)) if parent else (str(key),)
    return Problem(path, message, hint, CHECK_IDS[section])


def _fold(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
