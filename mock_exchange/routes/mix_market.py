"""Futures (mix) market data: tickers, merged depth, candles (market, mark, index), public trades, prices,
open interest, funding rates and times, leverage tiers. Public, IP-keyed (docs/futures-market.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..endpoint import Param, get
from ..errors import invalid
from ..ratelimit.limits import per_ip
from ..request import ApiRequest
from ..schema import Enum, IntStr, List, MaybeEmpty, Nullable, Number, NumStr, Obj, Str, Tuple
from ..services import Services
from ..state.catalog import Contract
from ..state.constants import DAY_MS
from ..state.futures_market import FuturesMarket, merge_levels
from ..state.futures_series import GRANULARITIES, KLINE_TYPES
from ..state.market import BOOK_DEPTH, Level
from ..state.values import Candle, PublicTrade
from ..views import plain
from .mix import PRODUCT_TYPE_CHOICES, product_type
from .params import time_range

_PRECISIONS = ("scale0", "scale1", "scale2", "scale3")  # merge-depth: the tick x 10^n
_DEPTH_DEFAULT = 100  # Get-Merge-Depth: "the default gear is 100"
CANDLE_RANGE_MS = 90 * DAY_MS  # Get-Candle-Data: "the maximum time query range is 90 days"
FILLS_HISTORY_WINDOW_MS = 7 * DAY_MS  # Get-Fills-History: "should not exceed 7 days"
FUNDING_HISTORY_RECORDS = 3 * 365  # how far history-fund-rate reaches back: a year of 8 h settlements


def _contract(svc: Services, req: ApiRequest) -> tuple[FuturesMarket, Contract]:
    market = svc.exchange.futures_market
    pt = product_type(req)
    return market, market.contract(pt, req.text("symbol", required=True) or "")


def _change(last: Decimal, ref: Decimal) -> str:
    return plain(((last - ref) / ref).quantize(Decimal("0.00001"))) if ref else "0"


def ticker_view(market: FuturesMarket, c: Contract, now_ms: int) -> dict[str, Any]:
    book = market.book(c, now_ms)
    last = market.last_price(c, now_ms)
    day = market.stats(c, now_ms)
    return {
        "symbol": c.symbol,
        "lastPr": plain(last),
        "askPr": plain(book.asks[0].price),
        "bidPr": plain(book.bids[0].price),
        "bidSz": plain(book.bids[0].size),
        "askSz": plain(book.asks[0].size),
        "high24h": plain(day.high24h),
        "low24h": plain(day.low24h),
        "ts": str(now_ms),
        "change24h": _change(last, day.open24h),
        "baseVolume": plain(day.base_volume),
        "quoteVolume": plain(day.quote_volume),
        "usdtVolume": plain(day.quote_volume),
        "openUtc": plain(day.open_utc),
        "changeUtc24h": _change(last, day.open_utc),
        "indexPrice": plain(market.index_price(c, now_ms)),
        "fundingRate": plain(market.funding_rate(c, now_ms)),
        "holdingAmount": plain(market.open_interest(c, now_ms)),
        "deliveryStartTime": None,  # perpetuals: null, as ccxt's recorded answer has it
        "deliveryTime": None,
        "deliveryStatus": "",
        "open24h": plain(day.open24h),
        "markPrice": plain(market.mark_price(c, now_ms)),
    }


def ticker(svc: Services, req: ApiRequest) -> Any:
    market, c = _contract(svc, req)
    return [ticker_view(market, c, req.now_ms)]


def tickers(svc: Services, req: ApiRequest) -> Any:
    market = svc.exchange.futures_market
    return [ticker_view(market, c, req.now_ms) for c in market.contracts(product_type(req))]


def _levels(levels: list[Level], limit: int) -> list[list[float]]:
    # JSON numbers, as the doc's example and TS-SDK's [number, number] have them (docs/futures-market.md)
    return [[float(lv.price), float(lv.size)] for lv in levels[:limit]]


def merge_depth(svc: Services, req: ApiRequest) -> Any:
    market, c = _contract(svc, req)
    precision = req.choice("precision", _PRECISIONS, default="scale0") or "scale0"
    # "max" is the whole book; other values are taken as a level count (ccxt sends the caller's limit)
    limit = BOOK_DEPTH if (req.text("limit") or "").lower() == "max" else (
        req.integer("limit", default=_DEPTH_DEFAULT, lo=1, hi=BOOK_DEPTH) or _DEPTH_DEFAULT)
    scale = _PRECISIONS.index(precision)
    step = c.tick * 10**scale
    book = market.book(c, req.now_ms)
    return {
        "asks": _levels(merge_levels(book.asks, step, True), limit),
        "bids": _levels(merge_levels(book.bids, step, False), limit),
        "ts": str(req.now_ms),
        "scale": plain(step),
        "precision": precision,
        "isMaxPrecision": "YES" if scale == len(_PRECISIONS) - 1 else "NO",
    }


def _candle_view(k: Candle) -> list[str]:
    return [str(k.ts), plain(k.open), plain(k.high), plain(k.low), plain(k.close), plain(k.base_volume),
            plain(k.quote_volume)]


def _candles(svc: Services, req: ApiRequest, kind: str | None, max_limit: int) -> Any:
    """kind None: the request's kLineType (any case, MARKET by default)."""
    _, c = _contract(svc, req)
    granularity = req.text("granularity", required=True) or ""
    if granularity not in GRANULARITIES:
        raise invalid("granularity")
    if kind is None:
        kind = req.choice("kLineType", KLINE_TYPES, default="MARKET") or "MARKET"
    start, end = time_range(req, max_ms=CANDLE_RANGE_MS)
    limit = req.integer("limit", default=100, lo=1, hi=max_limit) or 100
    rows = svc.exchange.futures_series.candles(c, granularity, kind, req.now_ms, start, end, limit)
    return [_candle_view(k) for k in rows]


