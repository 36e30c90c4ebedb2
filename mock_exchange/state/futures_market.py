"""Futures (mix) market data over the spot price walk: last, mark and index prices, the book futures orders
match against, funding rates and their schedule, open interest, 24 h statistics.

Everything is a pure function of (seed, contract, clock time), like the spot market (`state/market.py`):
the same seed and clock give the same answers, the clock may jump either way, and the answers agree
with each other. A contract follows the spot walk of its `spot_symbol` (BTCUSDT, BTCUSD and BTCPERP
follow spot BTCUSDT; ETHUSDT and ETHPERP follow spot ETHUSDT), on its own tick grid.

Interface for the futures trading engine (names are kept stable; see docs/futures-market.md):

- `contract(product_type, symbol)`, `contracts(product_type)`: catalog lookups (demo types mirrored).
- `last_price(c, now_ms)`, `mark_price(c, now_ms)`, `index_price(c, now_ms)`: Decimal prices
  (`prices(c, now_ms)` gives all three and the open interest at once).
- `book(c, now_ms)`: a `market.Book` on the contract's tick/lot grid; orders match against it.
- `funding_rate(c, now_ms)`: the rate the next settlement will apply, as `current-fund-rate` shows it.
- `next_funding_ms(c, now_ms)`, `settlements(c, after_ms, upto_ms)`, `settled_rate(c, settle_ms)`.
- `funding_history(c, now_ms, offset, limit)`: past settlements, newest first.
- `open_interest(c, now_ms)`: synthetic open interest in base coin.
- `stats(c, now_ms)`: the 24 h figures a ticker shows.
Candles and public trades are in `state/futures_series.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from ..errors import PARAM_NOT_FOUND, BitgetError
from .catalog import CONTRACTS, CONTRACTS_BY_KEY, DEMO_PRODUCT_TYPES, SYMBOLS_BY_NAME, Contract, SpotSymbol
from .constants import DAY_MS
from .market import BOOK_DEPTH, CACHE_ENTRIES, Book, Level, Market
from .pricewalk import STEP_MS, unit

D = Decimal
HOUR_MS = 3_600_000
# |mark - last| and |index - last| stay within this fraction of the walk's price (plus half a tick of rounding)
BASIS_BOUND = 0.001
# (period in walk steps, weight): the basis drifts over minutes, hours and a day, so an 8 h average of
# the premium still varies from one funding interval to the next
_BASIS_LAYERS: tuple[tuple[int, float], ...] = ((600, 0.2), (14_400, 0.3), (86_400, 0.5))
_MARK_SERIES, _INDEX_SERIES, _OI_SERIES, _BOOK_SERIES = 1000, 2000, 3000, 4000
# Bitget's funding formula (support article 12560603838070, from 2025-09-22):
# F = clamp([P + clamp(I - P, -0.05 %, 0.05 %)] / (8 / N), minFundingRate, maxFundingRate), I = 0.01 %,
# P the average premium index over the interval, N the interval in hours.
INTEREST = D("0.0001")
DAMPER = D("0.0005")
PREMIUM_SAMPLES = 16  # the premium is averaged at this many evenly spaced instants of the interval
RATE_PLACES = D("0.000001")  # Bitget shows funding rates with 6 decimals ("0.000068")
# open interest, as a notional in the quote coin around which the synthetic figure wanders (+/- 15 %)
_OI_NOTIONAL = {"BTCUSDT": 3.0e9, "ETHUSDT": 1.5e9, "BTCUSD": 4.0e8, "BTCPERP": 1.0e8, "ETHPERP": 5.0e7}


@dataclass(frozen=True)
class FundingRecord:
    """One funding settlement: its time and the rate applied."""

    funding_time: int
    rate: Decimal


@dataclass(frozen=True)
class Prices:
    """A contract's prices at one walk step."""

    step: int
    last: Decimal
    mark: Decimal
    index: Decimal
    open_interest: Decimal  # base coin


