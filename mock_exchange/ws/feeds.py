"""Public channels over the seeded market: ticker, candles, books (snapshot + deltas), fixed-depth books,
trades. Each topic's data is computed once per change and shared by every subscriber.

The market is a function of the clock's walk step, so a topic changes only when the step does; a
`books` topic remembers the levels it last pushed, and its deltas turn exactly those into the book
REST answers now.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from ..state.catalog import SpotSymbol
from ..state.market import Market
from ..state.pricewalk import step_of
from ..state.values import Candle, PublicTrade
from ..views import candle_row, ticker_view, trade_view
from .books import Level, checksum, delta, wire_levels
from .protocol import BOOK_DEPTHS, CANDLES, SNAPSHOT, UPDATE, Topic

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


class PublicFeeds:
    def __init__(self, market: Market) -> None:
        self.market = market
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
        if ch == "books" and not backwards:
            old_asks, old_bids = state.asks, state.bids
            self._refresh(topic, state, now_ms)
            state.seq += 1
            item = {"asks": delta(old_asks, state.asks), "bids": delta(old_bids, state.bids),
                    "checksum": checksum(state.bids, state.asks), "seq": str(state.seq), "ts": str(now_ms)}
            return UPDATE, orjson.dumps([item])
        if ch == "trade" and not backwards:
            sym = self.market.symbol(topic.target)
            count = min(step - previous, MAX_TRADES_PER_PUSH)
            return UPDATE, orjson.dumps(_trades(sym, self.market.trades(sym, now_ms, count)))
        if ch.startswith("candle") and not backwards:
            sym = self.market.symbol(topic.target)
            rows = _candles(sym, self.market.candles(sym, CANDLES[ch[6:]], now_ms, None, None, 2))
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
        if ch in BOOK_DEPTHS:
            sym = self.market.symbol(topic.target)
            state.asks, state.bids = wire_levels(self.market.book(sym, now_ms), sym.price_precision,
                                                 BOOK_DEPTHS[ch])
        elif ch.startswith("candle"):
            sym = self.market.symbol(topic.target)
            state.bucket = self.market.candles(sym, CANDLES[ch[6:]], now_ms, None, None, 1)[0].ts

    def _data(self, topic: Topic, state: TopicState, now_ms: int, full: bool) -> bytes:
        sym = self.market.symbol(topic.target)
        ch = topic.channel
        if ch == "ticker":
            return orjson.dumps([ticker_item(ticker_view(self.market.ticker(sym, now_ms)))])
        if ch in BOOK_DEPTHS:
            item: dict[str, object] = {"asks": state.asks, "bids": state.bids,
                                       "checksum": checksum(state.bids, state.asks), "ts": str(now_ms)}
            if ch == "books":
                item["seq"] = str(state.seq)
            return orjson.dumps([item])
        if ch == "trade":
            return orjson.dumps(_trades(sym, self.market.trades(sym, now_ms, SNAPSHOT_TRADES)))
        return orjson.dumps(_candles(sym, self.market.candles(sym, CANDLES[ch[6:]], now_ms, None, None,
                                                              SNAPSHOT_CANDLES if full else 1)))


def ticker_item(rest: dict[str, str]) -> dict[str, str]:
    """The socket's spot ticker item from the REST ticker of the same moment (A.8's field names)."""
    return {
        "instId": rest["symbol"], "lastPr": rest["lastPr"], "open24h": rest["open"], "high24h": rest["high24h"],
        "low24h": rest["low24h"], "change24h": rest["change24h"], "bidPr": rest["bidPr"], "askPr": rest["askPr"],
        "bidSz": rest["bidSz"], "askSz": rest["askSz"], "baseVolume": rest["baseVolume"],
        "quoteVolume": rest["quoteVolume"], "openUtc": rest["openUtc"], "changeUtc24h": rest["changeUtc24h"],
        "ts": rest["ts"],
    }


def _trades(sym: SpotSymbol, trades: list[PublicTrade]) -> list[dict[str, str]]:
    """The `trade` channel's items (A.8: ts, price, size, side, tradeId), newest first as REST's."""
    out = []
    for t in trades:
        rest = trade_view(sym, t)
        out.append({"ts": rest["ts"], "price": rest["price"], "size": rest["size"], "side": rest["side"],
                    "tradeId": rest["tradeId"]})
    return out


def _candles(sym: SpotSymbol, candles: list[Candle]) -> list[list[str]]:
    return [candle_row(c, sym.price_precision) for c in candles]
