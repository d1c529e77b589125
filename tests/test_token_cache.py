"""django_nextauth.session.token_cache: the claims handed out are the caller's own.

``copy_claims`` replaces a second JSON parse of the plaintext (a speed trick,
bench/middleware.py's cold rows): its copy must equal a fresh parse and share no
list or dict with the claims the cache keeps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from django_nextauth.session.token_cache import CachedToken, copy_claims
from tests.strategies import json_like

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
objects = st.dictionaries(st.text(), json_like(scalars, keys=st.text(), max_size=4), max_size=6)


def containers(value: Any) -> Iterator[int]:
    """The ids of every dict and list in ``value``."""
    if isinstance(value, dict):
        yield id(value)
        for child in value.values():
            yield from containers(child)
    elif isinstance(value, list):
        yield id(value)
        for child in value:
            yield from containers(child)


@given(objects)
def test_the_copy_is_a_fresh_parse_sharing_no_container(claims: dict[str, Any]) -> None:
    token = CachedToken(json.dumps(claims).encode())
    handed_out = token.claims
    assert handed_out == json.loads(json.dumps(claims)) == token.checked
    assert not set(containers(handed_out)) & set(containers(token.checked))
    assert copy_claims(claims) == claims


def test_changing_the_claims_handed_out_changes_nothing_kept() -> None:
    token = CachedToken(b'{"sub":"1","roles":["staff"],"org":{"teams":[["a"]]}}')
    first = token.claims
    first["roles"].append("admin")
    first["org"]["teams"][0].append("b")
    first["sub"] = "2"
    assert token.checked == {"sub": "1", "roles": ["staff"], "org": {"teams": [["a"]]}}
    assert token.claims == token.checked
