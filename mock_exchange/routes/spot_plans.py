"""Spot plan (trigger) orders and cancel-replace: place, modify, cancel, batch cancel, current, history,
sub-orders (docs/conditional-orders.md has the rules and their sources)."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get, post
from ..errors import invalid
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import Bool, Enum, IntStr, List, MaybeEmpty, Nullable, NumStr, Obj, Str
from ..services import Services
from ..state.accounts import parse_amount
from ..state.constants import DAY_MS
from ..state.orders import NO_PRESETS, ZERO
from ..state.plans import EXECUTED, FAILED, PlanEdit, PlanOrder, PlanSpec
from ..state.trading import Page
from ..views import plain
from .params import client_oid, positive, time_range
from .spot_trade import BATCH, FORCES, ORDER_TYPES, PRESETS, SIDES, STP_MODES, order_ref

PLAN_TYPES = ("amount", "total")
# Bitget's place-plan-order example sends "market_price", which its parameter table does not list:
# taken as mark_price (the spot market has one price; both watch it)
TRIGGER_TYPES = ("fill_price", "mark_price", "market_price")
_TRIGGER_TYPES = {name: "mark_price" if name == "market_price" else name for name in TRIGGER_TYPES}  # as taken
HISTORY_SPAN_MS = 90 * DAY_MS
CURRENT_DEFAULT, HISTORY_DEFAULT, PAGE_MAX = 20, 100, 100


def _execute_price(req: ApiRequest, order_type: str) -> Any:
    """Required for limit orders; a market order's is read (it must be a number) and not used: ccxt
    sends the price it computed a market buy's cost from."""
    if order_type == "limit":
        return positive(req, "executePrice")
    req.amount("executePrice")
    return None


def _trigger_type(req: ApiRequest) -> str:
    return _TRIGGER_TYPES[req.choice("triggerType", TRIGGER_TYPES, required=True) or ""]


# The fast path reads only these fields; a request with any other field (stpMode, a field added later)
# goes the full way through `_parse_plan`. An allowlist: a new field is never skipped unread.
_FAST_FIELDS = frozenset(("symbol", "side", "triggerPrice", "orderType", "executePrice", "planType", "size",
                          "triggerType", "force", "clientOid"))
_SIDE_SET, _TYPE_SET = frozenset(SIDES), frozenset(ORDER_TYPES)
# an absent optional enum reads as its default; the fast path takes it, or one of the options as spelled
_PLAN_TYPE_SET, _FORCE_SET = frozenset((None, *PLAN_TYPES)), frozenset((None, *FORCES))


def parse_plan(req: ApiRequest) -> PlanSpec:
    """A place-plan-order body. The common shape (only `_FAST_FIELDS`, strings, enums spelled as Bitget
    documents them, no executePrice on a market plan) is read directly; anything else goes through
    `_parse_plan`, which gives every other case its answer (tests/test_trading_fastpaths.py holds the
    two to the same answers)."""
    p = req.params
    if _FAST_FIELDS.issuperset(p):
        get = p.get
        symbol, side, order_type, trigger, size = get("symbol"), get("side"), get("orderType"), \
            get("triggerPrice"), get("size")
        execute, force, plan_type = get("executePrice"), get("force"), get("planType")
        try:  # a list or an object where a string belongs is unhashable: the full parser answers it
            trigger_type = _TRIGGER_TYPES.get(get("triggerType"))  # type: ignore[arg-type]
            common = (trigger_type is not None and side in _SIDE_SET and order_type in _TYPE_SET
                      and plan_type in _PLAN_TYPE_SET and force in _FORCE_SET)
        except TypeError:
            common = False
        limit = order_type == "limit"
        if (common and trigger_type is not None and type(symbol) is str and 0 < len(symbol) <= 256
                and type(trigger) is str and trigger and type(size) is str and size
                and ((type(execute) is str and execute) if limit else execute in (None, ""))):
            # the trigger, the execute price, the size, then the client id: _parse_plan's order of errors
            trigger_price = parse_amount(trigger, "triggerPrice", allow_zero=False)
            execute_price = parse_amount(execute, "executePrice", allow_zero=False) if limit else None
            amount = parse_amount(size, "size", allow_zero=False)
            return PlanSpec(symbol, p["side"], trigger_price, trigger_type, p["orderType"], amount,
                            plan_type or "amount", execute_price, (force or "gtc") if limit else "gtc",
                            client_oid(req))
    return _parse_plan(req)