@dataclass(frozen=True)
class DayStats:
    """The 24 h figures of a futures ticker."""

    open24h: Decimal
    high24h: Decimal
    low24h: Decimal
    open_utc: Decimal
    base_volume: Decimal
    quote_volume: Decimal


def _wave(seed: int, series: int, step: int) -> float:
    """Smooth deterministic noise in [-1, 1]: weighted layers of interpolated per-period draws."""
    total = 0.0
    for layer, (period, weight) in enumerate(_BASIS_LAYERS):
        k, r = divmod(step, period)
        a = unit(seed, series, layer, k) * 2.0 - 1.0
        b = unit(seed, series, layer, k + 1) * 2.0 - 1.0
        f = r / period
        total += weight * (a + (b - a) * f * f * (3.0 - 2.0 * f))
    return total


def merge_levels(levels: tuple[Level, ...], step: Decimal, asks: bool) -> list[Level]:
    """Levels merged onto a coarser price grid (merge-depth's `precision`): asks round up, bids down,
    sizes at the same merged price summed; the order of the levels is kept."""
    out: list[Level] = []
    rounding = ROUND_CEILING if asks else ROUND_DOWN
    for lv in levels:
        price = (lv.price / step).to_integral_value(rounding) * step
        if out and out[-1].price == price:
            out[-1] = Level(price, out[-1].size + lv.size)
        else:
            out.append(Level(price, lv.size))
    return out


