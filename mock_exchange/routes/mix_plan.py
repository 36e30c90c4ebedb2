"""Futures (mix) conditional orders: trigger orders and TP/SL orders placed, modified, cancelled and
listed (docs/futures-conditional.md, "Futures"); the state is `state/futures/plans.py`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..endpoint import Param, get, post
from ..errors import BitgetError, invalid, missing
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..services import Services
from ..state.futures.margin import LONG, SHORT
from ..state.futures.plan_model import (
    CANCELLED,
    EXECUTED,
    FAILED,
    LOSS_PLAN,
    MOVING_PLAN,
    NORMAL_PLAN,
    PLAN_TPSL,
    POS_LOSS,
    POS_PROFIT,
    PROFIT_PLAN,
    TPSL_TYPES,
    TRACK_PLAN,
    TRIGGER_TYPES,
    FuturesPlan,
    PlanChange,
    PlanSpec,
    TpslSpec,
)
from ..state.futures.queries import FuturesPage, page
from ..views import plain
from . import mix_schemas as rs
from .mix import PRODUCT_TYPE_CHOICES, product_type
from .mix_order import MARGIN_MODES, ORDER_TYPES, SIDES, STP_MODES, TRADE_SIDES, YES_NO, _order_list
from .params import client_oid, page_limit, positive, time_range
from .spot_trade import order_ref

PLAN_TYPES = (NORMAL_PLAN, TRACK_PLAN)
LIST_TYPES = (NORMAL_PLAN, TRACK_PLAN, "profit_loss")
CANCEL_TYPES = (NORMAL_PLAN, TRACK_PLAN, *TPSL_TYPES)
HOLD_SIDES = ("long", "short", "buy", "sell")
PLAN_STATUSES = (EXECUTED, FAILED, CANCELLED)
_NEW_TPSL = {"new" + name[0].upper() + name[1:]: name for name in PLAN_TPSL}


MAX_CALLBACK_RATIO = Decimal(10)  # the doc: "the rate cannot be greater than 10"


def _callback_ratio(req: ApiRequest, name: str, required: bool) -> Decimal | None:
    """A trailing order's callback rate (callbackRatio) or a trailing stop's callback range (rangeRate),
    a percent in (0, 10]."""
    ratio = req.amount(name)
    if ratio is None:
        if required:
            raise missing(name)
        return None
    if ratio <= 0 or ratio > MAX_CALLBACK_RATIO:
        raise invalid(name)
    return ratio


def _trigger(req: ApiRequest, name: str = "triggerPrice") -> Decimal:
    return positive(req, name)


def _tpsl_fields(req: ApiRequest, names: dict[str, str]) -> dict[str, str]:
    """A trigger order's TP/SL: prices positive decimals, trigger types fill_price / mark_price."""
    out = {}
    for given, name in names.items():
        if name.endswith("Type"):
            value = req.choice(given, TRIGGER_TYPES)
            if value is not None:
                out[name] = value
            continue
        price = req.amount(given)
        if price is not None:
            if price < 0:
                raise invalid(given)
            if price > 0:
                out[name] = plain(price)
    return out


def _ids(plan: FuturesPlan) -> dict[str, str]:
    return {"orderId": str(plan.oid), "clientOid": plan.client_oid}


# -- trigger orders --------------------------------------------------------------------------------
def place_plan_order(svc: Services, req: ApiRequest) -> Any:
    plan_type = req.choice("planType", PLAN_TYPES, required=True) or ""
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    coin = req.text("marginCoin", required=True) or ""
    mode = req.choice("marginMode", MARGIN_MODES, required=True) or ""
    size = positive(req, "size")
    trigger = _trigger(req)
    trigger_type = req.choice("triggerType", TRIGGER_TYPES, required=True) or ""
    side = req.choice("side", SIDES, required=True) or ""
    order_type = req.choice("orderType", ORDER_TYPES, required=True) or ""
    price = None
    ratio = None
    if plan_type == TRACK_PLAN:  # a trailing order places a market order: no price (the doc, ccxt)
        ratio = _callback_ratio(req, "callbackRatio", required=True)
        if order_type != "market":
            raise invalid("orderType")
        if req.amount("price") or req.amount("executePrice"):
            raise invalid("price")
    elif order_type == "limit":  # ccxt sends the limit price as both price and executePrice
        price = req.amount("price") or req.amount("executePrice")
        if price is None:
            raise missing("price")
        if price <= 0:
            raise invalid("price")
    if "stpMode" in req.params:
        req.choice("stpMode", STP_MODES, default="none")
    spec = PlanSpec(symbol, product, coin, mode, side, order_type, size, trigger, trigger_type, price,
                    req.choice("tradeSide", TRADE_SIDES), req.choice("reduceOnly", YES_NO, default="no") == "yes",
                    client_oid(req), _tpsl_fields(req, {name: name for name in PLAN_TPSL}), plan_type, ratio)
    return _ids(svc.exchange.futures.plans.place_plan(req.uid, spec, req.now_ms))


