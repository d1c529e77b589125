"""Which session an OAuth sign-in belongs to: the binding its check cookies carry.

Linking an unknown account to the signed-in user (rule 2 of ``django_nextauth/flow/accounts.py``)
is safe only when that user's own browser session started the sign-in. Otherwise an
attacker's callback URL opened in a signed-in victim's browser, or a session planted
between the start and the callback, would attach the attacker's IdP account to the victim.
So ``POST /signin/<id>`` records :func:`session_binding` in the check cookies
(``oauth/check_cookies.py``), and the callback links to the signed-in user only when
:func:`started_by_this_session` says the same session is still there.
"""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest

from django_nextauth.session import session_state

__all__ = ["session_binding", "started_by_this_session"]

_PREFIX = b"django-nextauth oauth session\x00"


def session_binding(request: HttpRequest) -> str | None:
    """An opaque, stable name of the session ``request`` carries in its cookie (``None``:
    signed out, or only a Bearer token).

    A JWT session is named by its ``sid`` claim, which survives the token's renewals; a
    database session (and a JWT without ``sid``, e.g. one NextAuth issued) by its session
    token. Hashed, so that the session token never ends up in another cookie.
    """
    state = session_state(request)
    if not state.from_cookie or state.claims is None:
        return None
    name = state.stable_name or ""  # decoded: claims are there
    return hashlib.sha256(_PREFIX + name.encode()).hexdigest()


def started_by_this_session(request: HttpRequest, binding: str | None) -> bool:
    """Whether the flow whose check cookies carried ``binding`` was started by the session
    ``request`` carries now (never when either is signed out)."""
    if binding is None:
        return False
    current = session_binding(request)
    return current is not None and hmac.compare_digest(binding.encode(), current.encode())