def candles(svc: Services, req: ApiRequest) -> Any:
    return _candles(svc, req, None, 1000)


def history_candles(svc: Services, req: ApiRequest) -> Any:
    return _candles(svc, req, "MARKET", 200)


def history_index_candles(svc: Services, req: ApiRequest) -> Any:
    return _candles(svc, req, "INDEX", 200)


def history_mark_candles(svc: Services, req: ApiRequest) -> Any:
    return _candles(svc, req, "MARK", 200)


def _trade_view(c: Contract, t: PublicTrade, side: str) -> dict[str, str]:
    return {"tradeId": str(t.trade_id), "price": plain(t.price), "size": plain(t.size), "side": side,
            "ts": str(t.ts), "symbol": c.symbol}


def recent_fills(svc: Services, req: ApiRequest) -> Any:
    _, c = _contract(svc, req)
    limit = req.integer("limit", default=100, lo=1, hi=100) or 100
    return [_trade_view(c, t, t.side) for t in svc.exchange.futures_series.trades(c, req.now_ms, limit)]


def fills_history(svc: Services, req: ApiRequest) -> Any:
    """The same trade stream, newest first, paged by idLessThan, within 90 days. The side is capitalised here
    ("Buy"/"Sell": Get-Fills-History's example and ccxt's recorded fetchTrades answer), unlike market/fills."""
    _, c = _contract(svc, req)
    limit = req.integer("limit", default=500, lo=1, hi=1000) or 500
    before = req.integer("idLessThan")
    start, end = time_range(req, max_ms=FILLS_HISTORY_WINDOW_MS)
    rows = svc.exchange.futures_series.trade_history(c, req.now_ms, before, start, end, limit)
    return [_trade_view(c, t, t.side.capitalize()) for t in rows]


def symbol_price(svc: Services, req: ApiRequest) -> Any:
    market, c = _contract(svc, req)
    now = req.now_ms
    return [{"symbol": c.symbol, "price": plain(market.last_price(c, now)),
             "indexPrice": plain(market.index_price(c, now)), "markPrice": plain(market.mark_price(c, now)),
             "ts": str(now)}]


