"""Spot trading writes: place-order, batch-orders, cancel-order, batch-cancel-order, cancel-symbol-order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..endpoint import Param, post
from ..errors import BATCH_TOO_LARGE, BitgetError, invalid, missing
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import IntStr, List, Obj, Str
from ..services import Services
from ..state.accounts import parse_amount
from ..state.orders import NO_PRESETS
from ..state.trading import OrderSpec
from ..views import plain
from .params import client_oid, positive

SIDES = ("buy", "sell")
ORDER_TYPES = ("limit", "market")
FORCES = ("gtc", "post_only", "fok", "ioc")
STP_MODES = ("none", "cancel_taker", "cancel_maker", "cancel_both")
PRESETS = ("presetTakeProfitPrice", "executeTakeProfitPrice", "presetStopLossPrice", "executeStopLossPrice")
_PRESET_NAMES = frozenset(PRESETS)
MAX_BATCH = 50


_SIDE_SET = frozenset(SIDES)
_FORCE_SET = frozenset(FORCES)
# The fast path reads only these fields; a request with any other field (TP/SL, stpMode, a field added
# later) goes the full way through `_parse_order`. An allowlist: a new field is never skipped unread.
_FAST_FIELDS = frozenset(("symbol", "side", "orderType", "force", "size", "price", "clientOid"))


def parse_order(req: ApiRequest, symbol: str | None = None) -> OrderSpec:
    """One order's parameters (place-order body, or one batch item with the batch's symbol).

    The common shape (only `_FAST_FIELDS`, plain strings, lower-case enums as clients send them) is read
    directly; anything else goes through `_parse_order`, which gives every other case its answer (a
    property test in tests/test_trading_fastpaths.py holds the two to the same answers)."""
    p = req.params
    sym = p.get("symbol") if symbol is None else symbol
    side, order_type, force, size = p.get("side"), p.get("orderType"), p.get("force"), p.get("size")
    if (type(sym) is str and type(side) is str and type(size) is str and 0 < len(sym) <= 256 and size
            and side in _SIDE_SET and _FAST_FIELDS.issuperset(p)):
        if order_type == "limit" and type(force) is str and force in _FORCE_SET:
            price = p.get("price")
            if type(price) is str and price:
                return OrderSpec(sym, side, order_type, parse_amount(size, "size", allow_zero=False), force,
                                 parse_amount(price, "price", allow_zero=False), client_oid(req), NO_PRESETS)
        elif order_type == "market" and (force is None or (type(force) is str and force in _FORCE_SET)):
            return OrderSpec(sym, side, order_type, parse_amount(size, "size", allow_zero=False), "gtc", None,
                             client_oid(req), NO_PRESETS)
    return _parse_order(req, symbol)


def _parse_order(req: ApiRequest, symbol: str | None = None) -> OrderSpec:
    if symbol is None:
        symbol = req.text("symbol", required=True) or ""
    side = req.choice("side", SIDES, required=True) or ""
    order_type = req.choice("orderType", ORDER_TYPES, required=True) or ""
    force = req.choice("force", FORCES, required=order_type == "limit", default="gtc") or "gtc"
    size = positive(req, "size")
    price = positive(req, "price") if order_type == "limit" else None
    params = req.params  # the optional fields below are rare: only those present are read
    if "tpslType" in params and req.choice("tpslType", ("normal", "tpsl"), default="normal") == "tpsl":
        raise invalid("tpslType")  # plan (TP/SL) orders are not simulated
    if "stpMode" in params:
        req.choice("stpMode", STP_MODES, default="none")
    presets: Mapping[str, str | None] = NO_PRESETS
    if not _PRESET_NAMES.isdisjoint(params):
        given = {name: req.amount(name) for name in PRESETS}
        presets = {name: plain(amount) for name, amount in given.items() if amount is not None}
    return OrderSpec(symbol, side, order_type, size, force if order_type == "limit" else "gtc", price,
                     client_oid(req), presets)


def place_order(svc: Services, req: ApiRequest) -> Any:
    order = svc.exchange.trading.place(req.uid, parse_order(req), req.now_ms)
    return {"orderId": str(order.oid), "clientOid": order.client_oid}


def order_list(req: ApiRequest) -> list[Any]:
    """A batch's `orderList`: required, a list, at most MAX_BATCH items."""
    raw = req.params.get("orderList")
    if raw is None or raw == []:
        raise missing("orderList")
    if not isinstance(raw, list):
        raise invalid("orderList")
    if len(raw) > MAX_BATCH:
        raise BitgetError(BATCH_TOO_LARGE, MAX_BATCH)
    return raw


def batch_orders(svc: Services, req: ApiRequest) -> Any:
    single = req.choice("batchMode", ("single", "multiple"), default="single") == "single"
    symbol = req.text("symbol", required=single)
    raw = order_list(req)
    items: list[OrderSpec | BitgetError] = []
    given: list[str] = []
    for entry in raw:
        oid = entry.get("clientOid") if isinstance(entry, dict) else None
        given.append(oid if isinstance(oid, str) else "")
        try:
            if not isinstance(entry, dict):
                raise invalid("orderList")
            items.append(parse_order(req.sub(entry), symbol if single else None))
        except BitgetError as exc:
            items.append(exc)
    success, failure = [], []
    for oid, result in zip(given, svc.exchange.trading.place_batch(req.uid, items, req.now_ms), strict=True):
        if isinstance(result, BitgetError):
            failure.append({"orderId": "", "clientOid": oid, "errorMsg": result.msg, "errorCode": result.code})
        else:
            success.append({"orderId": str(result.oid), "clientOid": result.client_oid})
    return {"successList": success, "failureList": failure}


