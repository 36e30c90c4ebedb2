"""How the mock's orders meet the synthetic market: takers walk the book's levels, resting makers
fill when the price walk crosses (or touches) their price. Pure functions over the market."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from .catalog import SpotSymbol
from .market import Level, Market
from .pricewalk import STEP_MS

# At most this many walk steps are evaluated per symbol per catch-up; longer gaps are sampled.
MAX_SAMPLES = 240


@dataclass(slots=True)
class Take:  # one per order: as cheap to build as a tuple, its fields cheaper to read (see OrderSpec)
    fills: Sequence[tuple[Decimal, Decimal]]  # (price, base size), best level first
    book_exhausted: bool  # the levels ran out before the order did


def take(levels: Sequence[Level], is_buy: bool, lot: Decimal, limit: Decimal | None = None,
         qty: Decimal | None = None, budget: Decimal | None = None) -> Take:
    """What a taker gets from `levels` (best first): up to `qty` base coin, or as much as `budget`
    quote coin buys in whole lots, never at a price worse than `limit`."""
    fills: list[tuple[Decimal, Decimal]] = []
    left = budget if budget is not None else Decimal(0)
    for level in levels:
        if limit is not None and (level.price > limit if is_buy else level.price < limit):
            return Take(fills, False)
        if qty is not None:
            size = min(level.size, qty)
            qty -= size
        else:
            size = min(level.size, (left / level.price).quantize(lot, rounding=ROUND_DOWN))
            left -= size * level.price
        if size > 0:
            fills.append((level.price, size))
        if (qty is not None and qty <= 0) or (qty is None and size < level.size):
            return Take(fills, False)
    return Take(fills, True)


@dataclass(frozen=True)
class Extremes:
    low: Decimal
    low_step: int
    high: Decimal
    high_step: int


def sampled(first: int, last: int) -> Sequence[int]:
    """Walk steps first..last, every one of a short gap, MAX_SAMPLES spread evenly over a long one."""
    count = last - first + 1
    if count <= MAX_SAMPLES:
        return range(first, last + 1)
    span = count - 1
    return [first + (span * i) // (MAX_SAMPLES - 1) for i in range(MAX_SAMPLES)]


def walk_extremes(market: Market, sym: SpotSymbol, first: int, last: int) -> Extremes:
    """The lowest and highest traded price over walk steps first..last (inclusive), evaluating
    every step of short gaps and MAX_SAMPLES evenly spread steps (ends included) of long ones."""
    steps = sampled(first, last)
    lo_step = hi_step = first
    lo, hi = math.inf, -math.inf
    for step in steps:
        mid = market.mid(sym, step)
        if mid < lo:
            lo, lo_step = mid, step
        if mid > hi:
            hi, hi_step = mid, step
    return Extremes(market.price(sym, lo_step), lo_step, market.price(sym, hi_step), hi_step)


def touch_volume(market: Market, sym: SpotSymbol, step: int) -> Decimal:
    """Base coin traded at the walk's price at `step`: the size of that step's public trade, which
    is all a resting order sitting exactly at that price can get."""
    return market.trades(sym, step * STEP_MS, 1)[0].size
