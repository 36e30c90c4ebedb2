"""Public channels over the seeded markets (spot, and the futures market over the same walk): ticker,
candles, books (snapshot + deltas), fixed-depth books, trades. Each topic's data is computed once per
change and shared by every subscriber.

The markets are functions of the clock's walk step, so a topic changes only when the step does; a
`books` topic remembers the levels it last pushed, and its deltas turn exactly those into the book
REST answers now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from ..routes.mix_market import ticker_view as futures_ticker_view
from ..state.catalog import PRODUCT_TYPES
from ..state.futures_market import FuturesMarket
from ..state.futures_series import FuturesSeries
from ..state.market import Market
from ..state.pricewalk import step_of
from ..views import candle_row, plain, ticker_view, trade_view
from .books import Level, checksum, delta, wire_levels
from .protocol import BOOK_DEPTHS, CANDLES, SNAPSHOT, SPOT, UPDATE, Topic

SNAPSHOT_TRADES = 50  # recent trades in a `trade` snapshot
SNAPSHOT_CANDLES = 50
MAX_TRADES_PER_PUSH = 100  # a long clock jump pushes only the newest trades


@dataclass
class TopicState:
    step: int
    seq: int = 0
    asks: list[Level] = field(default_factory=list)
    bids: list[Level] = field(default_factory=list)
    bucket: int | None = None  # start of the candle last pushed


Pushed = tuple[bytes, bytes]  # (action, data as JSON)


class Source(Protocol):
    """One product's public market data, as the socket's items (strings as REST writes them)."""

    def book(self, target: str, now_ms: int, depth: int | None) -> tuple[list[Level], list[Level]]: ...
    def ticker(self, target: str, now_ms: int) -> dict[str, Any]: ...
    def trades(self, target: str, now_ms: int, count: int) -> list[dict[str, str]]: ...
    def candles(self, target: str, interval: str, now_ms: int, count: int) -> list[list[str]]: ...


class SpotSource:
    def __init__(self, market: Market) -> None:
        self.market = market

    def book(self, target: str, now_ms: int, depth: int | None) -> tuple[list[Level], list[Level]]:
        sym = self.market.symbol(target)
        return wire_levels(self.market.book(sym, now_ms), sym.price_precision, depth)

    def ticker(self, target: str, now_ms: int) -> dict[str, Any]:
        return spot_ticker_item(ticker_view(self.market.ticker(self.market.symbol(target), now_ms)))

    def trades(self, target: str, now_ms: int, count: int) -> list[dict[str, str]]:
        sym = self.market.symbol(target)
        return [_trade_item(trade_view(sym, t)) for t in self.market.trades(sym, now_ms, count)]

    def candles(self, target: str, interval: str, now_ms: int, count: int) -> list[list[str]]:
        sym = self.market.symbol(target)
        rows = self.market.candles(sym, CANDLES[interval], now_ms, None, None, count)
        return [candle_row(c, sym.price_precision) for c in rows]


class FuturesSource:
    """A futures product's contracts (REST's mix market data: merge-depth, ticker, candles, fills)."""

    def __init__(self, market: FuturesMarket, series: FuturesSeries, product: str) -> None:
        self.market = market
        self.series = series
        self.product = product

    def book(self, target: str, now_ms: int, depth: int | None) -> tuple[list[Level], list[Level]]:
        c = self.market.contract(self.product, target)
        return wire_levels(self.market.book(c, now_ms), c.price_place, depth)

    def ticker(self, target: str, now_ms: int) -> dict[str, Any]:
        c = self.market.contract(self.product, target)
        return futures_ticker_item(futures_ticker_view(self.market, c, now_ms),
                                   self.market.next_funding_ms(c, now_ms))

    def trades(self, target: str, now_ms: int, count: int) -> list[dict[str, str]]:
        c = self.market.contract(self.product, target)
        return [{"ts": str(t.ts), "price": plain(t.price), "size": plain(t.size), "side": t.side,
                 "tradeId": str(t.trade_id)} for t in self.series.trades(c, now_ms, count)]

    def candles(self, target: str, interval: str, now_ms: int, count: int) -> list[list[str]]:
        c = self.market.contract(self.product, target)
        rows = self.series.candles(c, interval, "MARKET", now_ms, None, None, count)
        # the spot channel's 8 elements (A.8: the same for futures), values written as REST's mix candles
        return [[str(k.ts), plain(k.open), plain(k.high), plain(k.low), plain(k.close), plain(k.base_volume),
                 plain(k.quote_volume), plain(k.quote_volume)] for k in rows]


class PublicFeeds:
    def __init__(self, market: Market, futures_market: FuturesMarket, futures_series: FuturesSeries) -> None:
        self.sources: dict[str, Source] = {SPOT: SpotSource(market)}
        for product in PRODUCT_TYPES:
            self.sources[product] = FuturesSource(futures_market, futures_series, product)
        self.topics: dict[Topic, TopicState] = {}

    def forget(self, topic: Topic) -> None:
        self.topics.pop(topic, None)

    def snapshot(self, topic: Topic, now_ms: int) -> Pushed:
        """The first push of a new subscription: the topic as it is now (it also becomes the topic's
        reference point, which is the same data every current subscriber already has)."""
        state = self.topics.get(topic)
        step = step_of(now_ms)
        if state is None or state.step != step:
            state = self.topics[topic] = TopicState(step, state.seq if state else 0)
            self._refresh(topic, state, now_ms)
        return SNAPSHOT, self._data(topic, state, now_ms, full=True)

    def update(self, topic: Topic, now_ms: int) -> Pushed | None:
        """The push for subscribers after the clock moved to `now_ms`; None when the topic did not change."""
        state = self.topics.get(topic)
        step = step_of(now_ms)
        if state is None:
            return None
        if state.step == step:
            return None
        backwards = step < state.step
        previous = state.step
        state.step = step
        ch = topic.channel
        source = self.sources[topic.inst_type]
        if ch == "books" and not backwards:
            old_asks, old_bids = state.asks, state.bids
            self._refresh(topic, state, now_ms)
            state.seq += 1
            item: dict[str, Any] = {"asks": delta(old_asks, state.asks), "bids": delta(old_bids, state.bids),
                                    "checksum": checksum(state.bids, state.asks), "seq": str(state.seq)}
            if topic.futures:
                item["pseq"] = str(state.seq - 1)  # futures `books` carry the previous seq (A.8)
            item["ts"] = str(now_ms)
            return UPDATE, orjson.dumps([item])
        if ch == "trade" and not backwards:
            count = min(step - previous, MAX_TRADES_PER_PUSH)
            return UPDATE, orjson.dumps(source.trades(topic.target, now_ms, count))
        if ch.startswith("candle") and not backwards:
            rows = source.candles(topic.target, ch[6:], now_ms, 2)
            bucket = int(rows[-1][0])
            rolled = state.bucket is not None and bucket != state.bucket
            state.bucket = bucket
            return UPDATE, orjson.dumps(rows[-2:] if rolled else rows[-1:])
        self._refresh(topic, state, now_ms)
        if backwards or ch in BOOK_DEPTHS:  # fixed-depth books are whole snapshots; so is a step back
            if ch == "books":
                state.seq += 1
            return SNAPSHOT, self._data(topic, state, now_ms, full=True)
        return UPDATE, self._data(topic, state, now_ms, full=False)

    # -- data ---------------------------------------------------------------------------
    def _refresh(self, topic: Topic, state: TopicState, now_ms: int) -> None:
        ch = topic.channel
        source = self.sources[topic.inst_type]
        if ch in BOOK_DEPTHS:
            state.asks, state.bids = source.book(topic.target, now_ms, BOOK_DEPTHS[ch])
        elif ch.startswith("candle"):
            state.bucket = int(source.candles(topic.target, ch[6:], now_ms, 1)[0][0])

    def _data(self, topic: Topic, state: TopicState, now_ms: int, full: bool) -> bytes:
        ch = topic.channel
        source = self.sources[topic.inst_type]
        if ch == "ticker":
            return orjson.dumps([source.ticker(topic.target, now_ms)])
        if ch in BOOK_DEPTHS:
            item: dict[str, object] = {"asks": state.asks, "bids": state.bids,
                                       "checksum": checksum(state.bids, state.asks)}
            if ch == "books":
                item["seq"] = str(state.seq)
                if topic.futures:
                    item["pseq"] = str(max(state.seq - 1, 0))
            item["ts"] = str(now_ms)
            return orjson.dumps([item])
        if ch == "trade":
            return orjson.dumps(source.trades(topic.target, now_ms, SNAPSHOT_TRADES))
        return orjson.dumps(source.candles(topic.target, ch[6:], now_ms, SNAPSHOT_CANDLES if full else 1))


def spot_ticker_item(rest: dict[str, str]) -> dict[str, str]:
    """The socket's spot ticker item from the REST ticker of the same moment (A.8's field names)."""
    return {
        "instId": rest["symbol"], "lastPr": rest["lastPr"], "open24h": rest["open"], "high24h": rest["high24h"],
        "low24h": rest["low24h"], "change24h": rest["change24h"], "bidPr": rest["bidPr"], "askPr": rest["askPr"],
        "bidSz": rest["bidSz"], "askSz": rest["askSz"], "baseVolume": rest["baseVolume"],
        "quoteVolume": rest["quoteVolume"], "openUtc": rest["openUtc"], "changeUtc24h": rest["changeUtc24h"],
        "ts": rest["ts"],
    }


def futures_ticker_item(rest: dict[str, Any], next_funding_ms: int) -> dict[str, Any]:
    """The socket's futures ticker item from REST's mix ticker of the same moment (A.8: the spot fields
    plus funding, mark, index, open interest; `symbolType` the number 1, a perpetual, as JKorf's fixture)."""
    return {
        "instId": rest["symbol"], "lastPr": rest["lastPr"], "bidPr": rest["bidPr"], "askPr": rest["askPr"],
        "bidSz": rest["bidSz"], "askSz": rest["askSz"], "open24h": rest["open24h"], "high24h": rest["high24h"],
        "low24h": rest["low24h"], "change24h": rest["change24h"], "fundingRate": rest["fundingRate"],
        "nextFundingTime": str(next_funding_ms), "markPrice": rest["markPrice"], "indexPrice": rest["indexPrice"],
        "holdingAmount": rest["holdingAmount"], "baseVolume": rest["baseVolume"], "quoteVolume": rest["quoteVolume"],
        "openUtc": rest["openUtc"], "changeUtc24h": rest["changeUtc24h"], "symbolType": 1, "symbol": rest["symbol"],
        "deliveryPrice": "0", "ts": rest["ts"],
    }


def _trade_item(rest: dict[str, str]) -> dict[str, str]:
    """The `trade` channel's item (A.8: ts, price, size, side, tradeId), from REST's trade of the moment."""
    return {"ts": rest["ts"], "price": rest["price"], "size": rest["size"], "side": rest["side"],
            "tradeId": rest["tradeId"]}