def modify_plan_order(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    order_id, client = order_ref(req)
    plan_type = req.choice("planType", PLAN_TYPES)
    size = req.amount("newSize")
    price = req.amount("newPrice")
    trigger = req.amount("newTriggerPrice")
    for name, value in (("newSize", size), ("newPrice", price), ("newTriggerPrice", trigger)):
        if value is not None and value <= 0:
            raise invalid(name)
    change = PlanChange(size, price, trigger, req.choice("newTriggerType", TRIGGER_TYPES),
                        _tpsl_fields(req, _NEW_TPSL), callback_ratio=_callback_ratio(req, "newCallbackRatio", False))
    plan = svc.exchange.futures.plans.modify_plan(req.uid, product, symbol, order_id, client, plan_type, change,
                                                  req.now_ms)
    return _ids(plan)


# -- TP/SL orders ----------------------------------------------------------------------------------
def _hold_side(req: ApiRequest) -> str:
    """long/short in hedge mode, buy/sell in one-way mode (the doc); either is taken in both: ccxt sends
    buy/sell unless `hedged` (docs/futures-conditional.md)."""
    side = req.choice("holdSide", HOLD_SIDES, required=True) or ""
    return {"buy": LONG, "sell": SHORT}.get(side, side)


def _execute_price(req: ApiRequest, name: str) -> Decimal | None:
    """An execute price: absent, "" or 0 mean a market order when triggered."""
    value = req.amount(name)
    if value is not None and value < 0:
        raise invalid(name)
    return value if value else None


def _optional_size(req: ApiRequest, name: str, plan_type: str) -> Decimal | None:
    if plan_type in (POS_PROFIT, POS_LOSS):
        req.amount(name)  # sent or not, it is the whole position
        return None
    return positive(req, name)


def place_tpsl_order(svc: Services, req: ApiRequest) -> Any:
    coin = req.text("marginCoin", required=True) or ""
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    plan_type = req.choice("planType", TPSL_TYPES, required=True) or ""
    trigger = _trigger(req)
    trigger_type = req.choice("triggerType", TRIGGER_TYPES, default="fill_price") or "fill_price"
    execute = _execute_price(req, "executePrice")
    hold_side = _hold_side(req)
    size = _optional_size(req, "size", plan_type)
    # a trailing stop needs its callback range (the doc); the others ignore it ("" in the doc's example)
    rate = _callback_ratio(req, "rangeRate", required=True) if plan_type == MOVING_PLAN else None
    if "stpMode" in req.params:
        req.choice("stpMode", STP_MODES, default="none")
    spec = TpslSpec(symbol, product, coin, plan_type, hold_side, trigger, trigger_type, execute, size, client_oid(req),
                    rate)
    return _ids(svc.exchange.futures.plans.place_tpsl(req.uid, spec, req.now_ms))


def place_pos_tpsl(svc: Services, req: ApiRequest) -> Any:
    coin = req.text("marginCoin", required=True) or ""
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    hold_side = _hold_side(req)
    legs = []
    for kind, whole, part in (("stopSurplus", POS_PROFIT, PROFIT_PLAN), ("stopLoss", POS_LOSS, LOSS_PLAN)):
        trigger = req.amount(kind + "TriggerPrice")
        if trigger is None:
            continue
        if trigger <= 0:
            raise invalid(kind + "TriggerPrice")
        size = req.amount(kind + "Size")  # given: a TP/SL of that size; not given: of the whole position
        if size is not None and size <= 0:
            raise invalid(kind + "Size")
        trigger_type = req.choice(kind + "TriggerType", TRIGGER_TYPES, default="fill_price") or "fill_price"
        legs.append(TpslSpec(symbol, product, coin, whole if size is None else part, hold_side, trigger, trigger_type,
                             _execute_price(req, kind + "ExecutePrice"), size, client_oid(req, kind + "ClientOid")))
    if not legs:
        raise missing("stopSurplusTriggerPrice")
    if "stpMode" in req.params:
        req.choice("stpMode", STP_MODES, default="none")
    plans = svc.exchange.futures.plans.place_pos_tpsl(req.uid, legs, req.now_ms)
    return [{"orderId": str(p.oid), "stopSurplusClientOid": p.client_oid if p.plan_type in (POS_PROFIT, PROFIT_PLAN)
             else "", "stopLossClientOid": p.client_oid if p.plan_type in (POS_LOSS, LOSS_PLAN) else ""}
            for p in plans]


def modify_tpsl_order(svc: Services, req: ApiRequest) -> Any:
    order_id, client = order_ref(req)
    coin = req.text("marginCoin", required=True) or ""
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    trigger = _trigger(req)
    trigger_type = req.choice("triggerType", TRIGGER_TYPES)
    given = req.params.get("executePrice") is not None
    execute = _execute_price(req, "executePrice")
    size = req.amount("size")  # required by the doc; "" or 0 for a whole-position TP/SL
    if size is None and "size" not in req.params:
        raise missing("size")
    if size is not None and size < 0:
        raise invalid("size")
    change = PlanChange(size or None, None, trigger, trigger_type, execute_price_given=given,
                        callback_ratio=_callback_ratio(req, "rangeRate", False))
    plan = svc.exchange.futures.plans.modify_tpsl(req.uid, product, symbol, coin, order_id, client, change, execute,
                                                  req.now_ms)
    return _ids(plan)


# -- cancelling ------------------------------------------------------------------------------------
def cancel_plan_order(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol")
    coin = req.text("marginCoin")
    plan_type = req.choice("planType", CANCEL_TYPES)
    refs: list[tuple[str | None, str | None]] | None = None
    raw: list[Any] = []
    if req.params.get("orderIdList") not in (None, []):
        raw = _order_list(req, "orderIdList")
        if symbol is None:
            raise missing("symbol")  # the doc: with a list, symbol must be given
        refs = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise invalid("orderIdList")
            refs.append(order_ref(req.sub(entry)))
    results = svc.exchange.futures.plans.cancel(req.uid, product, symbol, coin, plan_type, refs, req.now_ms)
    success, failure = [], []
    for i, result in enumerate(results):
        if isinstance(result, BitgetError):
            order_id, client = refs[i] if refs is not None else (None, None)
            failure.append({"orderId": order_id or "", "clientOid": client or "", "errorMsg": result.msg})
        else:
            success.append(_ids(result))
    return {"successList": success, "failureList": failure}


# -- reads -----------------------------------------------------------------------------------------
def _tpsl_view(plan: FuturesPlan) -> dict[str, Any]:
    """The TP/SL fields of a listed plan. A trigger order shows the TP/SL it carries ("" where unset, as
    the doc's example); a TP/SL order shows its own trigger on its side and null elsewhere (as a
    recorded real answer does)."""
    if not plan.is_tpsl:
        return {name: plan.tpsl.get(name, "") for name in PLAN_TPSL}
    profit = plan.plan_type in (PROFIT_PLAN, POS_PROFIT)
    mine = {"TriggerPrice": plain(plan.trigger_price), "ExecutePrice": None, "TriggerType": plan.trigger_type}
    out: dict[str, Any] = {}
    for kind in ("stopSurplus", "stopLoss"):
        for part, value in mine.items():
            out[kind + part] = value if (kind == "stopSurplus") == profit else None
    return out


def _common(plan: FuturesPlan) -> dict[str, Any]:
    price = plain(plan.price) if plan.order_type == "limit" else "0"
    return {
        "planType": plan.plan_type,
        "symbol": plan.contract.symbol,
        "size": plain(plan.size),
        "orderId": str(plan.oid),
        "clientOid": plan.client_oid,
        "price": price,
        "executePrice": price,
        "callbackRatio": plain(plan.callback_ratio) if plan.callback_ratio is not None else "",
        "triggerPrice": plain(plan.trigger_price),
        "triggerType": plan.trigger_type,
        "planStatus": plan.status,
        "side": plan.side,
        "posSide": plan.hold_side if plan.pos_mode == "hedge_mode" else "net",
        "marginCoin": plan.margin_coin,
        "marginMode": plan.margin_mode,
        "enterPointSource": "API",  # upper case in Bitget's answers (a recorded one, ccxt's comments)
        "tradeSide": plan.shown_trade_side,
        "posMode": plan.pos_mode,
        "orderType": plan.order_type,
        **_tpsl_view(plan),
        "cTime": str(plan.ctime),
        "uTime": str(plan.utime),
    }


def _history_view(svc: Services, plan: FuturesPlan) -> dict[str, Any]:
    view = _common(plan)
    order = None
    if plan.order_id is not None:
        order = svc.exchange.futures.engine.book(plan.uid, plan.product).find(plan.order_id)
    view["executeOrderId"] = str(plan.order_id) if plan.order_id is not None else ""
    filled = order.base_volume if order is not None else Decimal(0)
    view["priceAvg"] = plain(order.quote_volume / filled) if order is not None and filled else "0"
    view["baseVolume"] = plain(filled)
    return view


def _plans(svc: Services, req: ApiRequest, history: bool) -> Any:
    product = product_type(req)
    svc.exchange.accounts.account(req.uid)
    plan_type = req.choice("planType", LIST_TYPES, required=True) or ""
    types = TPSL_TYPES if plan_type == "profit_loss" else (plan_type,)
    order_id = req.text("orderId")
    client = client_oid(req)
    status = req.choice("planStatus", PLAN_STATUSES) if history else None
    symbol = req.text("symbol")
    if symbol is not None:
        symbol = svc.exchange.futures_market.contract(product, symbol).symbol
    start, end = time_range(req)

    def keep(p: FuturesPlan) -> bool:
        return (p.plan_type in types and (order_id is None or str(p.oid) == order_id)
                and (client is None or p.client_oid == client) and (status is None or p.status == status))

    book = svc.exchange.futures.plans.book(req.uid, product)
    found = page(book.done if history else book.live,
                 FuturesPage(symbol, req.integer("idLessThan"), start, end, page_limit(req, 100, 100), keep),
                 lambda p: p.ctime)
    items = [_history_view(svc, p) if history else _common(p) for p in found]
    return {"entrustedList": items, "endId": str(found[-1].oid) if found else ""}


def plan_sub_order(svc: Services, req: ApiRequest) -> Any:
    """The order a fired trigger or trailing order placed: `success` with its id and price (the limit price,
    or a market order's average fill), `fail` with an empty id when the trigger could place nothing; none
    while it waits or once cancelled (as spot's plan-sub-order, docs/futures-conditional.md)."""
    plan_type = req.choice("planType", PLAN_TYPES, required=True) or ""
    plan_id = req.text("planOrderId", required=True) or ""
    product = product_type(req)
    plan = svc.exchange.futures.plans.planned(req.uid, product, plan_id, plan_type)
    price = plan.price if plan.order_type == "limit" else Decimal(0)
    if plan.status == FAILED:
        return [{"orderId": "", "price": plain(price), "type": plan.order_type, "status": "fail"}]
    if plan.status != EXECUTED or plan.order_id is None:
        return []
    order = svc.exchange.futures.engine.book(plan.uid, plan.product).find(plan.order_id)
    if plan.order_type == "market" and order is not None and order.base_volume:
        price = order.quote_volume / order.base_volume
    return [{"orderId": str(plan.order_id), "price": plain(price), "type": plan.order_type, "status": "success"}]


def orders_plan_pending(svc: Services, req: ApiRequest) -> Any:
    return _plans(svc, req, False)


def orders_plan_history(svc: Services, req: ApiRequest) -> Any:
    return _plans(svc, req, True)


_TRADE: dict[str, Any] = {"private": True, "permission": "contract_trade", "limit": per_uid(10)}
_READ: dict[str, Any] = {"private": True, "limit": per_uid(10)}
_PT = Param("productType", required=True, enum=PRODUCT_TYPE_CHOICES)
_TT = TRIGGER_TYPES
_LIST_PARAMS = (Param("planType", required=True, enum=LIST_TYPES), _PT, Param("symbol"), Param("orderId"),
                Param("clientOid"), Param("idLessThan"), Param("startTime"), Param("endTime"), Param("limit"))
# every limit: 10 requests/s per UID, as each of these endpoints' doc pages says
ENDPOINTS = (
    post("/api/v2/mix/order/place-plan-order", place_plan_order, **_TRADE, response=rs.ORDER_REF, params=(
        Param("planType", required=True, enum=PLAN_TYPES), Param("symbol", required=True), _PT,
        Param("marginMode", required=True, enum=MARGIN_MODES), Param("marginCoin", required=True),
        Param("size", required=True), Param("price"), Param("callbackRatio"), Param("triggerPrice", required=True),
        Param("triggerType", required=True, enum=_TT), Param("side", required=True, enum=SIDES),
        Param("tradeSide", enum=TRADE_SIDES), Param("orderType", required=True, enum=ORDER_TYPES),
        Param("clientOid"), Param("reduceOnly", enum=("YES", "NO")),
        *(Param(name, enum=_TT if name.endswith("Type") else ()) for name in PLAN_TPSL),
        Param("stpMode", enum=STP_MODES))),
    post("/api/v2/mix/order/place-tpsl-order", place_tpsl_order, **_TRADE, response=rs.ORDER_REF, params=(
        Param("marginCoin", required=True), _PT, Param("symbol", required=True),
        Param("planType", required=True, enum=TPSL_TYPES), Param("triggerPrice", required=True),
        Param("triggerType", enum=_TT), Param("executePrice"), Param("holdSide", required=True, enum=HOLD_SIDES),
        Param("size"), Param("rangeRate"), Param("clientOid"), Param("stpMode", enum=STP_MODES))),
    post("/api/v2/mix/order/place-pos-tpsl", place_pos_tpsl, **_TRADE, response=rs.POS_TPSL, params=(
        Param("marginCoin", required=True), _PT, Param("symbol", required=True),
        *(Param(kind + part, enum=_TT if part == "TriggerType" else ()) for kind in ("stopSurplus", "stopLoss")
          for part in ("TriggerPrice", "Size", "TriggerType", "ExecutePrice", "ClientOid")),
        Param("holdSide", required=True, enum=HOLD_SIDES), Param("stpMode", enum=STP_MODES))),
    post("/api/v2/mix/order/modify-plan-order", modify_plan_order, **_TRADE, response=rs.ORDER_REF, params=(
        Param("orderId"), Param("clientOid"), Param("symbol", required=True), _PT, Param("planType", enum=PLAN_TYPES),
        Param("newSize"), Param("newPrice"), Param("newCallbackRatio"), Param("newTriggerPrice"),
        Param("newTriggerType", enum=_TT),
        *(Param(name, enum=_TT if name.endswith("Type") else ()) for name in _NEW_TPSL))),
    post("/api/v2/mix/order/modify-tpsl-order", modify_tpsl_order, **_TRADE, response=rs.ORDER_REF, params=(
        Param("orderId"), Param("clientOid"), Param("marginCoin", required=True), _PT, Param("symbol", required=True),
        Param("triggerPrice", required=True), Param("triggerType", enum=_TT), Param("executePrice"),
        Param("size", required=True), Param("rangeRate"))),
    post("/api/v2/mix/order/cancel-plan-order", cancel_plan_order, **_TRADE, response=rs.PLAN_CANCEL, params=(
        Param("orderIdList", kind="array"), Param("symbol"), _PT, Param("marginCoin"),
        Param("planType", enum=CANCEL_TYPES))),
    get("/api/v2/mix/order/plan-sub-order", plan_sub_order, **_READ, response=rs.PLAN_SUB_ORDERS, params=(
        Param("planType", required=True, enum=PLAN_TYPES), Param("planOrderId", required=True), _PT)),
    get("/api/v2/mix/order/orders-plan-pending", orders_plan_pending, **_READ, response=rs.PLANS_PENDING,
        params=_LIST_PARAMS),
    get("/api/v2/mix/order/orders-plan-history", orders_plan_history, **_READ, response=rs.PLANS_HISTORY,
        params=(*_LIST_PARAMS, Param("planStatus", enum=PLAN_STATUSES))),
)
