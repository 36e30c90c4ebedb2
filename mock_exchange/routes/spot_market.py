"""Spot market data over the seeded price walk: tickers, order book, candles (recent and history),
trades (recent and history)."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get
from ..errors import invalid, missing
from ..ratelimit.limits import per_ip
from ..request import ApiRequest
from ..schema import Enum, IntStr, List, NumStr, Obj, Str, Tuple
from ..services import Services
from ..state.constants import DAY_MS
from ..state.market import BOOK_DEPTH, GRANULARITIES
from ..views import candle_row, plain, ticker_view, trade_view
from .params import time_range

_BOOK_TYPES = ("step0", "step1", "step2", "step3", "step4", "step5")
FILLS_HISTORY_WINDOW_MS = 7 * DAY_MS  # Bitget: "startTime and endTime should be within 7 days"


def tickers(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    symbol = req.text("symbol")
    chosen = [market.symbol(symbol)] if symbol is not None else market.all_symbols()
    return [ticker_view(market.ticker(s, req.now_ms)) for s in chosen]


def orderbook(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    req.choice("type", _BOOK_TYPES, default="step0")
    limit = req.integer("limit", default=150, lo=1, hi=BOOK_DEPTH) or 150
    book = market.book(sym, req.now_ms)
    p = sym.price_precision
    return {
        "asks": [[format(lv.price, f".{p}f"), plain(lv.size)] for lv in book.asks[:limit]],
        "bids": [[format(lv.price, f".{p}f"), plain(lv.size)] for lv in book.bids[:limit]],
        "ts": str(req.now_ms),
    }


def _candles(svc: Services, req: ApiRequest, end_required: bool, max_limit: int) -> Any:
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    granularity = req.text("granularity", required=True) or ""
    if granularity not in GRANULARITIES:
        raise invalid("granularity")
    if end_required:  # history-candles: endTime only (Get-History-Candle-Data has no startTime)
        start, end = None, req.integer("endTime")
        if end is None:
            raise missing("endTime")
    else:
        start, end = time_range(req)
    limit = req.integer("limit", default=100, lo=1, hi=max_limit) or 100
    p = sym.price_precision
    return [candle_row(c, p) for c in market.candles(sym, granularity, req.now_ms, start, end, limit)]


def candles(svc: Services, req: ApiRequest) -> Any:
    return _candles(svc, req, False, 1000)


def history_candles(svc: Services, req: ApiRequest) -> Any:
    """history-candles: endTime is required and a page holds at most 200 candles."""
    return _candles(svc, req, True, 200)


def recent_fills(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    limit = req.integer("limit", default=100, lo=1, hi=500) or 100
    return [trade_view(sym, t) for t in market.trades(sym, req.now_ms, limit)]


def fills_history(svc: Services, req: ApiRequest) -> Any:
    """Older public trades from the same stream as market/fills, newest first, paged by idLessThan."""
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    limit = req.integer("limit", default=500, lo=1, hi=1000) or 500
    before = req.integer("idLessThan")
    start, end = time_range(req, max_ms=FILLS_HISTORY_WINDOW_MS)
    # unlike market/fills, Bitget capitalises the side here (Get-Market-Trades: "Buy", "Sell")
    return [{**trade_view(sym, t), "side": t.side.capitalize()}
            for t in market.trade_history(sym, req.now_ms, before, start, end, limit)]


TICKER = Obj({
    "symbol": Str, "high24h": NumStr, "open": NumStr, "low24h": NumStr, "lastPr": NumStr, "quoteVolume": NumStr,
    "baseVolume": NumStr, "usdtVolume": NumStr, "bidPr": NumStr, "askPr": NumStr, "bidSz": NumStr, "askSz": NumStr,
    "openUtc": NumStr, "ts": IntStr, "changeUtc24h": NumStr, "change24h": NumStr,
})
LEVEL = Tuple(NumStr, NumStr)  # [price, size]
BOOK = Obj({"asks": List(LEVEL), "bids": List(LEVEL), "ts": IntStr})
# [ts, open, high, low, close, baseVolume, usdtVolume, quoteVolume]
CANDLE = Tuple(IntStr, NumStr, NumStr, NumStr, NumStr, NumStr, NumStr, NumStr)


def _trade(sides: Enum) -> Obj:
    return Obj({"symbol": Str, "tradeId": IntStr, "side": sides, "price": NumStr, "size": NumStr, "ts": IntStr})


_SYM = Param("symbol", required=True, doc="the symbol, any case")
_GRANULARITY = Param("granularity", required=True, enum=tuple(GRANULARITIES), doc="exact case")
_START, _END = Param("startTime", kind="integer"), Param("endTime", kind="integer")
ENDPOINTS = (
    get("/api/v2/spot/market/tickers", tickers, limit=per_ip(20),
        params=(Param("symbol", doc="all symbols without it"),), response=List(TICKER)),
    get("/api/v2/spot/market/orderbook", orderbook, limit=per_ip(20), params=(
        _SYM, Param("type", enum=_BOOK_TYPES, doc="any case, default step0"),
        Param("limit", kind="integer", doc=f"1..{BOOK_DEPTH}, default 150")), response=BOOK),
    get("/api/v2/spot/market/candles", candles, limit=per_ip(20), params=(
        _SYM, _GRANULARITY, _START, _END, Param("limit", kind="integer", doc="1..1000, default 100")),
        response=List(CANDLE)),
    # doc 20/s (Get-History-Candle-Data); JKorf 20/s
    get("/api/v2/spot/market/history-candles", history_candles, limit=per_ip(20), params=(
        _SYM, _GRANULARITY, Param("endTime", required=True, kind="integer"),
        Param("limit", kind="integer", doc="1..200, default 100")), response=List(CANDLE)),
    get("/api/v2/spot/market/fills", recent_fills, limit=per_ip(10), params=(
        _SYM, Param("limit", kind="integer", doc="1..500, default 100")),
        response=List(_trade(Enum("buy", "sell")))),  # doc 10/s; JKorf says 20/s
    # no limit in the spot sources read: the default of docs/rules.md#rate-limits (the doc page says 10/s)
    get("/api/v2/spot/market/fills-history", fills_history, limit=per_ip(20), params=(
        _SYM, Param("limit", kind="integer", doc="1..1000, default 500"), Param("idLessThan", kind="integer"),
        _START, _END), response=List(_trade(Enum("Buy", "Sell")))),
)