class FuturesMarket:
    """The futures market data of one seed. Holds only caches; its answers depend on the time asked."""

    def __init__(self, seed: int, market: Market) -> None:
        self.seed = seed
        self.market = market
        self._books: dict[tuple[str, int], Book] = {}
        self._latest: dict[str, Book] = {}  # symbol -> its newest book: every order asks
        self._rates: dict[tuple[str, int], Decimal] = {}
        self._prices: dict[str, Prices] = {}  # symbol -> its newest prices: every order asks
        self._stats: dict[tuple[str, int], DayStats] = {}  # 24 h figures: ~150 walk prices each

    # -- lookups ------------------------------------------------------------------------
    @staticmethod
    def contract(product_type: str, symbol: str) -> Contract:
        """The contract `symbol` (any case) of a product type (demo types map onto the real ones); 40034."""
        real = DEMO_PRODUCT_TYPES.get(product_type, product_type)
        found = CONTRACTS_BY_KEY.get((real, symbol)) or CONTRACTS_BY_KEY.get((real, symbol.upper()))
        if found is None:
            raise BitgetError(PARAM_NOT_FOUND, symbol)
        return found

    @staticmethod
    def contracts(product_type: str) -> tuple[Contract, ...]:
        real = DEMO_PRODUCT_TYPES.get(product_type, product_type)
        return tuple(c for c in CONTRACTS if c.product_type == real)

    # -- prices -------------------------------------------------------------------------
    def _spot(self, c: Contract) -> SpotSymbol:
        return SYMBOLS_BY_NAME[c.spot_symbol]

    def mid(self, c: Contract, step: int) -> float:
        return self.market.mid(self._spot(c), step)

    def price_at(self, c: Contract, step: int) -> Decimal:
        """The last traded price at a walk step: the spot walk on the contract's tick grid."""
        return c.to_tick(D(repr(self.mid(c, step))))

    def mark_basis(self, c: Contract, step: int) -> float:
        return BASIS_BOUND * _wave(self.seed, _MARK_SERIES + c.index, step)

    def index_basis(self, c: Contract, step: int) -> float:
        return BASIS_BOUND * _wave(self.seed, _INDEX_SERIES + c.index, step)

    def mark_at(self, c: Contract, step: int) -> Decimal:
        """The mark price at a walk step, on the tick grid."""
        return c.to_tick(D(repr(self.mid(c, step) * (1.0 + self.mark_basis(c, step)))))

    def index_at(self, c: Contract, step: int) -> Decimal:
        """The index price at a walk step, two decimals finer than the tick (Bitget's index has more places)."""
        places = D(1).scaleb(-(c.price_place + 2))
        return D(repr(self.mid(c, step) * (1.0 + self.index_basis(c, step)))).quantize(places)

    def prices(self, c: Contract, now_ms: int) -> Prices:
        """Last, mark and index prices and open interest at `now_ms`, computed once per walk step."""
        step = now_ms // STEP_MS
        cached = self._prices.get(c.symbol)
        if cached is not None and cached.step == step:
            return cached
        mark = self.mark_at(c, step)
        oi_notional = _OI_NOTIONAL[c.symbol] * (1.0 + 0.15 * _wave(self.seed, _OI_SERIES + c.index, step))
        oi = D(repr(oi_notional / float(mark))).quantize(c.lot, rounding=ROUND_DOWN)
        fresh = self._prices[c.symbol] = Prices(step, self.price_at(c, step), mark, self.index_at(c, step), oi)
        return fresh

    def last_price(self, c: Contract, now_ms: int) -> Decimal:
        """The last traded price: the best bid or the best ask of `book(c, now_ms)`."""
        return self.prices(c, now_ms).last

    def mark_price(self, c: Contract, now_ms: int) -> Decimal:
        return self.prices(c, now_ms).mark

    def index_price(self, c: Contract, now_ms: int) -> Decimal:
        return self.prices(c, now_ms).index

    # -- the book -----------------------------------------------------------------------
    def book(self, c: Contract, now_ms: int) -> Book:
        """The synthetic book at `now_ms`: asks ascending, bids descending, every price on the tick grid and
        every size a multiple of the lot; the last price is the best bid or the best ask."""
        step = now_ms // STEP_MS
        latest = self._latest.get(c.symbol)
        if latest is not None and latest.step == step:
            return latest
        key = (c.symbol, step)
        cached = self._books.get(key)
        if cached is None:
            if len(self._books) > CACHE_ENTRIES:
                self._books.clear()
            cached = self._books[key] = self._build_book(c, step)
        self._latest[c.symbol] = cached
        return cached

    def _build_book(self, c: Contract, step: int) -> Book:
        mid = self.mid(c, step)
        last = self.price_at(c, step)
        tick = c.tick
        best_bid = c.to_tick(D(repr(mid)), ROUND_DOWN)
        best_ask = best_bid + tick if best_bid == last else last
        gap = tick * max(1, round(mid * 0.00002 / float(tick)))
        asks, bids = [], []
        for i in range(BOOK_DEPTH):
            ask, bid = best_ask + gap * i, best_bid - gap * i
            asks.append(Level(ask, self._level_size(c, step, i, ask, 1)))
            if bid > 0:
                bids.append(Level(bid, self._level_size(c, step, i, bid, 2)))
        return Book(step, tuple(asks), tuple(bids))

    def _level_size(self, c: Contract, step: int, level: int, price: Decimal, side: int) -> Decimal:
        # futures books are deeper than spot's: 2k-50k of quote per level, growing away from the touch
        u = unit(self.seed, _BOOK_SERIES + c.index, side, step, level)
        notional = (2000.0 + 48000.0 * u) * (1 + level * 0.05)
        size = D(repr(notional / float(price))).quantize(c.lot, rounding=ROUND_DOWN)
        return max(size, c.lot)

    # -- funding ------------------------------------------------------------------------
    def interval_ms(self, c: Contract) -> int:
        return c.fund_interval_hours * HOUR_MS

    def next_funding_ms(self, c: Contract, now_ms: int) -> int:
        """The first settlement strictly after `now_ms` (00:00, 08:00, 16:00 UTC for an 8 h interval)."""
        interval = self.interval_ms(c)
        return (now_ms // interval + 1) * interval

    def settlements(self, c: Contract, after_ms: int, upto_ms: int) -> list[int]:
        """Settlement times t with after_ms < t <= upto_ms, oldest first (what a clock jump passed)."""
        interval = self.interval_ms(c)
        first = (after_ms // interval + 1) * interval
        return list(range(first, upto_ms + 1, interval)) if first <= upto_ms else []

    def premium(self, c: Contract, step: int) -> float:
        """The premium index at a walk step: (mark - index) / index, before rounding."""
        return (1.0 + self.mark_basis(c, step)) / (1.0 + self.index_basis(c, step)) - 1.0

    def funding_rate(self, c: Contract, now_ms: int) -> Decimal:
        """The rate the next settlement applies, from the premium averaged over the interval so far
        (PREMIUM_SAMPLES instants up to now), by Bitget's formula; within the contract's bounds."""
        step = now_ms // STEP_MS
        key = (c.symbol, step)
        cached = self._rates.get(key)
        if cached is not None:
            return cached
        interval = self.interval_ms(c)
        start = (now_ms // interval) * interval
        spacing = interval // PREMIUM_SAMPLES
        instants = [t for t in range(start, start + interval, spacing) if t < now_ms] + [now_ms]
        avg = sum(self.premium(c, t // STEP_MS) for t in instants) / len(instants)
        p = D(repr(avg))
        rate = (p + min(max(INTEREST - p, -DAMPER), DAMPER)) / (D(8) / c.fund_interval_hours)
        rate = min(max(rate, c.min_funding_rate), c.max_funding_rate).quantize(RATE_PLACES, ROUND_HALF_EVEN)
        if len(self._rates) > 4 * CACHE_ENTRIES:
            self._rates.clear()
        self._rates[key] = rate
        return rate

    def settled_rate(self, c: Contract, settle_ms: int) -> Decimal:
        """The rate applied at the settlement at `settle_ms`: what `funding_rate` showed just before it."""
        return self.funding_rate(c, settle_ms - 1)

    def funding_history(self, c: Contract, now_ms: int, offset: int, limit: int) -> list[FundingRecord]:
        """Past settlements (at or before now), newest first, skipping `offset` of them, at most `limit`."""
        interval = self.interval_ms(c)
        newest = (now_ms // interval) * interval - offset * interval
        return [FundingRecord(t, self.settled_rate(c, t)) for t in range(newest, newest - limit * interval, -interval)]

    # -- open interest and 24 h figures ------------------------------------------------
    def open_interest(self, c: Contract, now_ms: int) -> Decimal:
        """Synthetic open interest in base coin: a notional that wanders +/- 15 % by the hour, at the mark."""
        return self.prices(c, now_ms).open_interest

    def stats(self, c: Contract, now_ms: int) -> DayStats:
        """Open, high and low over the last 24 h (sampled every 10 min), the UTC-day open, synthetic volumes."""
        step = now_ms // STEP_MS
        key = (c.symbol, step)
        cached = self._stats.get(key)
        if cached is None:
            if len(self._stats) > CACHE_ENTRIES:
                self._stats.clear()
            cached = self._stats[key] = self._day_stats(c, now_ms)
        return cached

    def _day_stats(self, c: Contract, now_ms: int) -> DayStats:
        step = now_ms // STEP_MS
        day_steps = DAY_MS // STEP_MS
        last = self.price_at(c, step)
        open_ = self.price_at(c, step - day_steps)
        samples = [self.price_at(c, step - k * 600) for k in range(day_steps // 600)] + [open_, last]
        utc_open = self.price_at(c, (now_ms // DAY_MS) * DAY_MS // STEP_MS)
        daily = 1000.0 + 9000.0 * unit(self.seed, c.index, 500, now_ms // DAY_MS)
        base_vol = D(repr(daily * 600000 / float(last))).quantize(c.lot, rounding=ROUND_DOWN)
        high, low = max(samples), min(samples)
        quote_vol = (base_vol * (high + low) / 2).quantize(D("0.0001"), rounding=ROUND_DOWN)
        return DayStats(open_, high, low, utc_open, base_vol, quote_vol)
