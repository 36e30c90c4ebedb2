"""Spot trading reads: orderInfo, unfilled-orders, history-orders, fills, and the views they share.

Field names and types follow Bitget: numbers as decimal strings, times as ms strings, `feeDetail`
a JSON-encoded string on orders but an object on fills.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from ..endpoint import Param, get
from ..errors import invalid
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import Bool, Enum, IntStr, JsonStr, List, MaybeEmpty, Nullable, Number, NumStr, Obj, Str
from ..services import Services
from ..state.orders import Fill, Order
from ..state.trading import Page
from ..views import plain
from .spot_trade import PRESETS, order_ref

PAGE_MAX = 100
_AVG = Decimal("1e-8")


def _avg(order: Order) -> str:
    if not order.base_volume:
        return "0"
    return plain((order.quote_volume / order.base_volume).quantize(_AVG))


def fee_detail(order: Order) -> str:
    """Bitget's JSON-in-a-string fee summary; fees are negative numbers (money paid)."""
    paid = plain(-order.fee) if order.fee else "0"
    coin = orjson.dumps(order.fee_coin).decode()
    return (
        f'{{"newFees":{{"c":0,"d":0,"deduction":false,"r":{paid},"t":{paid},"totalDeductionFee":0}},'
        f'{coin}:{{"deduction":false,"feeCoinCode":{coin},"totalDeductionFee":0,"totalFee":{paid}}}}}'
    )