def _parse_plan(req: ApiRequest) -> PlanSpec:
    symbol = req.text("symbol", required=True) or ""
    side = req.choice("side", SIDES, required=True) or ""
    trigger = positive(req, "triggerPrice")
    order_type = req.choice("orderType", ORDER_TYPES, required=True) or ""
    execute = _execute_price(req, order_type)
    plan_type = req.choice("planType", PLAN_TYPES, default="amount") or "amount"
    size = positive(req, "size")
    trigger_type = _trigger_type(req)
    force = req.choice("force", FORCES, default="gtc") or "gtc"
    if "stpMode" in req.params:
        req.choice("stpMode", STP_MODES, default="none")
    return PlanSpec(symbol, side, trigger, trigger_type, order_type, size, plan_type, execute,
                    force if order_type == "limit" else "gtc", client_oid(req))


def place_plan_order(svc: Services, req: ApiRequest) -> Any:
    plan = svc.exchange.plans.place(req.uid, parse_plan(req), req.now_ms)
    return {"orderId": str(plan.oid), "clientOid": plan.client_oid}


def modify_plan_order(svc: Services, req: ApiRequest) -> Any:
    order_id, client = order_ref(req)
    trigger = positive(req, "triggerPrice")
    order_type = req.choice("orderType", ORDER_TYPES, required=True) or ""
    edit = PlanEdit(trigger, order_type, positive(req, "size"), _execute_price(req, order_type))
    plan = svc.exchange.plans.modify(req.uid, order_id, client, edit, req.now_ms)
    return {"orderId": str(plan.oid), "clientOid": plan.client_oid}


def cancel_plan_order(svc: Services, req: ApiRequest) -> Any:
    order_id, client = order_ref(req)
    svc.exchange.plans.cancel(req.uid, order_id, client, req.now_ms)
    return {"result": "success"}


def batch_cancel_plan_order(svc: Services, req: ApiRequest) -> Any:
    raw = req.params.get("symbolList")
    symbols: list[str] | None = None
    if raw not in (None, "", []):
        if not isinstance(raw, list) or not all(isinstance(s, str) and 0 < len(s) <= 256 for s in raw):
            raise invalid("symbolList")
        symbols = raw
    done = svc.exchange.plans.cancel_symbols(req.uid, symbols, req.now_ms)
    return {"successList": [{"orderId": str(p.oid), "clientOid": p.client_oid} for p in done], "failureList": []}


def _page(req: ApiRequest, default: int, span_ms: int | None) -> Page:
    start, end = time_range(req, max_ms=span_ms)
    limit = req.integer("limit", default=default, lo=1, hi=PAGE_MAX) or default
    return Page(req.text("symbol"), None, start, end, req.integer("idLessThan"), limit)


def _listing(plans: list[PlanOrder], limit: int) -> dict[str, Any]:
    shown = plans[:limit]
    return {"nextFlag": len(plans) > limit, "idLessThan": str(shown[-1].oid) if shown else "",
            "orderList": [plan_view(p) for p in shown]}


def current_plan_order(svc: Services, req: ApiRequest) -> Any:
    page = _page(req, CURRENT_DEFAULT, HISTORY_SPAN_MS)
    return _listing(svc.exchange.plans.current(req.uid, page), page.limit)


def history_plan_order(svc: Services, req: ApiRequest) -> Any:
    page = _page(req, HISTORY_DEFAULT, HISTORY_SPAN_MS)
    return _listing(svc.exchange.plans.history(req.uid, page), page.limit)


def plan_sub_order(svc: Services, req: ApiRequest) -> Any:
    plan_id = req.text("planOrderId", required=True)
    plans = svc.exchange.plans
    plan = plans.find(req.uid, plan_id, None)
    if plan.status == FAILED:
        return [{"orderId": "", "price": plain(plan.execute_price or ZERO), "type": plan.order_type, "status": "fail"}]
    if plan.status != EXECUTED:
        return []
    order = plans.produced(plan)
    price = plan.execute_price if plan.execute_price is not None else (
        order.quote_volume / order.base_volume if order is not None and order.base_volume else ZERO)
    return [{"orderId": str(plan.order_id), "price": plain(price), "type": plan.order_type, "status": "success"}]


def cancel_replace_order(svc: Services, req: ApiRequest) -> Any:
    symbol = req.text("symbol", required=True) or ""
    price = positive(req, "price")
    size = positive(req, "size")
    order_id, client = order_ref(req)
    new_client = client_oid(req, "newClientOid")
    presets = NO_PRESETS
    if any(name in req.params for name in PRESETS):
        presets = {name: plain(amount) for name in PRESETS if (amount := req.amount(name)) is not None}
    order = svc.exchange.trading.replace(req.uid, symbol, order_id, client, price, size, new_client, presets,
                                         req.now_ms)
    return {"orderId": str(order.oid), "clientOid": new_client, "success": "success", "msg": None}


