from __future__ import annotations

import pytest
from django.test import RequestFactory

from django_nextauth.negotiation import wants_json

BROWSER_NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_ACCEPT": BROWSER_NAVIGATION}, False),
        ({"HTTP_ACCEPT": "application/json"}, True),
        ({"HTTP_ACCEPT": "application/json;q=0.9, text/html"}, False),
        ({"HTTP_ACCEPT": "text/html;q=0.1, application/json;q=0.2"}, True),
        ({"HTTP_ACCEPT": "application/*, text/html;q=0.5"}, True),
        ({"HTTP_ACCEPT": "text/*;q=0.5, application/json;q=0.4"}, False),
        # The most specific match counts: json is explicitly refused here.
        ({"HTTP_ACCEPT": "*/*, application/json;q=0"}, False),
        ({"HTTP_ACCEPT": "APPLICATION/JSON ; charset=utf-8"}, True),
        # No preference: who is asking decides.
        ({}, False),
        ({"HTTP_ACCEPT": "*/*"}, False),
        ({"HTTP_ACCEPT": "*/*", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}, True),
        ({"HTTP_ACCEPT": "*/*", "HTTP_SEC_FETCH_DEST": "empty"}, True),
        ({"HTTP_SEC_FETCH_DEST": "document"}, False),
        # An explicit preference beats the script hints.
        ({"HTTP_ACCEPT": "text/html", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}, False),
        ({"HTTP_ACCEPT": "application/json", "HTTP_SEC_FETCH_DEST": "document"}, True),
    ],
)
def test_wants_json(headers: dict[str, str], expected: bool) -> None:
    assert wants_json(RequestFactory().get("/", **headers)) is expected


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=abc",
        "application/json;q=nan",
        "application/json;q=2",
        "application/json;q=-1",
        "application/json;q=inf",
        ",,;;==,application/json;q",
        "application/json;q=0",
    ],
)
def test_malformed_or_zero_quality_is_not_acceptable(accept: str) -> None:
    # Never an error; a nonsense q-value counts as "not acceptable", so no JSON preference.
    assert wants_json(RequestFactory().get("/", HTTP_ACCEPT=accept)) is False


def test_q_parameter_among_others() -> None:
    request = RequestFactory().get("/", HTTP_ACCEPT="text/html;level=1;q=0.2, application/json")
    assert wants_json(request) is True
