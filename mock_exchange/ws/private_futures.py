"""Private futures channels' items (bitget-v2-websocket.md A.9): `account`, `positions`, `orders`, `fill`,
rendered from the same futures state REST reads (positions through REST's own position view).

`account` and `positions` are whole snapshots of one product (every margin coin, every position), so a
client replaces what it holds with each push; `orders` and `fill` push one item per event.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from ..routes.mix_views import position_view
from ..state.catalog import SYMBOLS_BY_NAME
from ..state.exchange import Exchange
from ..state.futures.model import HEDGE, ZERO, FuturesFill, FuturesOrder
from ..state.futures.plan_model import FuturesPlan
from ..state.wallet import MARGIN_COINS
from ..views import plain
from .protocol import DEFAULT, Topic

_EIGHT = Decimal("1e-8")
_STABLE = ("USDT", "USDC")


def _usdt_price(exchange: Exchange, coin: str, now_ms: int) -> Decimal:
    if coin in _STABLE:
        return Decimal(1)
    sym = SYMBOLS_BY_NAME.get(coin + "USDT")
    return exchange.market.last_price(sym, now_ms) if sym is not None else ZERO


def account_items(exchange: Exchange, uid: str, product: str, coin: str, now_ms: int) -> list[dict[str, str]]:
    """One item per margin coin of `product` (`coin` "default") or for that coin: REST's `accounts`
    figures under the socket's names. ccxt reads `maxTransferOut` as free, `frozen` as used, `equity`
    as total."""
    futures = exchange.futures
    marks = futures.trading.marks(uid, now_ms)
    out = []
    for c in MARGIN_COINS[product] if coin == DEFAULT else (coin,):
        f = futures.engine.figures(uid, product, c, marks)
        usdt = (f["equity"] * _usdt_price(exchange, c, now_ms)).quantize(_EIGHT)
        out.append({
            "marginCoin": c, "frozen": plain(f["locked"]), "available": plain(f["available"]),
            "maxOpenPosAvailable": plain(f["max_available"]), "maxTransferOut": plain(f["max_available"]),
            "equity": plain(f["equity"]), "usdtEquity": plain(usdt),
            "crossedRiskRate": plain(f["risk"].quantize(_EIGHT)), "unrealizedPL": plain(f["upnl"]),
            "crossedUnrealizedPL": plain(f["upnl_cross"]), "isolatedUnrealizedPL": plain(f["upnl_iso"]),
            "isolatedMargin": plain(f["iso_margin"]), "crossedMargin": plain(f["cross_margin"]),
            "assetMode": "single",
        })
    return out


def position_items(exchange: Exchange, uid: str, product: str, target: str, now_ms: int) -> list[dict[str, Any]]:
    """Every open position of `product` (or of the contract `target`), as REST's all-position shows it
    at this moment, under the socket's names (JKorf's Futures/Position fixture; `leverage` a number)."""
    futures = exchange.futures
    eng = futures.engine
    marks = futures.trading.marks(uid, now_ms)
    out = []
    for p in sorted(eng.positions_of(uid, product), key=lambda q: q.pid):
        if target != DEFAULT and p.contract.symbol != target:
            continue
        rest = position_view(eng, p, marks)
        margin = Decimal(rest["marginSize"])
        pnl = Decimal(rest["unrealizedPL"])
        out.append({
            "posId": str(p.pid), "instId": rest["symbol"], "marginCoin": rest["marginCoin"],
            "marginSize": rest["marginSize"], "marginMode": rest["marginMode"], "holdSide": rest["holdSide"],
            "posMode": rest["posMode"], "total": rest["total"], "available": rest["available"],
            "frozen": rest["locked"], "openPriceAvg": rest["openPriceAvg"], "leverage": p.leverage,
            "achievedProfits": rest["achievedProfits"], "unrealizedPL": rest["unrealizedPL"],
            "unrealizedPLR": plain((pnl / margin).quantize(_EIGHT)) if margin else "0",
            "liquidationPrice": rest["liquidationPrice"], "keepMarginRate": rest["keepMarginRate"],
            "marginRate": rest["marginRatio"], "markPrice": rest["markPrice"],
            "breakEvenPrice": rest["breakEvenPrice"], "totalFee": rest["totalFee"], "deductedFee": "0",
            "autoMargin": "off", "assetMode": "single", "cTime": rest["cTime"], "uTime": rest["uTime"],
        })
    return out


def _neg(value: Decimal) -> str:
    return plain(-value) if value else "0"


def order_item(order: FuturesOrder, fill: FuturesFill | None = None) -> dict[str, Any]:
    """A futures order as the `orders` channel pushes it (A.9, JKorf's Futures/Order fixture); with
    `fill`, the fill that caused the push. Always with `posMode` (ccxt tells futures from spot by it)."""
    avg = plain(order.quote_volume / order.base_volume) if order.base_volume else "0"
    notional = order.price * order.size if order.price else order.quote_volume
    return {
        "instId": order.contract.symbol,
        "orderId": str(order.oid),
        "clientOid": order.client_oid,
        "price": plain(order.price),
        "size": plain(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "tradeSide": order.shown_trade_side,
        "posSide": order.hold_side if order.pos_mode == HEDGE else "net",
        "posMode": order.pos_mode,
        "marginMode": order.margin_mode,
        "marginCoin": order.margin_coin,
        "leverage": str(order.leverage),
        "force": order.force,
        "reduceOnly": "yes" if order.closes else "no",
        "status": order.status,
        "accBaseVolume": plain(order.base_volume),
        # cumulative, as REST's baseVolume: ccxt reads it as a contract order's filled amount
        "baseVolume": plain(order.base_volume),
        "fillPrice": plain(fill.price) if fill else "0",
        "priceAvg": avg,
        "fillNotionalUsd": plain(order.quote_volume),
        "notionalUsd": plain(notional),
        "fillFee": _neg(fill.fee) if fill else "0",
        "fillFeeCoin": order.margin_coin,
        "feeDetail": [{"feeCoin": order.margin_coin, "fee": _neg(order.fee)}],
        "tradeId": str(fill.tid) if fill else "",
        "tradeScope": ("T" if fill.scope == "taker" else "M") if fill else "",
        "fillTime": str(fill.ctime) if fill else "",
        "pnl": plain(order.profit),
        "enterPointSource": "SYS" if order.source == "liquidation" else "API",
        "cTime": str(order.ctime),
        "uTime": str(order.utime),
    }


def fill_item(order: FuturesOrder, fill: FuturesFill) -> dict[str, Any]:
    """A futures fill as the `fill` channel pushes it (A.9, JKorf's Futures/UserTrade fixture)."""
    return {
        "orderId": str(fill.oid),
        "tradeId": str(fill.tid),
        "symbol": fill.symbol,
        "side": fill.side,
        "orderType": order.order_type,
        "posMode": fill.pos_mode,
        "price": plain(fill.price),
        "baseVolume": plain(fill.size),
        "quoteVolume": plain(fill.price * fill.size),
        "profit": plain(fill.profit),
        "tradeSide": fill.trade_side,
        "tradeScope": fill.scope,
        "feeDetail": [{"feeCoin": fill.margin_coin, "deduction": "no", "totalDeductionFee": "0",
                       "totalFee": _neg(fill.fee)}],
        "cTime": str(fill.ctime),
        "uTime": str(fill.ctime),
    }


def plan_item(plan: FuturesPlan) -> dict[str, Any]:
    """A futures conditional order (trigger or TP/SL) as the `orders-algo` channel pushes it (the fields
    of ccxt's recorded trigger push: triggerPrice, triggerType, triggerTime, planType, actualSize, the
    preset TP/SL; `status` as REST's plan lists: live, executed, fail_trigger, cancelled)."""
    tpsl = plan.tpsl
    fired = plan.status != "live" and plan.status != "cancelled"
    return {
        "instId": plan.contract.symbol,
        "orderId": str(plan.oid),
        "clientOid": plan.client_oid,
        "planType": plan.plan_type,
        "triggerPrice": plain(plan.trigger_price),
        "triggerType": plan.trigger_type,
        "triggerTime": str(plan.utime) if fired else "",
        "price": plain(plan.price),
        "executePrice": plain(plan.price),
        "size": plain(plan.size),
        "actualSize": plain(plan.size) if plan.order_id is not None else "0",
        "orderType": plan.order_type,
        "side": plan.side,
        "tradeSide": plan.shown_trade_side,
        "posSide": plan.hold_side if plan.pos_mode == HEDGE else "net",
        "posMode": plan.pos_mode,
        "marginCoin": plan.margin_coin,
        "marginMode": plan.margin_mode,
        "reduceOnly": "yes" if plan.closes else "no",
        "status": plan.status,
        "executeOrderId": str(plan.order_id) if plan.order_id is not None else "",
        "failReason": plan.fail_reason,
        "stopSurplusTriggerPrice": tpsl.get("stopSurplusTriggerPrice", ""),
        "stopSurplusExecutePrice": tpsl.get("stopSurplusExecutePrice", ""),
        "stopSurplusTriggerType": tpsl.get("stopSurplusTriggerType", ""),
        "stopLossTriggerPrice": tpsl.get("stopLossTriggerPrice", ""),
        "stopLossExecutePrice": tpsl.get("stopLossExecutePrice", ""),
        "stopLossTriggerType": tpsl.get("stopLossTriggerType", ""),
        "enterPointSource": "API",
        "cTime": str(plan.ctime),
        "uTime": str(plan.utime),
    }


def snapshot(exchange: Exchange, uid: str, topic: Topic, now_ms: int) -> bytes:
    """The whole `account` or `positions` list of a futures topic, as REST answers it now."""
    if topic.channel == "account":
        return orjson.dumps(account_items(exchange, uid, topic.inst_type, topic.target, now_ms))
    return orjson.dumps(position_items(exchange, uid, topic.inst_type, topic.target, now_ms))