def plan_view(plan: PlanOrder) -> dict[str, Any]:
    """current-plan-order and history-plan-order. planType upper-case and a waiting plan `live`, as a
    recorded real answer has them (ccxt's fetchOpenOrders comment); the doc examples show lower case."""
    return {
        "orderId": str(plan.oid),
        "clientOid": plan.client_oid,
        "symbol": plan.sym.symbol,
        "size": plain(plan.size),
        "executePrice": plain(plan.execute_price or ZERO),
        "triggerPrice": plain(plan.trigger_price),
        "status": plan.status,
        "orderType": plan.order_type,
        "side": plan.side,
        "planType": plan.plan_type.upper(),
        "triggerType": plan.trigger_type,
        "enterPointSource": "API",
        "uTime": str(plan.utime),
        "cTime": str(plan.ctime),
    }


PLAN_REF = Obj({"orderId": IntStr, "clientOid": Str})
PLAN = Obj({
    "orderId": IntStr, "clientOid": Str, "symbol": Str, "size": NumStr, "executePrice": NumStr,
    "triggerPrice": NumStr, "status": Enum("live", "executed", "fail_execute", "cancelled"),
    "orderType": Enum(*ORDER_TYPES), "side": Enum(*SIDES), "planType": Enum("AMOUNT", "TOTAL"),
    "triggerType": Enum("fill_price", "mark_price"), "enterPointSource": Str, "uTime": IntStr, "cTime": IntStr,
})
PLAN_LIST = Obj({"nextFlag": Bool, "idLessThan": MaybeEmpty(IntStr), "orderList": List(PLAN)})
SUB_ORDER = Obj({"orderId": MaybeEmpty(IntStr), "price": NumStr, "type": Enum(*ORDER_TYPES),
                 "status": Enum("success", "fail")})
REPLACED = Obj({"orderId": IntStr, "clientOid": Nullable(Str), "success": Enum("success"), "msg": Nullable(Str)})

_REF = (Param("orderId", doc="either orderId or clientOid"), Param("clientOid"))
_PAGE = (Param("symbol"), Param("limit"), Param("idLessThan"), Param("startTime"), Param("endTime"))
_PLAN_PARAMS = (
    Param("symbol", required=True), Param("side", required=True, enum=SIDES),
    Param("triggerPrice", required=True), Param("orderType", required=True, enum=ORDER_TYPES),
    Param("executePrice", doc="required when orderType is limit"), Param("planType", enum=PLAN_TYPES),
    Param("size", required=True), Param("triggerType", required=True, enum=TRIGGER_TYPES[:2]),
    Param("clientOid"), Param("force", enum=FORCES), Param("stpMode", enum=STP_MODES),
)
_TRADE = {"private": True, "permission": "spot_trade"}
_T = "/api/v2/spot/trade/"
ENDPOINTS = (  # limits: each endpoint's Bitget doc page (Place-Plan-Order, ...)
    post(_T + "place-plan-order", place_plan_order, **_TRADE, limit=per_uid(20), params=_PLAN_PARAMS,
         response=PLAN_REF),
    post(_T + "modify-plan-order", modify_plan_order, **_TRADE, limit=per_uid(20), params=(
        *_REF, Param("triggerPrice", required=True), Param("orderType", required=True, enum=ORDER_TYPES),
        Param("executePrice"), Param("size", required=True)), response=PLAN_REF),
    post(_T + "cancel-plan-order", cancel_plan_order, **_TRADE, limit=per_uid(20), params=_REF,
         response=Obj({"result": Enum("success")})),
    # 5/s on the newer doc page (bitget.fit), 10/s on www.bitget.com's: the stricter one
    post(_T + "batch-cancel-plan-order", batch_cancel_plan_order, **_TRADE, limit=per_uid(5),
         params=(Param("symbolList", kind="array"),), response=BATCH),
    get(_T + "current-plan-order", current_plan_order, private=True, limit=per_uid(20), params=_PAGE,
        response=PLAN_LIST),
    get(_T + "history-plan-order", history_plan_order, private=True, limit=per_uid(20), params=_PAGE,
        response=PLAN_LIST),
    get(_T + "plan-sub-order", plan_sub_order, private=True, limit=per_uid(20),
        params=(Param("planOrderId", required=True),), response=List(SUB_ORDER)),
    post(_T + "cancel-replace-order", cancel_replace_order, **_TRADE, limit=per_uid(5), params=(
        Param("symbol", required=True), Param("price", required=True), Param("size", required=True), *_REF,
        Param("newClientOid"), *(Param(name) for name in PRESETS)), response=REPLACED),
)
