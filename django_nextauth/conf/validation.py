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
from .rules import RULES, Rule
from .schema import DEFAULTS, merged

__all__ = ["add_rule", "user_settings", "validate", "validate_setting"]

#: Rules that the modules above ``conf`` add for the settings whose values they define
#: (``adapters``: ``ADAPTER`` names an ``Adapter`` subclass), so that ``conf`` imports none
#: of them. Each runs after the key's own rule found no error.
_ADDED: dict[str, list[Rule]] = {}


def add_rule(name: str, rule: Rule) -> None:
    """Check ``NEXTAUTH[name]`` with ``rule`` too, in the system checks and when it is read."""
    rules = _ADDED.setdefault(name, [])
    if rule not in rules:
        rules.append(rule)


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
    value = merged(name, user)
    problems = list(RULES[name](value, user))
    if not any(problem.is_error for problem in problems):
        for rule in _ADDED.get(name, ()):
            problems += rule(value, user)
    return problems


def _not_a_dict(user: Any) -> list[Problem]:
    message = f"settings.NEXTAUTH must be a dict, not {type(user).__name__}."
    hint = "E.g. NEXTAUTH = {'SECRET': os.environ.get('AUTH_SECRET'), 'VERSION': 'v4'}."
    return [Problem((), message, hint, "django_nextauth.E014")]
