"""The demo pages. Each one shows one piece of django-nextauth."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from django_nextauth import get_server_session, get_token, login_required_session


def home(request: HttpRequest) -> HttpResponse:
    """Public page: signed-in state from the template tags and the context processor."""
    return render(request, "demo/home.html")


@login_required_session
def dashboard(request: HttpRequest) -> HttpResponse:
    """Signed-in users only: ``request.session_user``, ``get_server_session``, ``get_token``.

    None of them queries the database: the session is the decrypted cookie.
    """
    claims = get_token(request) or {}  # NextAuth's getToken({ req })
    times = {
        key: datetime.fromtimestamp(claims[key], tz=timezone.utc)
        for key in ("iat", "exp")
        if isinstance(claims, dict) and isinstance(claims.get(key), int)
    }
    context: dict[str, Any] = {
        "user": request.session_user,
        # NextAuth's getServerSession(authOptions): what GET /api/auth/session answers.
        "session_json": json.dumps(get_server_session(request), indent=2),
        "token_times": times,
    }
    return render(request, "demo/dashboard.html", context)


@login_required_session
def profile(request: HttpRequest) -> HttpResponse:
    """Change the display name through ``POST /api/auth/session`` (``update()`` in NextAuth)."""
    return render(request, "demo/profile.html")


def is_staff(request: HttpRequest, user: Any) -> bool:
    """The ``authorized=`` check of the staff page: a role the ``session`` callback added."""
    return "staff" in (user.get("roles") or [])


@login_required_session(authorized=is_staff)
def staff(request: HttpRequest) -> HttpResponse:
    """Staff only: everyone else signed in gets 403, signed-out visitors go to sign-in."""
    return render(request, "demo/staff.html")
