"""Batches with partial success (Bitget's batch endpoints answer per item, HTTP 200 throughout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..errors import BitgetError

T = TypeVar("T")
R = TypeVar("R")


def each(items: list[T | BitgetError], act: Callable[[T], R]) -> list[R | BitgetError]:
    """Act on each item on its own; an error, given in place of an item or raised by `act`, takes its
    place in the answer and the batch goes on."""
    out: list[R | BitgetError] = []
    for item in items:
        if isinstance(item, BitgetError):
            out.append(item)
            continue
        try:
            out.append(act(item))
        except BitgetError as exc:
            out.append(exc)
    return out