def open_interest(svc: Services, req: ApiRequest) -> Any:
    market, c = _contract(svc, req)
    return {"openInterestList": [{"symbol": c.symbol, "size": plain(market.open_interest(c, req.now_ms))}],
            "ts": str(req.now_ms)}


def current_fund_rate(svc: Services, req: ApiRequest) -> Any:
    """symbol is optional here (Get-Current-Funding-Rate): without it, every contract of the product type."""
    market = svc.exchange.futures_market
    pt = product_type(req)
    symbol = req.text("symbol")
    chosen = market.contracts(pt) if symbol is None else (market.contract(pt, symbol),)
    now = req.now_ms
    return [{"symbol": c.symbol, "fundingRate": plain(market.funding_rate(c, now)),
             "fundingRateInterval": str(c.fund_interval_hours), "nextUpdate": str(market.next_funding_ms(c, now)),
             "minFundingRate": plain(c.min_funding_rate), "maxFundingRate": plain(c.max_funding_rate)}
            for c in chosen]


def history_fund_rate(svc: Services, req: ApiRequest) -> Any:
    """Past settlements, newest first, paged by pageSize (default 20, at most 100) and pageNo (from 1)."""
    market, c = _contract(svc, req)
    size = req.integer("pageSize", default=20, lo=1, hi=100) or 20
    page = req.integer("pageNo", default=1, lo=1, hi=FUNDING_HISTORY_RECORDS) or 1
    offset = (page - 1) * size
    size = max(0, min(size, FUNDING_HISTORY_RECORDS - offset))
    return [{"symbol": c.symbol, "fundingRate": plain(r.rate), "fundingTime": str(r.funding_time)}
            for r in market.funding_history(c, req.now_ms, offset, size)]


def funding_time(svc: Services, req: ApiRequest) -> Any:
    market, c = _contract(svc, req)
    return [{"symbol": c.symbol, "nextFundingTime": str(market.next_funding_ms(c, req.now_ms)),
             "ratePeriod": str(c.fund_interval_hours)}]


def position_tiers(svc: Services, req: ApiRequest) -> Any:
    _, c = _contract(svc, req)
    return [{"symbol": c.symbol, "level": str(t.level), "startUnit": plain(t.start_unit),
             "endUnit": plain(t.end_unit), "leverage": str(t.leverage), "keepMarginRate": plain(t.keep_margin_rate)}
            for t in c.tiers]


TICKER = Obj({
    "symbol": Str, **{name: NumStr for name in ("lastPr", "askPr", "bidPr", "bidSz", "askSz", "high24h", "low24h")},
    "ts": IntStr, **{name: NumStr for name in ("change24h", "baseVolume", "quoteVolume", "usdtVolume", "openUtc",
                                               "changeUtc24h", "indexPrice", "fundingRate", "holdingAmount")},
    "deliveryStartTime": Nullable(IntStr), "deliveryTime": Nullable(IntStr), "deliveryStatus": MaybeEmpty(Str),
    "open24h": NumStr, "markPrice": NumStr,
})
DEPTH = Obj({"asks": List(Tuple(Number, Number)), "bids": List(Tuple(Number, Number)), "ts": IntStr,
             "scale": NumStr, "precision": Enum(*_PRECISIONS), "isMaxPrecision": Enum("YES", "NO")})
CANDLE = Tuple(IntStr, NumStr, NumStr, NumStr, NumStr, NumStr, NumStr)  # ts, o, h, l, c, base, quote volume
def _trade(sides: Enum) -> Obj:
    return Obj({"tradeId": IntStr, "price": NumStr, "size": NumStr, "side": sides, "ts": IntStr, "symbol": Str})


