"""Placeholder: the session context processor lands with the request-path work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def session(request: HttpRequest) -> dict[str, Any]:
    return {}
