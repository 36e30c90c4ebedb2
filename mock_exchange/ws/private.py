"""Private spot channels' items (docs/websocket.md): `account`, `orders`, `fill`, rendered from
the same state objects REST reads, at the moment of the state event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..routes.spot_plans import plan_view
from ..state.accounts import Account, Balance
from ..state.orders import Fill, Order
from ..state.plans import PlanOrder
from ..views import plain

_AVG = Decimal("1e-8")


def account_item(coin: str, balance: Balance) -> dict[str, str]:
    return {"coin": coin, "available": plain(balance.available), "frozen": plain(balance.frozen),
            "locked": "0", "limitAvailable": plain(balance.available), "uTime": str(balance.utime)}


def account_snapshot(account: Account, coin: str) -> list[dict[str, str]]:
    """`coin` "default": every spot coin the account holds; else that coin (zero when it holds none)."""
    wallet = account.wallet("spot")
    if coin != "default":
        return [account_item(coin, wallet.get(coin) or Balance())]
    return [account_item(c, b) for c, b in sorted(wallet.items()) if b.available or b.frozen]


def _avg(order: Order) -> str:
    return plain((order.quote_volume / order.base_volume).quantize(_AVG)) if order.base_volume else "0"


def order_item(order: Order, fill: Fill | None = None) -> dict[str, Any]:
    """A spot order as the `orders` channel pushes it; with `fill`, the fill that caused the push.

    No `posMode`: ccxt tells spot pushes from futures ones by its absence."""
    is_market_buy = order.order_type == "market" and order.is_buy
    notional = order.size if is_market_buy else order.price * order.size
    paid = plain(-order.fee) if order.fee else "0"
    return {
        "instId": order.sym.symbol,
        "orderId": str(order.oid),
        "clientOid": order.client_oid,
        "price": plain(order.price),
        "size": plain(order.size),
        "newSize": plain(order.size),
        "notional": plain(notional),
        "orderType": order.order_type,
        "force": order.force,
        "side": order.side,
        "fillPrice": plain(fill.price) if fill else "0",
        "tradeId": str(fill.tid) if fill else "",
        # cumulative, as REST's baseVolume: ccxt reads it as the order's filled amount when present
        "baseVolume": plain(order.base_volume),
        "fillTime": str(fill.ctime) if fill else "",
        "fillFee": plain(-fill.fee) if fill else "0",
        "fillFeeCoin": order.fee_coin,
        "tradeScope": ("T" if fill.scope == "taker" else "M") if fill else "",
        "accBaseVolume": plain(order.base_volume),
        "priceAvg": _avg(order),
        "status": order.status,
        "cTime": str(order.ctime),
        "uTime": str(order.utime),
        "stpMode": "none",
        "feeDetail": [{"feeCoin": order.fee_coin, "fee": paid}],
        "enterPointSource": "API",
    }


def fill_item(fill: Fill) -> dict[str, Any]:
    fee = plain(-fill.fee) if fill.fee else "0"
    return {
        "orderId": str(fill.oid),
        "tradeId": str(fill.tid),
        "symbol": fill.symbol,
        "orderType": fill.order_type,
        "side": fill.side,
        "priceAvg": plain(fill.price),
        "size": plain(fill.size),
        "amount": plain(fill.amount),
        "tradeScope": fill.scope,
        "feeDetail": [{"feeCoin": fill.fee_coin, "deduction": "no", "totalDeductionFee": "0", "totalFee": fee}],
        "cTime": str(fill.ctime),
        "uTime": str(fill.ctime),
    }


def plan_item(plan: PlanOrder) -> dict[str, Any]:
    """A spot plan order as the `orders-algo` channel pushes it: REST's current/history-plan-order view
    (placed or modified `live`, then `executed`, `fail_execute` or `cancelled`) under the socket's
    `instId`, with the order it became and why it failed. No `posMode` (ccxt tells spot from futures by
    it); ccxt reads a spot trigger order's limit price from `executePrice`."""
    rest = plan_view(plan)
    return {"instId": rest.pop("symbol"), **rest,
            "executeOrderId": str(plan.order_id) if plan.order_id is not None else "", "failReason": plan.reason}
