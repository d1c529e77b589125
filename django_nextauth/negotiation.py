"""Does a request want a JSON answer rather than an HTML page?"""

from __future__ import annotations

from django.http import HttpRequest

__all__ = ["wants_json"]


def wants_json(request: HttpRequest) -> bool:
    """True for API and ``fetch``/XHR clients, False for page navigations.

    An ``Accept`` header that ranks ``application/json`` above ``text/html`` says
    JSON, and the reverse says HTML (browsers navigating send ``text/html`` first).
    On a tie (``*/*`` or no ``Accept``) the caller decides: ``X-Requested-With:
    XMLHttpRequest`` or ``Sec-Fetch-Dest: empty`` (what browsers send for
    ``fetch()`` and XHR) mean a script, which cannot use a redirect to a sign-in page.
    """
    accept = request.headers.get("Accept", "")
    json_q = _quality(accept, "application/json")
    html_q = _quality(accept, "text/html")
    if json_q != html_q:
        return json_q > html_q
    return (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or request.headers.get("Sec-Fetch-Dest") == "empty"
    )


def _quality(accept: str, media_type: str) -> float:
    """The q-value ``accept`` gives ``media_type``: its most specific match wins (RFC 9110)."""
    wildcard = media_type.split("/")[0] + "/*"
    best_q, best_rank = 0.0, -1
    for item in accept.split(","):
        kind, _, params = item.partition(";")
        kind = kind.strip().lower()
        rank = {media_type: 2, wildcard: 1, "*/*": 0}.get(kind, -1)
        if rank > best_rank:
            best_q, best_rank = _q_param(params), rank
    return best_q


def _q_param(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return 0.0
            # NaN and out-of-range values fail this test and count as "not acceptable".
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0