def order_view(order: Order) -> dict[str, Any]:
    """orderInfo and history-orders."""
    sym = order.sym
    return {
        "userId": order.uid,
        "symbol": sym.symbol,
        "orderId": str(order.oid),
        "clientOid": order.client_oid,
        "price": plain(order.price),
        "size": plain(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "status": order.status,
        "priceAvg": _avg(order),
        "baseVolume": plain(order.base_volume),
        "quoteVolume": plain(order.quote_volume),
        "enterPointSource": "API",
        "feeDetail": fee_detail(order),
        "orderSource": "market" if order.order_type == "market" else "normal",
        "cancelReason": order.cancel_reason,
        "cTime": str(order.ctime),
        "uTime": str(order.utime),
        "tpslType": "normal",
        "triggerPrice": None,
        "baseCoin": sym.base,
        "quoteCoin": sym.quote,
    }


def open_order_view(order: Order) -> dict[str, Any]:
    """unfilled-orders: `priceAvg` is the order's price here and `basePrice` the average fill."""
    return {
        "userId": order.uid,
        "symbol": order.sym.symbol,
        "orderId": str(order.oid),
        "clientOid": order.client_oid,
        "priceAvg": plain(order.price),
        "size": plain(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "status": order.status,
        "basePrice": _avg(order),
        "baseVolume": plain(order.base_volume),
        "quoteVolume": plain(order.quote_volume),
        "enterPointSource": "API",
        "orderSource": "normal",
        # strings, "" when unset: typed SDKs (pydantic, the Node SDK's SpotOpenOrderV2) reject null here
        **{name: order.presets.get(name) or "" for name in PRESETS},
        "cTime": str(order.ctime),
        "uTime": str(order.utime),
        "tpslType": "normal",
        "triggerPrice": None,
    }


def fill_view(fill: Fill) -> dict[str, Any]:
    return {
        "userId": fill.uid,
        "symbol": fill.symbol,
        "orderId": str(fill.oid),
        "tradeId": str(fill.tid),
        "orderType": fill.order_type,
        "side": fill.side,
        "priceAvg": plain(fill.price),
        "size": plain(fill.size),
        "amount": plain(fill.amount),
        "feeDetail": {
            "deduction": "no",
            "feeCoin": fill.fee_coin,
            "totalDeductionFee": "",  # "" with no deduction, as Bitget sends it (Get-Fills example)
            "totalFee": plain(-fill.fee) if fill.fee else "0",
        },
        "tradeScope": fill.scope,
        "cTime": str(fill.ctime),
        "uTime": str(fill.ctime),
    }


def page_of(req: ApiRequest) -> Page:
    start = req.integer("startTime")
    end = req.integer("endTime")
    if start is not None and end is not None and start > end:
        raise invalid("startTime")
    order_id = req.integer("orderId")
    limit = req.integer("limit", default=PAGE_MAX, lo=1, hi=PAGE_MAX) or PAGE_MAX
    return Page(req.text("symbol"), order_id, start, end, req.integer("idLessThan"), limit)


def order_info(svc: Services, req: ApiRequest) -> Any:
    order_id, client = order_ref(req)
    return [order_view(svc.exchange.trading.find(req.uid, order_id, client))]


def unfilled_orders(svc: Services, req: ApiRequest) -> Any:
    if req.choice("tpslType", ("normal", "tpsl"), default="normal") == "tpsl":
        return []  # plan (TP/SL) orders are not simulated
    return [open_order_view(o) for o in svc.exchange.trading.open_orders(req.uid, page_of(req))]


def history_orders(svc: Services, req: ApiRequest) -> Any:
    if req.choice("tpslType", ("normal", "tpsl"), default="normal") == "tpsl":
        return []
    return [order_view(o) for o in svc.exchange.trading.history(req.uid, page_of(req), req.now_ms)]


def fills(svc: Services, req: ApiRequest) -> Any:
    return [fill_view(f) for f in svc.exchange.trading.fills(req.uid, page_of(req), req.now_ms)]


_SIDE = Enum("buy", "sell")
_TYPE = Enum("limit", "market")
_TPSL = Enum("normal", "tpsl")
FEE_DETAIL = JsonStr(Obj(
    {"newFees": Obj({"c": Number, "d": Number, "deduction": Bool, "r": Number, "t": Number,
                     "totalDeductionFee": Number})},
    rest=Obj({"deduction": Bool, "feeCoinCode": Str, "totalDeductionFee": Number, "totalFee": Number}),
))
ORDER = Obj({
    "userId": Str, "symbol": Str, "orderId": IntStr, "clientOid": Str, "price": NumStr, "size": NumStr,
    "orderType": _TYPE, "side": _SIDE, "status": Enum("live", "partially_filled", "filled", "cancelled"),
    "priceAvg": NumStr, "baseVolume": NumStr, "quoteVolume": NumStr, "enterPointSource": Str,
    "feeDetail": FEE_DETAIL, "orderSource": Str, "cancelReason": MaybeEmpty(Enum("normal_cancel", "stp_cancel")),
    "cTime": IntStr, "uTime": IntStr, "tpslType": _TPSL, "triggerPrice": Nullable(NumStr), "baseCoin": Str,
    "quoteCoin": Str,
})
OPEN_ORDER = Obj({
    "userId": Str, "symbol": Str, "orderId": IntStr, "clientOid": Str, "priceAvg": NumStr, "size": NumStr,
    "orderType": _TYPE, "side": _SIDE, "status": Enum("live", "partially_filled"), "basePrice": NumStr,
    "baseVolume": NumStr, "quoteVolume": NumStr, "enterPointSource": Str, "orderSource": Str,
    **{name: MaybeEmpty(NumStr) for name in PRESETS},
    "cTime": IntStr, "uTime": IntStr, "tpslType": _TPSL, "triggerPrice": Nullable(NumStr),
})
FILL = Obj({
    "userId": Str, "symbol": Str, "orderId": IntStr, "tradeId": IntStr, "orderType": _TYPE, "side": _SIDE,
    "priceAvg": NumStr, "size": NumStr, "amount": NumStr,
    "feeDetail": Obj({"deduction": Enum("yes", "no"), "feeCoin": Str, "totalDeductionFee": MaybeEmpty(NumStr),
                      "totalFee": NumStr}),
    "tradeScope": Enum("taker", "maker"), "cTime": IntStr, "uTime": IntStr,
})

_PAGE = (Param("symbol"), Param("orderId", kind="integer"), Param("startTime", kind="integer"),
         Param("endTime", kind="integer"), Param("idLessThan", kind="integer"),
         Param("limit", kind="integer", doc=f"1..{PAGE_MAX}, default {PAGE_MAX}"))
_TPSL_PARAM = Param("tpslType", enum=("normal", "tpsl"), doc="tpsl: plan orders, none simulated")
ENDPOINTS = (
    get("/api/v2/spot/trade/orderInfo", order_info, private=True, limit=per_uid(20), params=(
        Param("orderId", doc="or clientOid"), Param("clientOid")), response=List(ORDER)),
    get("/api/v2/spot/trade/unfilled-orders", unfilled_orders, private=True, limit=per_uid(20),
        params=(*_PAGE, _TPSL_PARAM), response=List(OPEN_ORDER)),
    get("/api/v2/spot/trade/history-orders", history_orders, private=True, limit=per_uid(20),
        params=(*_PAGE, _TPSL_PARAM), response=List(ORDER)),
    get("/api/v2/spot/trade/fills", fills, private=True, limit=per_uid(10), params=_PAGE,
        response=List(FILL)),  # wallet
)