TRADE = _trade(Enum("buy", "sell"))
PAST_TRADE = _trade(Enum("Buy", "Sell"))
PRICE = Obj({"symbol": Str, "price": NumStr, "indexPrice": NumStr, "markPrice": NumStr, "ts": IntStr})
OPEN_INTEREST = Obj({"openInterestList": List(Obj({"symbol": Str, "size": NumStr})), "ts": IntStr})
FUNDING = Obj({"symbol": Str, "fundingRate": NumStr, "fundingRateInterval": IntStr, "nextUpdate": IntStr,
               "minFundingRate": NumStr, "maxFundingRate": NumStr})
FUNDING_PAST = Obj({"symbol": Str, "fundingRate": NumStr, "fundingTime": IntStr})
FUNDING_TIME = Obj({"symbol": Str, "nextFundingTime": IntStr, "ratePeriod": IntStr})
TIER = Obj({"symbol": Str, "level": IntStr, "startUnit": NumStr, "endUnit": NumStr, "leverage": IntStr,
            "keepMarginRate": NumStr})

_M = "/api/v2/mix/market/"
_PT = Param("productType", required=True, enum=PRODUCT_TYPE_CHOICES, doc="any case; S* demo types mirror")
_SYM = Param("symbol", required=True, doc="the contract, any case")
_ONE = (_SYM, _PT)
_RANGE = (Param("startTime", kind="integer"), Param("endTime", kind="integer"))
_HISTORY = (*_ONE, Param("granularity", required=True, enum=tuple(GRANULARITIES)), *_RANGE,
            Param("limit", kind="integer", doc="1..200, default 100"))
# Limits: each doc page's "Frequency limit" (contract/market/*); symbol-price's page says 20/s "according
# to user ID" for a public endpoint, which can only be keyed by IP.
ENDPOINTS = (
    get(_M + "ticker", ticker, limit=per_ip(20), params=_ONE, response=List(TICKER)),
    get(_M + "tickers", tickers, limit=per_ip(20), params=(_PT,), response=List(TICKER)),
    get(_M + "merge-depth", merge_depth, limit=per_ip(20), params=(
        *_ONE, Param("precision", enum=_PRECISIONS), Param("limit", doc="1..150 or max, default 100")), response=DEPTH),
    get(_M + "candles", candles, limit=per_ip(20), params=(
        *_HISTORY[:-1], Param("kLineType", enum=KLINE_TYPES, doc="any case"),
        Param("limit", kind="integer", doc="1..1000, default 100")), response=List(CANDLE)),
    get(_M + "history-candles", history_candles, limit=per_ip(20), params=_HISTORY, response=List(CANDLE)),
    get(_M + "history-index-candles", history_index_candles, limit=per_ip(20), params=_HISTORY, response=List(CANDLE)),
    get(_M + "history-mark-candles", history_mark_candles, limit=per_ip(20), params=_HISTORY, response=List(CANDLE)),
    get(_M + "fills", recent_fills, limit=per_ip(20), params=(
        *_ONE, Param("limit", kind="integer", doc="1..100, default 100")), response=List(TRADE)),
    get(_M + "fills-history", fills_history, limit=per_ip(10), params=(
        *_ONE, Param("limit", kind="integer", doc="1..1000, default 500"), Param("idLessThan"), *_RANGE),
            response=List(PAST_TRADE)),
    get(_M + "symbol-price", symbol_price, limit=per_ip(20), params=_ONE, response=List(PRICE)),
    get(_M + "open-interest", open_interest, limit=per_ip(20), params=_ONE, response=OPEN_INTEREST),
    get(_M + "current-fund-rate", current_fund_rate, limit=per_ip(20), params=(
        Param("symbol", doc="all contracts of the product type without it"), _PT), response=List(FUNDING)),
    get(_M + "history-fund-rate", history_fund_rate, limit=per_ip(20), params=(
        *_ONE, Param("pageSize", kind="integer", doc="1..100, default 20"),
        Param("pageNo", kind="integer", doc="from 1")), response=List(FUNDING_PAST)),
    get(_M + "funding-time", funding_time, limit=per_ip(20), params=_ONE, response=List(FUNDING_TIME)),
    get(_M + "query-position-lever", position_tiers, limit=per_ip(10), params=_ONE, response=List(TIER)),
)
