"""Market values the state hands out (Decimals and ms ints): candles, public trades, tickers. views.py renders them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import SpotSymbol


@dataclass(frozen=True)
class Candle:
    ts: int  # the bucket's start
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    base_volume: Decimal  # 0 for mark and index candles (Bitget's mark-candle example shows "0")
    quote_volume: Decimal


@dataclass(frozen=True)
class PublicTrade:
    trade_id: int
    price: Decimal
    size: Decimal
    side: str  # "buy" when the price did not fall from the step before
    ts: int


@dataclass(frozen=True, eq=False)
class Ticker:
    """A spot symbol's 24 h statistics and best prices at one walk step. Compared (and hashed) by identity:
    the market hands out one per symbol and step, so its rendered view can be memoised on it."""

    sym: SpotSymbol
    high24h: Decimal
    open: Decimal
    low24h: Decimal
    last: Decimal
    quote_volume: Decimal
    base_volume: Decimal
    bid: Decimal
    ask: Decimal
    bid_size: Decimal
    ask_size: Decimal
    open_utc: Decimal
    ts: int  # when it was computed (the first request of its walk step)
