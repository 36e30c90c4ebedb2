"""Futures candles (last, mark and index prices) and the public trade stream, over `FuturesMarket`'s prices.

Candles sample the same per-step prices as the ticker and the book, so the newest candle closes at the
last (or mark, or index) price the other endpoints show. Public trades are one per walk step, the newest
at the last price, as on the spot side.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Callable

from .catalog import Contract
from .constants import DAY_MS
from .futures_market import FuturesMarket
from .market import TRADE_ID_BASE, TRADE_ID_STRIDE, bucket
from .pricewalk import STEP_MS, prices_down, unit
from .values import Candle, PublicTrade

D = Decimal
_UTC8_MS = 8 * 3600 * 1000
TRADE_HISTORY_MS = 90 * DAY_MS  # fills-history: "transaction records of the last 90 days"
KLINE_TYPES = ("MARKET", "MARK", "INDEX")
CANDLE_SAMPLES = 24  # prices sampled inside a candle for its high and low (a 1000-candle page stays ~0.3 s)

# Bitget's futures granularities -> (length in ms or None for calendar months, offset of the bucket grid);
# the plain day/week/month lines are cut at UTC+8 midnight, the `utc` ones at UTC midnight
# (Get-Candle-Data; the history-candles example's 1W candle opens on Monday 00:00 UTC+8).
GRANULARITIES: dict[str, tuple[int | None, int]] = {
    "1m": (60_000, 0), "3m": (180_000, 0), "5m": (300_000, 0), "15m": (900_000, 0), "30m": (1_800_000, 0),
    "1H": (3_600_000, 0), "2H": (7_200_000, 0), "4H": (14_400_000, 0), "6H": (21_600_000, 0),
    "12H": (43_200_000, 0), "1D": (DAY_MS, -_UTC8_MS), "3D": (3 * DAY_MS, -_UTC8_MS),
    "1W": (7 * DAY_MS, -_UTC8_MS - 3 * DAY_MS), "1M": (None, -_UTC8_MS),
    "6Hutc": (21_600_000, 0), "12Hutc": (43_200_000, 0), "1Dutc": (DAY_MS, 0), "3Dutc": (3 * DAY_MS, 0),
    "1Wutc": (7 * DAY_MS, -3 * DAY_MS), "1Mutc": (None, 0),
}


class FuturesSeries:
    """Candles and public trades of the futures market; stateless beyond the market's caches."""

    def __init__(self, market: FuturesMarket) -> None:
        self.market = market

    def _price_fn(self, c: Contract, kind: str) -> Callable[[int], Decimal]:
        m = self.market
        if kind == "MARK":
            return lambda step: m.mark_at(c, step)
        if kind == "INDEX":
            return lambda step: m.index_at(c, step)
        return lambda step: m.price_at(c, step)

    def candles(self, c: Contract, granularity: str, kind: str, now_ms: int, start: int | None,
                end: int | None, limit: int) -> list[Candle]:
        """Up to `limit` candles, oldest first, the newest holding min(end, now); none before `start`."""
        length, offset = GRANULARITIES[granularity]
        price = self._price_fn(c, kind)
        t = now_ms if end is None else min(end, now_ms)
        spans: list[tuple[int, int]] = []
        while len(spans) < limit:
            b0, b1 = bucket(t, length, offset)
            if start is not None and b1 <= start:
                break
            spans.append((b0, b1))
            t = b0 - 1
        rows = [self._candle(c, price, kind, b0, min(b1 - 1, now_ms)) for b0, b1 in spans]
        rows.reverse()
        return rows

    def _candle(self, c: Contract, price: Callable[[int], Decimal], kind: str, t0: int, t1: int) -> Candle:
        s0, s1 = t0 // STEP_MS, t1 // STEP_MS
        n = s1 - s0
        count = min(n, CANDLE_SAMPLES)
        o, close = price(s0), price(s1)
        pts = [price(s0 + (n * k) // count) for k in range(count)] + [o, close]
        if kind != "MARKET":
            return Candle(t0, o, max(pts), min(pts), close, D(0), D(0))
        base = D(repr((n + 1) * (0.2 + unit(self.market.seed, c.index, 600, s0)) * 1000 / float(o)))
        base = max(base.quantize(c.lot, rounding=ROUND_DOWN), c.lot)
        quote = (base * (o + close) / 2).quantize(D("0.0001"), rounding=ROUND_DOWN)
        return Candle(t0, o, max(pts), min(pts), close, base, quote)

    # -- public trades ------------------------------------------------------------------
    def trades(self, c: Contract, now_ms: int, limit: int) -> list[PublicTrade]:
        """The newest `limit` public trades, newest first; the newest is at the last price, now."""
        step = now_ms // STEP_MS
        return self._rows(c, step, step - limit + 1)

    def trade_history(self, c: Contract, now_ms: int, before_id: int | None, start: int | None,
                      end: int | None, limit: int) -> list[PublicTrade]:
        """The same stream, newest first: id < `before_id`, ts in [start, end], within 90 days of now."""
        top = (now_ms if end is None else min(end, now_ms)) // STEP_MS
        if before_id is not None:
            top = min(top, (before_id - TRADE_ID_BASE - c.index - 1) // TRADE_ID_STRIDE)
        floor = (now_ms - TRADE_HISTORY_MS) // STEP_MS
        if start is not None:
            floor = max(floor, -(-start // STEP_MS))
        return self._rows(c, top, max(floor, top - limit + 1))

    def _rows(self, c: Contract, top: int, bottom: int) -> list[PublicTrade]:
        if bottom > top:
            return []
        spot = self.market.market.symbol(c.spot_symbol)
        mids = prices_down(self.market.seed, spot.index, float(spot.base_price), top, bottom - 1)
        prices = [c.to_tick(D(repr(mid))) for mid in mids]
        out = []
        for i, s in enumerate(range(top, bottom - 1, -1)):
            notional = 500.0 + 20000.0 * unit(self.market.seed, c.index, 700, s)
            size = max(D(repr(notional / float(prices[i]))).quantize(c.lot, rounding=ROUND_DOWN), c.lot)
            side = "buy" if prices[i] >= prices[i + 1] else "sell"
            out.append(PublicTrade(TRADE_ID_BASE + s * TRADE_ID_STRIDE + c.index, prices[i], size, side, s * STEP_MS))
        return out