def order_ref(req: ApiRequest) -> tuple[str | None, str | None]:
    """orderId or clientOid, one of which is required; a clientOid Bitget would refuse is 40304."""
    order_id = req.text("orderId")
    client = client_oid(req)
    if order_id is None and client is None:
        raise missing("orderId")
    return order_id, client


def cancel_order(svc: Services, req: ApiRequest) -> Any:
    symbol = req.text("symbol", required=True)
    order_id, client = order_ref(req)
    order = svc.exchange.trading.cancel(req.uid, symbol, order_id, client, req.now_ms)
    return {"orderId": str(order.oid), "clientOid": order.client_oid}


def batch_cancel_order(svc: Services, req: ApiRequest) -> Any:
    """Up to 50 cancels, each by orderId or clientOid; in `single` mode the outer symbol applies to all."""
    single = req.choice("batchMode", ("single", "multiple"), default="single") == "single"
    symbol = req.text("symbol") if single else None
    if symbol is not None:
        svc.exchange.market.symbol(symbol)
    raw = order_list(req)
    items: list[tuple[str | None, str | None, str | None] | BitgetError] = []
    given: list[tuple[str, str]] = []
    for entry in raw:
        refs = [entry.get(k) if isinstance(entry, dict) else None for k in ("orderId", "clientOid")]
        given.append((str(refs[0]) if isinstance(refs[0], (str, int)) else "",
                      str(refs[1]) if isinstance(refs[1], (str, int)) else ""))
        try:
            if not isinstance(entry, dict):
                raise invalid("orderList")
            item = req.sub(entry)
            order_id, client = order_ref(item)
            items.append((symbol if single else item.text("symbol", required=True), order_id, client))
        except BitgetError as exc:
            items.append(exc)
    success, failure = [], []
    results = svc.exchange.trading.cancel_batch(req.uid, items, req.now_ms)
    for (order_id, client), result in zip(given, results, strict=True):
        if isinstance(result, BitgetError):
            failure.append({"orderId": order_id, "clientOid": client, "errorMsg": result.msg,
                            "errorCode": result.code})
        else:
            success.append({"orderId": str(result.oid), "clientOid": result.client_oid})
    return {"successList": success, "failureList": failure}


def cancel_symbol_order(svc: Services, req: ApiRequest) -> Any:
    symbol = req.text("symbol", required=True) or ""
    return {"symbol": svc.exchange.trading.cancel_symbol(req.uid, symbol, req.now_ms)}


ORDER_REF = Obj({"orderId": IntStr, "clientOid": Str})
# a failed item echoes what was sent, so its orderId may be any text (or "")
BATCH = Obj({"successList": List(ORDER_REF),
             "failureList": List(Obj({"orderId": Str, "clientOid": Str, "errorMsg": Str, "errorCode": Str}))})
_TRADE = {"private": True, "permission": "spot_trade"}
_SYM = Param("symbol", required=True)
ORDER_PARAMS = (
    _SYM, Param("side", required=True, enum=SIDES), Param("orderType", required=True, enum=ORDER_TYPES),
    Param("force", enum=FORCES, doc="required for limit orders"), Param("price", doc="required for limit orders"),
    Param("size", required=True, doc="base coin; quote coin for a market buy"), Param("clientOid"),
    Param("tpslType", enum=("normal", "tpsl"), doc="tpsl (plan orders) is refused: not simulated"),
    Param("stpMode", enum=STP_MODES), *(Param(name) for name in PRESETS),
)
_BATCH_MODE = Param("batchMode", enum=("single", "multiple"), doc="default single: the outer symbol for all")
_ORDER_LIST = Param("orderList", required=True, kind="array", doc=f"at most {MAX_BATCH}")
ENDPOINTS = (
    post("/api/v2/spot/trade/place-order", place_order, **_TRADE, limit=per_uid(10), params=ORDER_PARAMS,
         response=ORDER_REF),
    post("/api/v2/spot/trade/batch-orders", batch_orders, **_TRADE, limit=per_uid(5), params=(
        Param("symbol", doc="required in single mode"), _BATCH_MODE, _ORDER_LIST), response=BATCH),
    post("/api/v2/spot/trade/cancel-order", cancel_order, **_TRADE, limit=per_uid(10), params=(
        _SYM, Param("orderId", doc="or clientOid"), Param("clientOid")), response=ORDER_REF),
    # doc 10/s (Batch-Cancel-Orders)
    post("/api/v2/spot/trade/batch-cancel-order", batch_cancel_order, **_TRADE, limit=per_uid(10), params=(
        Param("symbol"), _BATCH_MODE, _ORDER_LIST), response=BATCH),
    # no source gives a limit: the default of docs/rules.md#rate-limits
    post("/api/v2/spot/trade/cancel-symbol-order", cancel_symbol_order, **_TRADE, limit=per_uid(10),
         params=(_SYM,), response=Obj({"symbol": Str})),
)
