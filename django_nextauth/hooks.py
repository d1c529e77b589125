"""Calling a user hook (``normalize_identifier``, ``rate_limit_key``, ``send``, ...) so that
whatever it raises becomes a refusal, never a 500.

:func:`run_hook` turns any exception into :class:`HookFailed`, whose message names the hook
and the exception's type and nothing else: an exception's own message may quote a
password, an address or a token, so it never reaches a log line or a browser. The flow
that called the hook catches it, logs one line (:func:`describe`) and answers with its
usual error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, iscoroutinefunction

from .exceptions import NextAuthError

__all__ = ["HookFailed", "describe", "run_hook"]

_T = TypeVar("_T")


class HookFailed(NextAuthError):
    """A user hook raised; the message is ``"<hook> hook raised <type>"``."""

    def __init__(self, hook: str, error: BaseException) -> None:
        super().__init__(f"{hook} hook raised {type(error).__name__}")
        self.hook = hook


def run_hook(name: str, hook: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
    """``hook(*args, **kwargs)`` (awaited when it is ``async def``); raises
    :class:`HookFailed` from whatever it raises."""
    try:
        if iscoroutinefunction(hook):
            return async_to_sync(hook)(*args, **kwargs)  # type: ignore[no-any-return]
        return hook(*args, **kwargs)
    except Exception as exc:
        raise HookFailed(name, exc) from exc


def describe(error: BaseException) -> str:
    """What a log line may say about ``error``: a failed hook's name and exception type,
    else the exception's type."""
    return str(error) if isinstance(error, HookFailed) else type(error).__name__
