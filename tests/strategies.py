"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def json_like(
    base: st.SearchStrategy[Any],
    *,
    keys: st.SearchStrategy[str] | None = None,
    max_size: int = 3,
    max_leaves: int = 8,
) -> st.SearchStrategy[Any]:
    """JSON-shaped values: ``base`` leaves nested in lists and dicts (keys from ``keys``)."""
    key_strategy = st.text(max_size=5) if keys is None else keys

    # A named function, not a lambda: Hypothesis checks that ``extend`` uses its argument
    # by reading its source, which fails for some lambdas under pytest-xdist.
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.lists(children, max_size=max_size) | st.dictionaries(
            key_strategy, children, max_size=max_size
        )

    return st.recursive(base, extend, max_leaves=max_leaves)
