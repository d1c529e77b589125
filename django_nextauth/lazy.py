"""``LazyRequestAttribute``: the lazy proxy behind ``request.session_user`` and friends;
``RequestCall``, the callable behind ``request.asession_user()``; and ``memo``, the
lock-free ``cached_property`` of the per-request session state.

The one speed trick of the request path. Django's ``SimpleLazyObject`` routes
every attribute access, its own internals included, through a Python-level
``__getattribute__``; the middleware sets three lazy attributes on every request
and a view reads at least one, which costs about 20 such calls per request.
``bench/middleware.py`` prints what this proxy saves on the realistic path (its
"nextauth, SimpleLazyObject" row); it keeps to ``__slots__`` and forwards only
what it lacks. ``tests/test_lazy.py`` pins that it behaves like
``SimpleLazyObject`` for everything a view does with these attributes.

``isinstance`` sees the wrapped object's class. A lazy ``None`` is falsy but is
not ``None``: test ``request.session_token`` by truthiness.

Both hold their request weakly. They live in the request's ``__dict__``, so a strong
reference back would make every request a reference cycle: its environ, cookies and
body kept until the cyclic garbage collector runs (every few dozen requests, as a gen-0
collection) instead of freed when the response is closed. Read them while the request
is served; one first read after its request is gone raises ``ReferenceError``
(``tests/test_request_freed.py``; ``bench/cycles.py`` counts the collections).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from django.http import HttpRequest

__all__ = ["LazyRequestAttribute", "RequestCall", "live_request", "memo"]

_EMPTY: Any = object()


def live_request(request: weakref.ref[HttpRequest]) -> HttpRequest:
    """The request ``request`` refers to; ``ReferenceError`` once it is gone."""
    found = request()
    if found is None:
        raise ReferenceError(
            "A lazy attribute of a request was first used after the request was gone: "
            "read request.session_user and its kin while the request is served."
        )
    return found


class LazyRequestAttribute:
    """A value computed from the request on first use, then kept."""

    __slots__ = ("_factory", "_request", "_value")

    def __init__(self, factory: Callable[[HttpRequest], Any], request: HttpRequest) -> None:
        self._factory = factory
        self._request = weakref.ref(request)  # no cycle through request.__dict__
        self._value = _EMPTY

    def _wrapped(self) -> Any:
        value = self._value
        if value is _EMPTY:
            value = self._value = self._factory(live_request(self._request))
        return value

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self._wrapped())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._wrapped()[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._wrapped()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._wrapped())

    def __len__(self) -> int:
        return len(self._wrapped())

    def __bool__(self) -> bool:
        return bool(self._wrapped())

    def __eq__(self, other: object) -> bool:
        return self._wrapped() == other  # type: ignore[no-any-return]

    def __hash__(self) -> int:
        return hash(self._wrapped())

    def __str__(self) -> str:
        return str(self._wrapped())

    def __repr__(self) -> str:
        if self._value is _EMPTY:
            return f"<{type(self).__name__}: not evaluated>"
        return f"<{type(self).__name__}: {self._value!r}>"

    def __dir__(self) -> list[str]:
        return dir(self._wrapped())


class RequestCall:
    """``functools.partial(func, request)`` for a callable set on the request
    (``request.asession_user``, ``request.auser``), holding the request weakly as
    :class:`LazyRequestAttribute` does."""

    __slots__ = ("_func", "_request")

    def __init__(self, func: Callable[[HttpRequest], Any], request: HttpRequest) -> None:
        self._func = func
        self._request = weakref.ref(request)

    def __call__(self) -> Any:
        return self._func(live_request(self._request))


T = TypeVar("T")


class memo(Generic[T]):  # noqa: N801 (used as a decorator, like cached_property)
    """``functools.cached_property`` without its lock (Python 3.11 takes an ``RLock`` on
    every first read): a per-request state is never shared between threads. The value
    lands in the instance ``__dict__`` under the same name, so ``"name" in __dict__``
    still says whether it was computed."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        value = instance.__dict__[self.name] = self.func(instance)
        return value
