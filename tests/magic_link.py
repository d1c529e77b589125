"""Following a mailed sign-in link as a browser does: GET the confirmation page, read its
form out of the HTML, POST it back (the tests' one way of using a link)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from django.test import Client

FORM = "application/x-www-form-urlencoded"


class _FormReader(HTMLParser):
    """The first POST form: its action and its named inputs' values (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None and values.get("method", "").upper() == "POST":
            self.action, self._inside = values.get("action", ""), True
        elif tag == "input" and self._inside and values.get("name"):
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def read_form(html: str) -> tuple[str, dict[str, str]]:
    """``(action, fields)`` of the page's POST form; fails the test when there is none."""
    reader = _FormReader()
    reader.feed(html)
    assert reader.action is not None, "no POST form on the page"
    return reader.action, reader.fields


def confirm(client: Client, page: Any, **headers: str) -> Any:
    """Submit the confirmation ``page``'s form as the browser does (with its ``Origin``)."""
    assert page.status_code == 200, page
    action, fields = read_form(page.content.decode())
    headers = {"Origin": "http://testserver", **headers}
    return client.post(action, urlencode(fields), content_type=FORM, headers=headers)


def follow_link(client: Client, link: str, **headers: str) -> Any:
    """Open ``link`` and press "Sign in": the answer to the form's POST."""
    return confirm(client, client.get(link), **headers)
