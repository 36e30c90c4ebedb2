"""The seeded market: tickers, order books, candles and recent trades over the price walk, as values.

Everything here is a pure function of (seed, symbol, clock time), cached per walk step, so the
same seed and the same clock give the same answers and the market endpoints agree with each
other: the last price is the newest trade's price and sits at the best bid or the best ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from ..errors import PARAM_NOT_FOUND, BitgetError
from .catalog import SPOT_SYMBOLS, SYMBOLS_BY_NAME, SpotSymbol
from .constants import DAY_MS
from .pricewalk import STEP_MS, price_at_step, prices_down, step_of, unit
from .values import Candle, PublicTrade, Ticker

D = Decimal
BOOK_DEPTH = 150
# A public trade's id encodes its walk step and symbol: TRADE_ID_BASE + step * TRADE_ID_STRIDE + index.
TRADE_ID_BASE = 1_000_000_000_000_000_000
TRADE_ID_STRIDE = 16
TRADE_HISTORY_MS = 30 * DAY_MS  # how far back fills-history reaches (Bitget: "data within 30 days")
# Books and tickers cached, a few walk steps per symbol: requests ask for the current step, and a
# cached book holds ~90 KiB (300 levels), so a larger cache only grows the server's memory.
CACHE_ENTRIES = 32
_UTC8_MS = 8 * 3600 * 1000

# granularity -> (length in ms or None for calendar months, offset of the bucket grid)
GRANULARITIES: dict[str, tuple[int | None, int]] = {
    "1min": (60_000, 0), "3min": (180_000, 0), "5min": (300_000, 0), "15min": (900_000, 0),
    "30min": (1_800_000, 0), "1h": (3_600_000, 0), "4h": (14_400_000, 0), "6h": (21_600_000, 0),
    "12h": (43_200_000, 0), "1day": (DAY_MS, -_UTC8_MS), "3day": (3 * DAY_MS, -_UTC8_MS),
    "1week": (7 * DAY_MS, -_UTC8_MS - 3 * DAY_MS), "1M": (None, -_UTC8_MS),
    "6Hutc": (21_600_000, 0), "12Hutc": (43_200_000, 0), "1Dutc": (DAY_MS, 0),
    "3Dutc": (3 * DAY_MS, 0), "1Wutc": (7 * DAY_MS, -3 * DAY_MS), "1Mutc": (None, 0),
}


@dataclass(frozen=True)
class Level:
    price: Decimal
    size: Decimal


@dataclass(frozen=True)
class Book:
    step: int
    asks: tuple[Level, ...]  # ascending price
    bids: tuple[Level, ...]  # descending price


class Market:
    """The market data of one seed. Holds only caches; its answers depend on the time asked."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._books: dict[tuple[str, int], Book] = {}
        self._tickers: dict[tuple[str, int], Ticker] = {}
        self._last: dict[str, tuple[int, Decimal]] = {}  # symbol -> (step, price): every order asks
        self._latest: dict[str, Book] = {}  # symbol -> its newest book: every order asks too

    # -- lookups ------------------------------------------------------------------------
    @staticmethod
    def symbol(name: str) -> SpotSymbol:
        found = SYMBOLS_BY_NAME.get(name)
        if found is None:
            found = SYMBOLS_BY_NAME.get(name.upper())
        if found is None:
            raise BitgetError(PARAM_NOT_FOUND, name)
        return found

    # -- the walk -----------------------------------------------------------------------
    def mid(self, sym: SpotSymbol, step: int) -> float:
        return price_at_step(self.seed, sym.index, float(sym.base_price), step)

    def price(self, sym: SpotSymbol, step: int) -> Decimal:
        """The traded price at a walk step, on the symbol's tick grid."""
        return D(repr(self.mid(sym, step))).quantize(sym.tick)

    def last_price(self, sym: SpotSymbol, now_ms: int) -> Decimal:
        step = now_ms // STEP_MS
        cached = self._last.get(sym.symbol)
        if cached is not None and cached[0] == step:
            return cached[1]
        price = self.price(sym, step)
        self._last[sym.symbol] = (step, price)
        return price

    def _gap_ticks(self, sym: SpotSymbol, mid: float) -> int:
        return max(1, round(mid * 0.00002 / float(sym.tick)))

    def book(self, sym: SpotSymbol, now_ms: int) -> Book:
        step = now_ms // STEP_MS
        latest = self._latest.get(sym.symbol)
        if latest is not None and latest.step == step:
            return latest
        key = (sym.symbol, step)
        cached = self._books.get(key)
        if cached is None:
            if len(self._books) > CACHE_ENTRIES:
                self._books.clear()
            cached = self._books[key] = self._build_book(sym, step)
        self._latest[sym.symbol] = cached
        return cached

    def _build_book(self, sym: SpotSymbol, step: int) -> Book:
        mid = self.mid(sym, step)
        last = self.price(sym, step)
        tick = sym.tick
        # best bid/ask straddle the mid; the last trade printed at one of them
        best_bid = D(repr(mid)).quantize(tick, rounding=ROUND_DOWN)
        if best_bid == last:
            best_ask = best_bid + tick
        else:
            best_ask = last
        gap = tick * self._gap_ticks(sym, mid)
        asks = []
        bids = []
        for i in range(BOOK_DEPTH):
            ask = best_ask + gap * i
            bid = best_bid - gap * i
            asks.append(Level(ask, self._level_size(sym, step, i, ask, 1)))
            if bid > 0:
                bids.append(Level(bid, self._level_size(sym, step, i, bid, 2)))
        return Book(step, tuple(asks), tuple(bids))

    def _level_size(self, sym: SpotSymbol, step: int, level: int, price: Decimal, side: int) -> Decimal:
        notional = (200.0 + 4800.0 * unit(self.seed, sym.index, 900 + side, step, level)) * (1 + level * 0.05)
        size = D(repr(notional / float(price))).quantize(sym.lot, rounding=ROUND_DOWN)
        return max(size, sym.lot)

    # -- statistics ----------------------------------------------------------------------
    def ticker(self, sym: SpotSymbol, now_ms: int) -> Ticker:
        step = step_of(now_ms)
        key = (sym.symbol, step)
        cached = self._tickers.get(key)
        if cached is not None:
            return cached
        last = self.price(sym, step)
        day_steps = DAY_MS // STEP_MS
        open_ = self.price(sym, step - day_steps)
        samples = [self.price(sym, step - k * 600) for k in range(day_steps // 600)] + [open_, last]
        high, low = max(samples), min(samples)
        utc_open = self.price(sym, step_of((now_ms // DAY_MS) * DAY_MS))
        base_vol = D(repr(1000.0 + 9000.0 * unit(self.seed, sym.index, 500, now_ms // DAY_MS)))
        base_vol = (base_vol * 60000 / sym.base_price).quantize(sym.lot, rounding=ROUND_DOWN)
        quote_vol = (base_vol * (high + low) / 2).quantize(D("0.0001"), rounding=ROUND_DOWN)
        book = self.book(sym, now_ms)
        ticker = Ticker(sym, high, open_, low, last, quote_vol, base_vol, book.bids[0].price, book.asks[0].price,
                        book.bids[0].size, book.asks[0].size, utc_open, now_ms)
        if len(self._tickers) > CACHE_ENTRIES:
            self._tickers.clear()
        self._tickers[key] = ticker
        return ticker

    def trades(self, sym: SpotSymbol, now_ms: int, limit: int) -> list[PublicTrade]:
        """Recent public trades, newest first: one per walk step, the newest at the last price."""
        step = step_of(now_ms)
        return self._trade_rows(sym, step, step - limit + 1)

    def trade_history(self, sym: SpotSymbol, now_ms: int, before_id: int | None, start: int | None,
                      end: int | None, limit: int) -> list[PublicTrade]:
        """The same trade stream, newest first, paged: trades with id < `before_id` and ts in [start, end],
        at most `limit`, none older than TRADE_HISTORY_MS before now. O(limit) whatever the range."""
        top = step_of(now_ms if end is None else min(end, now_ms))
        if before_id is not None:
            top = min(top, (before_id - TRADE_ID_BASE - sym.index - 1) // TRADE_ID_STRIDE)
        floor = step_of(now_ms - TRADE_HISTORY_MS)
        if start is not None:
            floor = max(floor, -(-start // STEP_MS))  # the first step whose trade is at or after start
        return self._trade_rows(sym, top, max(floor, top - limit + 1))

    def _trade_rows(self, sym: SpotSymbol, top: int, bottom: int) -> list[PublicTrade]:
        """The trades of steps top..bottom (inclusive), newest first; empty when bottom > top."""
        if bottom > top:
            return []
        mids = prices_down(self.seed, sym.index, float(sym.base_price), top, bottom - 1)
        prices = [D(repr(mid)).quantize(sym.tick) for mid in mids]
        out = []
        for i, s in enumerate(range(top, bottom - 1, -1)):
            price = prices[i]
            notional = 50.0 + 2000.0 * unit(self.seed, sym.index, 700, s)
            size = max(D(repr(notional / float(price))).quantize(sym.lot, rounding=ROUND_DOWN), sym.lot)
            side = "buy" if price >= prices[i + 1] else "sell"
            out.append(PublicTrade(TRADE_ID_BASE + s * TRADE_ID_STRIDE + sym.index, price, size, side, s * STEP_MS))
        return out

    def candles(self, sym: SpotSymbol, granularity: str, now_ms: int, start: int | None,
                end: int | None, limit: int) -> list[Candle]:
        length, offset = GRANULARITIES[granularity]
        last_ms = now_ms if end is None else min(end, now_ms)
        starts: list[tuple[int, int]] = []
        t = last_ms
        while len(starts) < limit:
            b0, b1 = bucket(t, length, offset)
            if start is not None and b1 <= start:
                break
            starts.append((b0, b1))
            t = b0 - 1
        spans = [(step_of(b0), step_of(min(b1 - 1, now_ms))) for b0, b1 in starts]
        price = self._prices(sym, [k for s0, s1 in spans for k in _sampled(s0, s1)])
        rows = [self._candle(sym, s0, s1, b0, price) for (s0, s1), (b0, _) in zip(spans, starts, strict=True)]
        rows.reverse()  # Bitget returns candles oldest first
        return rows

    def _prices(self, sym: SpotSymbol, steps: list[int]) -> dict[int, Decimal]:
        """price() at each of `steps`: a dense run (short candles sample every step) is walked once with
        prices_down, which shares the walk's draws between neighbouring steps, bit for bit."""
        wanted = set(steps)
        if not wanted:
            return {}
        low, high = min(wanted), max(wanted)
        if high - low + 1 > 2 * len(wanted):
            return {k: self.price(sym, k) for k in wanted}
        tick = sym.tick
        walk = prices_down(self.seed, sym.index, float(sym.base_price), high, low)
        return {high - i: D(repr(mid)).quantize(tick) for i, mid in enumerate(walk) if high - i in wanted}

    def _candle(self, sym: SpotSymbol, s0: int, s1: int, t0: int, price: dict[int, Decimal]) -> Candle:
        n = s1 - s0
        pts = [price[k] for k in _sampled(s0, s1)]
        o, c = price[s0], price[s1]
        base_vol = D(repr((n + 1) * (0.2 + unit(self.seed, sym.index, 600, s0)) * 100 / float(sym.base_price)))
        base_vol = max(base_vol.quantize(sym.lot, rounding=ROUND_DOWN), sym.lot)
        quote = (base_vol * (o + c) / 2).quantize(D("0.0001"), rounding=ROUND_DOWN)
        return Candle(t0, o, max(pts), min(pts), c, base_vol, quote)

    def all_symbols(self) -> tuple[SpotSymbol, ...]:
        return SPOT_SYMBOLS


def _sampled(s0: int, s1: int) -> list[int]:
    """The walk steps a candle over steps s0..s1 takes its high and low from: up to 60 spread evenly
    from s0, and both ends."""
    n = s1 - s0
    count = min(n, 60)
    return [s0 + (n * k) // count for k in range(count)] + [s0, s1]


def bucket(t: int, length: int | None, offset: int) -> tuple[int, int]:
    """The [start, end) of the candle bucket holding t."""
    if length is not None:
        b0 = ((t - offset) // length) * length + offset
        return b0, b0 + length
    shifted = datetime.fromtimestamp((t - offset) / 1000, tz=UTC)
    first = shifted.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)
    return int(first.timestamp() * 1000) + offset, int(nxt.timestamp() * 1000) + offset
