"""Wire views of futures orders, fills, positions, bills and closed positions (Bitget's field names)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..state.futures import margin as mg
from ..state.futures.engine import FuturesEngine
from ..state.futures.model import CROSSED, HEDGE, ZERO, ClosedPosition, FuturesBill, FuturesFill, FuturesOrder, Position
from ..state.futures.plan_model import POS_LOSS, POS_PROFIT, FuturesPlan
from ..views import plain


def _neg(value: Decimal) -> str:
    return plain(-value) if value else "0"


def _order_common(o: FuturesOrder) -> dict[str, Any]:
    system = o.source == "liquidation"
    return {
        "symbol": o.contract.symbol,
        "size": plain(o.size),
        "orderId": str(o.oid),
        "clientOid": o.client_oid,
        "baseVolume": plain(o.base_volume),
        "fee": _neg(o.fee),
        "price": plain(o.price),
        # "" until something fills: the real orders-pending answer and ccxt's recorded live order (detail)
        "priceAvg": plain(o.quote_volume / o.base_volume) if o.base_volume else "",
        "side": o.side,
        "force": o.force,
        "totalProfits": plain(o.profit),
        "posSide": o.hold_side if o.pos_mode == HEDGE else "net",
        "marginCoin": o.margin_coin,
        "quoteVolume": plain(o.quote_volume),
        "leverage": str(o.leverage),
        "marginMode": o.margin_mode,
        "reduceOnly": "YES" if o.closes else "NO",  # upper case, as Bitget sends it (ccxt's recorded answer)
        "enterPointSource": "sys" if system else "api",
        "tradeSide": o.shown_trade_side,
        "posMode": o.pos_mode,
        "orderType": o.order_type,
        "orderSource": o.source,
        "presetStopSurplusPrice": o.presets.get("presetStopSurplusPrice") or "",
        "presetStopLossPrice": o.presets.get("presetStopLossPrice") or "",
        "cTime": str(o.ctime),
        "uTime": str(o.utime),
    }


def order_detail(o: FuturesOrder) -> dict[str, Any]:
    view = _order_common(o)
    view["state"] = o.status
    view["cancelReason"] = o.cancel_reason
    return view


def order_item(o: FuturesOrder, history: bool) -> dict[str, Any]:
    view = _order_common(o)
    view["status"] = o.status
    if history:
        view["liqPrice"] = plain(o.price) if o.source == "liquidation" and o.base_volume else ""
        view["cancelReason"] = o.cancel_reason
    else:
        for name in ("presetStopSurplusType", "presetStopSurplusExecutePrice", "presetStopLossType",
                     "presetStopLossExecutePrice"):
            view[name] = o.presets.get(name) or ""
    if o.fills and o.source == "liquidation":
        view["liqPrice"] = plain(o.fills[0].price)
    return view


def fill_view(f: FuturesFill) -> dict[str, Any]:
    return {
        "tradeId": str(f.tid),
        "symbol": f.symbol,
        "orderId": str(f.oid),
        "price": plain(f.price),
        "baseVolume": plain(f.size),
        "feeDetail": [{"deduction": "no", "feeCoin": f.margin_coin, "totalDeductionFee": "0",
                       "totalFee": _neg(f.fee)}],
        "side": f.side,
        "quoteVolume": plain(f.price * f.size),
        "profit": plain(f.profit),
        "enterPointSource": "sys" if f.trade_side.startswith("burst") else "api",
        "tradeSide": f.trade_side,
        "posMode": f.pos_mode,
        "tradeScope": f.scope,
        "cTime": str(f.ctime),
    }


def position_view(eng: FuturesEngine, p: Position, marks: dict[str, Decimal],
                  tpsl: Iterable[FuturesPlan] = ()) -> dict[str, Any]:
    """A position; `tpsl` its pending TP/SL orders, whose whole-position ones (pos_profit, pos_loss) it
    shows as takeProfit / stopLoss with their ids."""
    mark = marks[p.contract.symbol]
    inverse = p.contract.inverse
    pnl = mg.unrealised_pnl(p.hold_side, p.entry, mark, p.size, inverse)
    keep = p.contract.tier_for(mark * p.size).keep_margin_rate
    maintenance = mg.maintenance_margin(mark, p.size, keep, inverse, p.entry)
    if p.margin_mode == CROSSED:
        # Bitget's crossed marginSize is the value at mark / leverage (spec B.3)
        shown_margin = mg.value_at(mark, p.size, inverse, p.entry) / p.leverage
        balance = eng.cushion(p, marks) + pnl
    else:
        shown_margin = p.margin
        balance = p.margin + pnl
    break_even = mg.break_even_price(p.hold_side, p.entry, p.size, p.open_fee, inverse)
    delegated = sum((o.remaining for o in eng.book(p.uid, p.product).open.scope(p.contract.symbol).values()
                     if not o.closes and o.hold_side == p.hold_side), ZERO)
    return {
        "marginCoin": p.margin_coin,
        "symbol": p.contract.symbol,
        "holdSide": p.hold_side,
        "openDelegateSize": plain(delegated),
        "marginSize": plain(shown_margin),
        "available": plain(p.available),
        "locked": plain(p.locked),
        "total": plain(p.size),
        "leverage": str(p.leverage),
        "achievedProfits": plain(p.achieved),
        "openPriceAvg": plain(p.entry),
        "marginMode": p.margin_mode,
        "posMode": eng.pos_mode(p.uid, p.product),
        "unrealizedPL": plain(pnl),
        "liquidationPrice": plain(eng.liquidation_price(p, marks).quantize(p.contract.tick)),
        "keepMarginRate": plain(keep),
        "markPrice": plain(mark),
        "marginRatio": plain(mg.margin_ratio(maintenance, balance).quantize(Decimal("1e-8"))),
        "breakEvenPrice": plain(break_even.quantize(p.contract.tick)),
        "totalFee": _neg(p.open_fee + p.close_fee),
        "deductedFee": "0",
        "grant": "",
        "assetMode": "single",
        "autoMargin": "off",
        **_position_tpsl(tpsl),
        "cTime": str(p.ctime),
        "uTime": str(p.utime),
    }


def _position_tpsl(tpsl: Iterable[FuturesPlan]) -> dict[str, str]:
    out = {"takeProfit": "", "stopLoss": "", "takeProfitId": "", "stopLossId": ""}
    for plan in tpsl:
        kind = {POS_PROFIT: "takeProfit", POS_LOSS: "stopLoss"}.get(plan.plan_type)
        if kind is not None:
            out[kind], out[kind + "Id"] = plain(plan.trigger_price), str(plan.oid)
    return out


def bill_view(b: FuturesBill) -> dict[str, Any]:
    return {
        "billId": str(b.bid),
        "symbol": b.symbol,
        "amount": plain(b.amount),
        "fee": plain(b.fee),
        "feeByCoupon": "",
        "businessType": b.business,
        "coin": b.coin,
        "balance": plain(b.balance),
        "cTime": str(b.ctime),
    }


def closed_position_view(c: ClosedPosition) -> dict[str, Any]:
    return {
        "positionId": str(c.pid),
        "marginCoin": c.margin_coin,
        "symbol": c.symbol,
        "holdSide": c.hold_side,
        "openAvgPrice": plain(c.open_avg),
        "closeAvgPrice": plain(c.close_avg),
        "marginMode": c.margin_mode,
        "openTotalPos": plain(c.open_total),
        "closeTotalPos": plain(c.close_total),
        "pnl": plain(c.pnl),
        "netProfit": plain(c.net_profit),
        "totalFunding": plain(c.funding),
        "openFee": plain(c.open_fee),
        "closeFee": plain(c.close_fee),
        # lower case here, unlike every other futures list: two real answers (ccxt's comment, JKorf's fixture)
        "ctime": str(c.ctime),
        "utime": str(c.utime),
    }
