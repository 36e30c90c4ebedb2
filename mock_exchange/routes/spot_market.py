"""Spot market data over the seeded price walk: tickers, order book, candles, recent trades."""

from __future__ import annotations

from typing import Any

from ..endpoint import get
from ..errors import invalid
from ..request import ApiRequest
from ..services import Services
from ..state.market import BOOK_DEPTH, GRANULARITIES, plain

_BOOK_TYPES = ("step0", "step1", "step2", "step3", "step4", "step5")


def tickers(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    symbol = req.text("symbol")
    chosen = [market.symbol(symbol)] if symbol is not None else market.all_symbols()
    return [market.ticker(s, req.now_ms) for s in chosen]


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


def candles(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    granularity = req.text("granularity", required=True) or ""
    if granularity not in GRANULARITIES:
        raise invalid("granularity")
    start = req.integer("startTime")
    end = req.integer("endTime")
    if start is not None and end is not None and start > end:
        raise invalid("startTime")
    limit = req.integer("limit", default=100, lo=1, hi=1000) or 100
    return market.candles(sym, granularity, req.now_ms, start, end, limit)


def recent_fills(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.market
    sym = market.symbol(req.text("symbol", required=True) or "")
    limit = req.integer("limit", default=100, lo=1, hi=500) or 100
    return market.trades(sym, req.now_ms, limit)


ENDPOINTS = (
    get("/api/v2/spot/market/tickers", tickers),
    get("/api/v2/spot/market/orderbook", orderbook),
    get("/api/v2/spot/market/candles", candles),
    get("/api/v2/spot/market/fills", recent_fills),
)
