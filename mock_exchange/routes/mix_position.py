"""Futures (mix) positions: one symbol's, all open ones, and closed positions' history."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get
from ..errors import PARAM_NOT_FOUND, BitgetError, invalid
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..services import Services
from ..state.catalog import CONTRACTS, DEMO_PRODUCT_TYPES
from ..state.futures.queries import FuturesPage, page
from . import mix_schemas as rs
from .mix import PRODUCT_TYPE_CHOICES, product_type
from .mix_views import closed_position_view, position_view
from .params import page_limit, time_range

_PT = Param("productType", required=True, enum=PRODUCT_TYPE_CHOICES)
_TPSL = ("takeProfit", "stopLoss", "takeProfitId", "stopLossId")


def _views(svc: Services, req: ApiRequest, product: str, symbol: str | None, coin: str | None) -> list[Any]:
    futures = svc.exchange.futures
    svc.exchange.accounts.account(req.uid)
    marks = futures.trading.marks(req.uid, req.now_ms)
    chosen = [p for p in futures.engine.positions_of(req.uid, product, coin.upper() if coin else None)
              if symbol is None or p.contract.symbol == symbol]
    return [position_view(futures.engine, p, marks, futures.plans.live_tpsl(p))
            for p in sorted(chosen, key=lambda p: p.pid)]


def single_position(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    c = svc.exchange.futures_market.contract(product, req.text("symbol", required=True) or "")
    coin = (req.text("marginCoin", required=True) or "").upper()
    if coin not in c.margin_coins:
        raise invalid("marginCoin")
    # its doc example (2026-01) sends an unset TP/SL as null where all-position sends "" (docs/responses.md)
    return [{k: (None if v == "" and k in _TPSL else v) for k, v in view.items()}
            for view in _views(svc, req, product, c.symbol, coin)]


def all_position(svc: Services, req: ApiRequest) -> Any:
    return _views(svc, req, product_type(req), None, req.text("marginCoin"))


def history_position(svc: Services, req: ApiRequest) -> Any:
    # Get-History-Position: productType is optional (default USDT-FUTURES) and a symbol overrides it;
    # ccxt 4.5's fetch_positions_history sends the symbol alone, also for COIN-FUTURES
    chosen = req.choice("productType", PRODUCT_TYPE_CHOICES) or "USDT-FUTURES"
    product = DEMO_PRODUCT_TYPES.get(chosen, chosen)
    symbol = req.text("symbol")
    if symbol is not None:
        named = next((c for c in CONTRACTS if c.symbol == symbol.upper()), None)
        if named is None:
            raise BitgetError(PARAM_NOT_FOUND, symbol)
        product, symbol = named.product_type, named.symbol
    start, end = time_range(req)
    svc.exchange.accounts.account(req.uid)
    found = page(svc.exchange.futures.engine.book(req.uid, product).history,
                 FuturesPage(symbol, req.integer("idLessThan"), start, end, page_limit(req, 20, 100)),
                 lambda c: c.utime)
    return {"list": [closed_position_view(c) for c in found], "endId": str(found[-1].pid) if found else ""}


ENDPOINTS = (
    get("/api/v2/mix/position/single-position", single_position, private=True, limit=per_uid(10), params=(
        _PT, Param("symbol", required=True), Param("marginCoin", required=True)), response=rs.SINGLE_POSITIONS),
    get("/api/v2/mix/position/all-position", all_position, private=True, limit=per_uid(5), params=(
        _PT, Param("marginCoin")), response=rs.POSITIONS),
    get("/api/v2/mix/position/history-position", history_position, private=True, limit=per_uid(10), params=(
        Param("productType", enum=PRODUCT_TYPE_CHOICES, doc="USDT-FUTURES without it; a symbol overrides it"),
        Param("symbol"), Param("idLessThan"), Param("startTime"), Param("endTime"), Param("limit")),
        response=rs.HISTORY_POSITION),
)
