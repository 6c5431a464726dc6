"""A memo of a function's last call, for texts that several analyzers read in turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["LastCall"]

T = TypeVar("T")


class LastCall(Generic[T]):
    """func(text), remembering the answer for the last text object it was given.

    Indexing runs the word, syllable and pair analyzers over the same string one after another;
    each would otherwise redo the same pyvi units or normalisation. The memo is keyed by identity
    and held as one tuple, so threads sharing it read a consistent pair; it is a pure cache of a
    pure function, which is why it may live at module level.
    """

    __slots__ = ("_func", "_last")

    def __init__(self, func: Callable[[str], T]) -> None:
        self._func = func
        self._last: tuple[str, T] | None = None

    def __call__(self, text: str) -> T:
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        value = self._func(text)
        self._last = (text, value)
        return value
