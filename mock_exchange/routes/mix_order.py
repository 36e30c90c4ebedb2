"""Futures (mix) orders: place (one or a batch), cancel (one, a batch, all), modify, flash close, and
the order and fill reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..endpoint import Param, get, post
from ..errors import BATCH_TOO_LARGE, BitgetError, invalid, missing
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..services import Services
from ..state.accounts import parse_amount
from ..state.catalog import DEMO_PRODUCT_TYPES
from ..state.futures.model import FuturesOrder, FuturesOrderSpec
from ..state.futures.queries import FuturesPage, page
from ..state.orders import NO_PRESETS
from ..views import plain
from . import mix_schemas as rs
from .mix import PRODUCT_TYPE_CHOICES, product_type
from .mix_views import fill_view, order_detail, order_item
from .params import page_limit, time_range
from .spot_trade import MAX_BATCH, client_oid, order_ref, positive

SIDES = ("buy", "sell")
TRADE_SIDES = ("open", "close")
ORDER_TYPES = ("limit", "market")
FORCES = ("gtc", "ioc", "fok", "post_only")
MARGIN_MODES = ("crossed", "isolated")
HOLD_SIDES = ("long", "short")
YES_NO = ("yes", "no")
STP_MODES = ("none", "cancel_taker", "cancel_maker", "cancel_both")
# preset TP/SL: trigger prices, and the prices the TP/SL orders are placed at (ccxt sends both)
PRESETS = ("presetStopSurplusPrice", "presetStopLossPrice", "presetStopSurplusExecutePrice",
           "presetStopLossExecutePrice")


_FAST_FIELDS = frozenset(("symbol", "productType", "marginCoin", "marginMode", "side", "tradeSide", "orderType",
                          "force", "size", "price", "clientOid", "reduceOnly"))
_PRODUCTS = {name: DEMO_PRODUCT_TYPES.get(name, name) for name in PRODUCT_TYPE_CHOICES}
_MODE_SET, _SIDE_SET, _TYPE_SET = frozenset(MARGIN_MODES), frozenset(SIDES), frozenset(ORDER_TYPES)
# an absent optional enum reads as None; the fast path takes it, or one of the options as spelled
_FORCE_SET = frozenset((None, *FORCES))
_TRADE_SIDE_SET = frozenset((None, *TRADE_SIDES))
_YES_NO_SET = frozenset((None, *YES_NO))


def parse_order(req: ApiRequest, outer: Mapping[str, str] | None = None) -> FuturesOrderSpec:
    """One order: a place-order body, or a batch item with the batch's symbol, productType,
    marginCoin and marginMode (`outer`).

    A place-order body of the common shape (only `_FAST_FIELDS`, strings, enums spelled as Bitget
    documents them) is read directly; anything else goes through `_parse_order`, which gives every
    other case its answer. An allowlist: a field added later is never skipped unread on the fast
    path. tests/test_trading_fastpaths.py holds the two to the same answers."""
    p = req.params
    if outer is None and _FAST_FIELDS.issuperset(p):
        get = p.get
        symbol, coin, size, price = get("symbol"), get("marginCoin"), get("size"), get("price")
        side, order_type, force, trade_side = get("side"), get("orderType"), get("force"), get("tradeSide")
        try:  # a list or an object where a string belongs is unhashable: the full parser answers it
            product = _PRODUCTS.get(get("productType", ""))
            common = (product is not None and get("marginMode") in _MODE_SET and side in _SIDE_SET
                      and order_type in _TYPE_SET and force in _FORCE_SET and trade_side in _TRADE_SIDE_SET
                      and get("reduceOnly") in _YES_NO_SET)
        except TypeError:
            common = False
        if (common and product is not None and type(symbol) is str and type(coin) is str and type(size) is str
                and size and 0 < len(symbol) <= 256 and 0 < len(coin) <= 256):
            if order_type == "limit" and not (type(price) is str and price):
                return _parse_order(req, outer)
            # size, then price, then the client id: the order in which _parse_order finds the first error
            amount = parse_amount(size, "size", allow_zero=False)
            limit = parse_amount(price, "price", allow_zero=False) if order_type == "limit" else None
            given = get("clientOid")
            oid = None if given is None or given == "" else client_oid(req)
            return FuturesOrderSpec(symbol, product, coin, p["marginMode"], p["side"], p["orderType"], amount, limit,
                                    (force or "gtc") if limit is not None else "gtc", trade_side,
                                    get("reduceOnly") == "yes", oid, NO_PRESETS)
    return _parse_order(req, outer)


def _parse_order(req: ApiRequest, outer: Mapping[str, str] | None = None) -> FuturesOrderSpec:
    if outer is None:
        product = product_type(req)
        symbol = req.text("symbol", required=True) or ""
        coin = req.text("marginCoin", required=True) or ""
        mode = req.choice("marginMode", MARGIN_MODES, required=True) or ""
    else:
        product, symbol, coin, mode = outer["product"], outer["symbol"], outer["coin"], outer["mode"]
    side = req.choice("side", SIDES, required=True) or ""
    order_type = req.choice("orderType", ORDER_TYPES, required=True) or ""
    size = positive(req, "size")
    price = positive(req, "price") if order_type == "limit" else None
    force = req.choice("force", FORCES, default="gtc") or "gtc"
    trade_side = req.choice("tradeSide", TRADE_SIDES)
    reduce_only = req.choice("reduceOnly", YES_NO, default="no") == "yes"
    params = req.params
    if "stpMode" in params:
        req.choice("stpMode", STP_MODES, default="none")
    presets: Mapping[str, str | None] = NO_PRESETS
    if params.get(PRESETS[0]) not in (None, "") or params.get(PRESETS[1]) not in (None, ""):
        given = {name: req.amount(name) for name in PRESETS}
        presets = {name: plain(v) for name, v in given.items() if v is not None}
    return FuturesOrderSpec(symbol, product, coin, mode, side, order_type, size, price,
                            force if order_type == "limit" else "gtc", trade_side, reduce_only, client_oid(req),
                            presets)


def _ids(order: FuturesOrder) -> dict[str, str]:
    return {"orderId": str(order.oid), "clientOid": order.client_oid}


def place_order(svc: Services, req: ApiRequest) -> Any:
    return _ids(svc.exchange.futures.trading.place(req.uid, parse_order(req), req.now_ms))


def _order_list(req: ApiRequest, name: str = "orderList") -> list[Any]:
    raw = req.params.get(name)
    if raw is None or raw == []:
        raise missing(name)
    if not isinstance(raw, list):
        raise invalid(name)
    if len(raw) > MAX_BATCH:
        raise BitgetError(BATCH_TOO_LARGE, MAX_BATCH)
    return raw


def _failure(given: dict[str, str], exc: BitgetError) -> dict[str, str]:
    return {"orderId": given.get("orderId", ""), "clientOid": given.get("clientOid", ""),
            "errorMsg": exc.msg, "errorCode": exc.code}


def _given(entry: Any) -> dict[str, str]:
    out = {}
    for key in ("orderId", "clientOid"):
        value = entry.get(key) if isinstance(entry, dict) else None
        out[key] = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return out


def batch_place_order(svc: Services, req: ApiRequest) -> Any:
    outer = {"product": product_type(req), "symbol": req.text("symbol", required=True) or "",
             "coin": req.text("marginCoin", required=True) or "",
             "mode": req.choice("marginMode", MARGIN_MODES, required=True) or ""}
    raw = _order_list(req)
    items: list[FuturesOrderSpec | BitgetError] = []
    for entry in raw:
        try:
            if not isinstance(entry, dict):
                raise invalid("orderList")
            items.append(parse_order(req.sub(entry), outer))
        except BitgetError as exc:
            items.append(exc)
    success, failure = [], []
    results = svc.exchange.futures.trading.place_batch(req.uid, items, req.now_ms)
    for entry, result in zip(raw, results, strict=True):
        if isinstance(result, BitgetError):
            failure.append(_failure(_given(entry), result))
        else:
            success.append(_ids(result))
    return {"successList": success, "failureList": failure}


def cancel_order(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol", required=True)
    order_id, client = order_ref(req)
    return _ids(svc.exchange.futures.trading.cancel(req.uid, product, symbol, order_id, client, req.now_ms))


def batch_cancel_orders(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol", required=True)
    raw = _order_list(req, "orderIdList")
    items: list[tuple[str | None, str | None, str | None] | BitgetError] = []
    for entry in raw:
        try:
            if not isinstance(entry, dict):
                raise invalid("orderIdList")
            order_id, client = order_ref(req.sub(entry))
            items.append((symbol, order_id, client))
        except BitgetError as exc:
            items.append(exc)
    success, failure = [], []
    for entry, result in zip(raw, svc.exchange.futures.trading.cancel_batch(req.uid, product, items, req.now_ms),
                             strict=True):
        if isinstance(result, BitgetError):
            failure.append(_failure(_given(entry), result))
        else:
            success.append(_ids(result))
    return {"successList": success, "failureList": failure}


def cancel_all_orders(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    cancelled = svc.exchange.futures.trading.cancel_all(req.uid, product, req.text("symbol"),
                                                        req.text("marginCoin"), req.now_ms)
    return {"successList": [_ids(o) for o in cancelled], "failureList": []}


def modify_order(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    order_id, client = order_ref(req)
    new_client = client_oid(req, "newClientOid")
    if new_client is None:
        raise missing("newClientOid")
    size = req.amount("newSize")
    price = req.amount("newPrice")
    if size is None and price is None:
        raise missing("newSize")
    if (size is not None and size <= 0) or (price is not None and price <= 0):
        raise invalid("newSize" if size is not None and size <= 0 else "newPrice")
    order = svc.exchange.futures.trading.modify(req.uid, product, symbol, order_id, client, new_client, size, price,
                                                req.now_ms)
    return _ids(order)


def close_positions(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    results = svc.exchange.futures.trading.close_positions(req.uid, product, req.text("symbol"),
                                                           req.choice("holdSide", HOLD_SIDES), req.now_ms)
    success, failure = [], []
    for result in results:
        if isinstance(result, BitgetError):
            failure.append({"orderId": "", "clientOid": "", "symbol": "", "errorMsg": result.msg,
                            "errorCode": result.code})
        else:
            success.append({**_ids(result), "symbol": result.contract.symbol})
    return {"successList": success, "failureList": failure}


# -- reads ---------------------------------------------------------------------------------
def detail(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol", required=True)
    order_id, client = order_ref(req)
    svc.exchange.accounts.account(req.uid)
    return order_detail(svc.exchange.futures.trading.find(req.uid, product, symbol, order_id, client))


def _page(svc: Services, req: ApiRequest, product: str, extra: Any = None) -> FuturesPage:
    symbol = req.text("symbol")
    if symbol is not None:
        symbol = svc.exchange.futures_market.contract(product, symbol).symbol
    start, end = time_range(req)
    return FuturesPage(symbol, req.integer("idLessThan"), start, end, page_limit(req, 100, 100), extra)


def _order_filter(req: ApiRequest, statuses: tuple[str, ...] | None) -> Any:
    order_id = req.text("orderId")
    client = client_oid(req)
    status = req.choice("status", statuses) if statuses else None
    source = req.text("orderSource")

    def keep(o: FuturesOrder) -> bool:
        return ((order_id is None or str(o.oid) == order_id) and (client is None or o.client_oid == client)
                and (status is None or o.status == status) and (source is None or o.source == source))

    return keep


def _orders(svc: Services, req: ApiRequest, history: bool) -> Any:
    product = product_type(req)
    svc.exchange.accounts.account(req.uid)
    keep = _order_filter(req, None if history else ("live", "partially_filled"))
    book = svc.exchange.futures.engine.book(req.uid, product)
    found = page(book.closed if history else book.open, _page(svc, req, product, keep), lambda o: o.ctime)
    items = [order_item(o, history) for o in found]
    # the doc's pending list is null when empty; the history list is an empty array
    return {"entrustedList": items if items or history else None, "endId": str(found[-1].oid) if found else ""}


def orders_pending(svc: Services, req: ApiRequest) -> Any:
    return _orders(svc, req, False)


def orders_history(svc: Services, req: ApiRequest) -> Any:
    return _orders(svc, req, True)


def fills(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    svc.exchange.accounts.account(req.uid)
    order_id = req.text("orderId")
    keep = None if order_id is None else (lambda f: str(f.oid) == order_id)
    found = page(svc.exchange.futures.engine.book(req.uid, product).fills, _page(svc, req, product, keep),
                 lambda f: f.ctime)
    return {"fillList": [fill_view(f) for f in found], "endId": str(found[-1].tid) if found else ""}


_TRADE: dict[str, Any] = {"private": True, "permission": "contract_trade"}
_READ: dict[str, Any] = {"private": True}
_PT = Param("productType", required=True, enum=PRODUCT_TYPE_CHOICES)
_OUTER = (Param("symbol", required=True), _PT, Param("marginCoin", required=True),
          Param("marginMode", required=True, enum=MARGIN_MODES))
# an order's own fields (a place-order body, or a batch item)
_ITEM = (Param("side", required=True, enum=SIDES), Param("orderType", required=True, enum=ORDER_TYPES),
         Param("size", required=True), Param("price", doc="required for limit orders"),
         Param("force", enum=FORCES), Param("tradeSide", enum=TRADE_SIDES), Param("reduceOnly", enum=("YES", "NO")),
         Param("stpMode", enum=STP_MODES), Param("clientOid"), *(Param(name) for name in PRESETS))
_REF = (Param("orderId", doc="or clientOid"), Param("clientOid"))
_PAGE = (Param("symbol"), Param("idLessThan"), Param("startTime"), Param("endTime"), Param("limit"))
_ORDERS = (_PT, *_REF, Param("orderSource"), *_PAGE)
ENDPOINTS = (
    post("/api/v2/mix/order/place-order", place_order, limit=per_uid(10), **_TRADE, params=(*_OUTER, *_ITEM),
         response=rs.ORDER_REF),
    post("/api/v2/mix/order/batch-place-order", batch_place_order, limit=per_uid(5), **_TRADE, params=(
        *_OUTER, Param("orderList", required=True, kind="array", doc="items: " + ", ".join(p.name for p in _ITEM))),
        response=rs.BATCH),
    post("/api/v2/mix/order/cancel-order", cancel_order, limit=per_uid(10), **_TRADE, params=(
        Param("symbol", required=True), _PT, Param("marginCoin"), *_REF), response=rs.ORDER_REF),
    post("/api/v2/mix/order/batch-cancel-orders", batch_cancel_orders, limit=per_uid(10), **_TRADE, params=(
        Param("symbol", required=True), _PT, Param("marginCoin"),
        Param("orderIdList", required=True, kind="array", doc="items: orderId or clientOid")), response=rs.BATCH),
    post("/api/v2/mix/order/cancel-all-orders", cancel_all_orders, limit=per_uid(10), **_TRADE, params=(
        _PT, Param("symbol"), Param("marginCoin")), response=rs.BATCH),
    post("/api/v2/mix/order/modify-order", modify_order, limit=per_uid(10), **_TRADE, params=(
        Param("symbol", required=True), _PT, Param("marginCoin"), *_REF, Param("newClientOid", required=True),
        Param("newSize"), Param("newPrice")), response=rs.ORDER_REF),
    post("/api/v2/mix/order/close-positions", close_positions, limit=per_uid(1), **_TRADE, params=(
        _PT, Param("symbol"), Param("holdSide", enum=HOLD_SIDES)), response=rs.CLOSE_POSITIONS),
    get("/api/v2/mix/order/detail", detail, limit=per_uid(10), **_READ, params=(
        Param("symbol", required=True), _PT, *_REF), response=rs.ORDER_DETAIL),
    get("/api/v2/mix/order/orders-pending", orders_pending, limit=per_uid(10), **_READ, params=(
        *_ORDERS, Param("status", enum=("live", "partially_filled"))), response=rs.ORDERS_PENDING),
    get("/api/v2/mix/order/orders-history", orders_history, limit=per_uid(10), **_READ, params=_ORDERS,
        response=rs.ORDERS_HISTORY),
    get("/api/v2/mix/order/fills", fills, limit=per_uid(10), **_READ, params=(_PT, Param("orderId"), *_PAGE),
        response=rs.FILLS),
    get("/api/v2/mix/order/fill-history", fills, limit=per_uid(10), **_READ, params=(_PT, Param("orderId"), *_PAGE),
        response=rs.FILLS),
)
