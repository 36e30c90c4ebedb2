"""Newest-first pages over an account's futures records (orders, fills, bills, closed positions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..orders import BySymbol

T = TypeVar("T")


@dataclass(frozen=True)
class FuturesPage:
    """The filters the listing endpoints share: symbol, idLessThan, startTime/endTime, limit."""

    symbol: str | None = None
    before: int | None = None
    start: int | None = None
    end: int | None = None
    limit: int = 100
    keep: Callable[[Any], bool] | None = None  # a further filter (orderId, businessType, coin, ...)


def page(index: BySymbol[T], p: FuturesPage, ctime: Callable[[T], int]) -> list[T]:
    """Up to `limit` items, id below `before`, cTime within [start, end], newest first."""
    out: list[T] = []
    for item in index.scope(p.symbol).newest(p.before):
        t = ctime(item)
        if p.start is not None and t < p.start:
            break  # older ones follow: ids grow with time
        if (p.end is not None and t > p.end) or (p.keep is not None and not p.keep(item)):
            continue
        out.append(item)
        if len(out) >= p.limit:
            break
    return out
