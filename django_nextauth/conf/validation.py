"""One ``validate()`` for ``NEXTAUTH``: the system checks report its problems, and reading a
setting raises its first fatal one (``django_nextauth/conf/__init__.py``).

Nothing here raises on a broken value: every rule (``django_nextauth/conf/rules.py``)
answers :class:`~django_nextauth.conf.problem.Problem` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings

from .problem import Problem, unknown_key
from .rules import RULES
from .schema import DEFAULTS, merged

__all__ = ["user_settings", "validate", "validate_setting"]


def user_settings() -> Any:
    """``settings.NEXTAUTH`` as the project wrote it (``{}`` when unset)."""
    configured = getattr(django_settings, "NEXTAUTH", None)
    return {} if configured is None else configured


def validate(user: Any = None) -> list[Problem]:
    """Every problem of ``user`` (default: ``settings.NEXTAUTH``), in the order of the keys."""
    user = user_settings() if user is None else user
    if not isinstance(user, Mapping):
        return _not_a_dict(user)
    problems = [unknown_key((), key) for key in user if key not in DEFAULTS]
    for name in DEFAULTS:
        problems += validate_setting(name, user)
    return problems


def validate_setting(name: str, user: Any) -> list[Problem]:
    """The problems of one top-level key (what reading ``nextauth_settings.<name>`` checks)."""
    if not isinstance(user, Mapping):
        return _not_a_dict(user)
    return list(RULES[name](merged(name, user), user))


def _not_a_dict(user: Any) -> list[Problem]:
    message = f"settings.NEXTAUTH must be a dict, not {type(user).__name__}."
    hint = "E.g. NEXTAUTH = {'SECRET': os.environ.get('AUTH_SECRET'), 'VERSION': 'v4'}."
    return [Problem((), message, hint, "django_nextauth.E014")]
