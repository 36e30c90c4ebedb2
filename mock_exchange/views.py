"""Wire views: the one place that turns state values (Decimals, ms ints, value dataclasses) into Bitget JSON.

Bitget sends numbers as decimal strings: `plain` (no exponent, no trailing zeros) for amounts, `fmt`
(exactly the symbol's price decimals) for prices, ms timestamps as strings. The views here are the
ones several modules share; a view used by one route module only lives next to its handler.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: state modules format their error messages with `plain`
    from .state.catalog import SpotSymbol
    from .state.values import Candle, PublicTrade, Ticker
    from .state.wallet import Deposit

_ONE = Decimal(1)
_RATIO_STEP = Decimal("0.0001")


def fmt(value: Decimal, places: int) -> str:
    """A decimal string with exactly `places` decimals (Bitget's string-typed prices)."""
    return format(value.quantize(_ONE.scaleb(-places), rounding=ROUND_DOWN), "f")


def plain(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros: `format(value.normalize(), "f")`."""
    text = str(value)
    if "E" in text or len(text) > 28:  # an exponent, or maybe more digits than normalize() keeps
        text = format(value.normalize(), "f")
    elif "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def ratio(last: Decimal, ref: Decimal) -> str:
    """The change from `ref` to `last` as a fraction with 4 decimals ("0.0123"); "0" when there is no ref."""
    if ref == 0:
        return "0"
    return plain(((last - ref) / ref).quantize(_RATIO_STEP))


@lru_cache(maxsize=256)
def ticker_view(t: Ticker) -> dict[str, str]:
    """A spot ticker. Memoised on the Ticker (hashed by identity: one per symbol and walk step), as every
    tickers request in a step would render the same view; callers must not change the dict."""
    p = t.sym.price_precision
    return {
        "symbol": t.sym.symbol,
        "high24h": fmt(t.high24h, p),
        "open": fmt(t.open, p),
        "low24h": fmt(t.low24h, p),
        "lastPr": fmt(t.last, p),
        "quoteVolume": plain(t.quote_volume),
        "baseVolume": plain(t.base_volume),
        "usdtVolume": plain(t.quote_volume),
        "bidPr": fmt(t.bid, p),
        "askPr": fmt(t.ask, p),
        "bidSz": plain(t.bid_size),
        "askSz": plain(t.ask_size),
        "openUtc": fmt(t.open_utc, p),
        "ts": str(t.ts),
        "changeUtc24h": ratio(t.last, t.open_utc),
        "change24h": ratio(t.last, t.open),
    }


def trade_view(sym: SpotSymbol, t: PublicTrade) -> dict[str, str]:
    return {"symbol": sym.symbol, "tradeId": str(t.trade_id), "side": t.side,
            "price": fmt(t.price, sym.price_precision), "size": plain(t.size), "ts": str(t.ts)}


def candle_row(c: Candle, places: int) -> list[str]:
    """[ts, open, high, low, close, base volume, quote volume, usdt volume] as Bitget's spot candles."""
    return [str(c.ts), fmt(c.open, places), fmt(c.high, places), fmt(c.low, places), fmt(c.close, places),
            plain(c.base_volume), plain(c.quote_volume), plain(c.quote_volume)]


def deposit_view(d: Deposit) -> dict[str, Any]:
    """A deposit as deposit-records lists it (the admin API's deposit answers with it too)."""
    return {
        "orderId": str(d.oid),
        "tradeId": d.tx_hash,
        "coin": d.coin,
        "type": "deposit",
        "size": plain(d.size),
        "status": "success",
        "toAddress": d.to_address,
        "dest": d.dest,
        "chain": d.chain,
        "fromAddress": d.from_address,
        "cTime": str(d.ctime),
        "uTime": str(d.ctime),
    }
