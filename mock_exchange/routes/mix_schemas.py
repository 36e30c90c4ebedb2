"""Response schemas of the futures (mix) account, order and position endpoints (their `response=`).

Kept apart from mix_account / mix_order / mix_position so the declarations there stay one line each;
the shapes follow mix_views.py, Bitget's doc examples and ccxt's recorded answers (docs/responses.md).
"""

from __future__ import annotations

from ..schema import Enum, Int, IntStr, List, MaybeEmpty, Nullable, NumStr, Obj, Schema, Str

_SIDE = Enum("buy", "sell")
_HOLD = Enum("long", "short")
_MODE = Enum("crossed", "isolated")
_POS_MODE = Enum("one_way_mode", "hedge_mode")
_STATUS = Enum("live", "partially_filled", "filled", "canceled", "cancelled")

ORDER_REF = Obj({"orderId": IntStr, "clientOid": Str})
_FAILURE = Obj({"orderId": Str, "clientOid": Str, "errorMsg": Str, "errorCode": Str})
BATCH = Obj({"successList": List(ORDER_REF), "failureList": List(_FAILURE)})
CLOSE_POSITIONS = Obj({"successList": List(Obj({"orderId": IntStr, "clientOid": Str, "symbol": Str})),
                       "failureList": List(Obj({"orderId": Str, "clientOid": Str, "symbol": Str, "errorMsg": Str,
                                                "errorCode": Str}))})

_ORDER: dict[str, Schema] = {
    "symbol": Str, "size": NumStr, "orderId": IntStr, "clientOid": Str, "baseVolume": NumStr, "fee": NumStr,
    "price": NumStr, "priceAvg": MaybeEmpty(NumStr), "side": _SIDE, "force": Enum("gtc", "ioc", "fok", "post_only"),
    "totalProfits": NumStr, "posSide": Enum("long", "short", "net"), "marginCoin": Str, "quoteVolume": NumStr,
    "leverage": IntStr, "marginMode": _MODE, "reduceOnly": Enum("YES", "NO"), "enterPointSource": Str,
    "tradeSide": Str, "posMode": _POS_MODE, "orderType": Enum("limit", "market"), "orderSource": Str,
    "presetStopSurplusPrice": MaybeEmpty(NumStr), "presetStopLossPrice": MaybeEmpty(NumStr), "cTime": IntStr,
    "uTime": IntStr,
}
_LIQ = {"liqPrice": MaybeEmpty(NumStr)}
ORDER_DETAIL = Obj({**_ORDER, "state": _STATUS, "cancelReason": Str})
_PENDING = Obj({**_ORDER, "status": _STATUS, "presetStopSurplusType": Str,
                "presetStopSurplusExecutePrice": MaybeEmpty(NumStr), "presetStopLossType": Str,
                "presetStopLossExecutePrice": MaybeEmpty(NumStr)}, optional=_LIQ)
_HISTORY = Obj({**_ORDER, "status": _STATUS, "cancelReason": Str}, optional=_LIQ)
ORDERS_PENDING = Obj({"entrustedList": Nullable(List(_PENDING)), "endId": MaybeEmpty(IntStr)})
ORDERS_HISTORY = Obj({"entrustedList": List(_HISTORY), "endId": MaybeEmpty(IntStr)})

_FILL = Obj({
    "tradeId": IntStr, "symbol": Str, "orderId": IntStr, "price": NumStr, "baseVolume": NumStr,
    "feeDetail": List(Obj({"deduction": Enum("yes", "no"), "feeCoin": Str,
                           "totalDeductionFee": Nullable(MaybeEmpty(NumStr)), "totalFee": NumStr})),
    "side": _SIDE, "quoteVolume": NumStr, "profit": NumStr, "enterPointSource": Str, "tradeSide": Str,
    "posMode": _POS_MODE, "tradeScope": Enum("taker", "maker"), "cTime": IntStr,
})
FILLS = Obj({"fillList": List(_FILL), "endId": MaybeEmpty(IntStr)})

_NUMS = ("openDelegateSize", "marginSize", "available", "locked", "total")
POSITION = Obj({
    "marginCoin": Str, "symbol": Str, "holdSide": _HOLD, **{name: NumStr for name in _NUMS}, "leverage": IntStr,
    "achievedProfits": NumStr, "openPriceAvg": NumStr, "marginMode": _MODE, "posMode": _POS_MODE,
    **{name: NumStr for name in ("unrealizedPL", "liquidationPrice", "keepMarginRate", "markPrice", "marginRatio",
                                 "breakEvenPrice", "totalFee", "deductedFee")},
    "grant": MaybeEmpty(NumStr), "assetMode": Enum("single", "union"), "autoMargin": Enum("on", "off"),
    "takeProfit": MaybeEmpty(NumStr), "stopLoss": MaybeEmpty(NumStr), "takeProfitId": MaybeEmpty(IntStr),
    "stopLossId": MaybeEmpty(IntStr), "cTime": IntStr, "uTime": IntStr,
})
_CLOSED = Obj({
    "positionId": IntStr, "marginCoin": Str, "symbol": Str, "holdSide": _HOLD,
    **{name: NumStr for name in ("openAvgPrice", "closeAvgPrice")}, "marginMode": _MODE,
    **{name: NumStr for name in ("openTotalPos", "closeTotalPos", "pnl", "netProfit", "totalFunding", "openFee",
                                 "closeFee")},
    "ctime": IntStr, "utime": IntStr,
})
HISTORY_POSITION = Obj({"list": List(_CLOSED), "endId": MaybeEmpty(IntStr)})

_WALLET: dict[str, Schema] = {
    "marginCoin": Str,
    **{name: NumStr for name in ("locked", "available", "crossedMaxAvailable", "isolatedMaxAvailable",
                                 "maxTransferOut", "accountEquity", "usdtEquity", "btcEquity", "crossedRiskRate",
                                 "unrealizedPL", "coupon", "crossedUnrealizedPL")},
    "isolatedUnrealizedPL": MaybeEmpty(NumStr), "assetMode": Enum("single", "union"), "grant": MaybeEmpty(NumStr),
}
ACCOUNTS = List(Obj({
    **_WALLET, **{name: NumStr for name in ("unionTotalMagin", "unionAvailable", "unionMm", "isolatedMargin",
                                            "crossedMargin")},
    "assetList": List(Obj({"coin": Str, "balance": NumStr})),
}))
ACCOUNT = Obj({**_WALLET, "crossedMarginLeverage": Int, "isolatedLongLever": Int, "isolatedShortLever": Int,
               "marginMode": _MODE, "posMode": _POS_MODE, "isolatedMargin": Nullable(NumStr),
               "crossedMargin": Nullable(NumStr)})
BILLS = Obj({"bills": List(Obj({
    "billId": IntStr, "symbol": Str, "amount": NumStr, "fee": NumStr, "feeByCoupon": MaybeEmpty(NumStr),
    "businessType": Str, "coin": Str, "balance": NumStr, "cTime": IntStr,
})), "endId": MaybeEmpty(IntStr)})
SET_LEVERAGE = Obj({"symbol": Str, "marginCoin": Str, "longLeverage": IntStr, "shortLeverage": IntStr,
                    "crossMarginLeverage": IntStr, "marginMode": _MODE})
SET_MARGIN_MODE = Obj({"symbol": Str, "marginCoin": Str, "longLeverage": IntStr, "shortLeverage": IntStr,
                       "crossMarginLeverage": Nullable(IntStr), "marginMode": _MODE})
SET_POSITION_MODE = Obj({"posMode": _POS_MODE})
POSITIONS = List(POSITION)
# single-position: an unset TP/SL is null, not "" (its doc example of 2026-01; all-position's sends "")
SINGLE_POSITIONS = List(Obj({**POSITION.fields, "takeProfit": Nullable(NumStr), "stopLoss": Nullable(NumStr),
                             "takeProfitId": Nullable(IntStr), "stopLossId": Nullable(IntStr)}))
SET_MARGIN: Schema = Str  # data is "" on success

# conditional orders (routes/mix_plan.py): a recorded real orders-plan-pending answer, TS-SDK's
# FuturesPendingPlanOrderV2 / FuturesHistoryPlanOrderV2 and ccxt's comments (docs/futures-conditional.md)
_PLAN_STATUS = Enum("live", "executed", "fail_trigger", "cancelled")
# plan-sub-order: the order a fired trigger or trailing order placed (Bitget's doc page "Trigger Sub Order")
PLAN_SUB_ORDERS = List(Obj({"orderId": MaybeEmpty(IntStr), "price": NumStr, "type": Enum("limit", "market"),
                            "status": Enum("success", "fail")}))
_PLAN_TYPE = Enum("normal_plan", "track_plan", "profit_plan", "loss_plan", "moving_plan", "pos_profit", "pos_loss")
_TRIGGER_TYPE = Enum("fill_price", "mark_price")
_PLAN_TPSL: dict[str, Schema] = {
    kind + part: Nullable(MaybeEmpty(_TRIGGER_TYPE if part == "TriggerType" else NumStr))
    for kind in ("stopSurplus", "stopLoss") for part in ("TriggerPrice", "ExecutePrice", "TriggerType")}
_PLAN: dict[str, Schema] = {
    "planType": _PLAN_TYPE, "symbol": Str, "size": NumStr, "orderId": IntStr, "clientOid": Str, "price": NumStr,
    "executePrice": NumStr, "callbackRatio": MaybeEmpty(NumStr), "triggerPrice": NumStr, "triggerType": _TRIGGER_TYPE,
    "planStatus": _PLAN_STATUS, "side": _SIDE, "posSide": Enum("long", "short", "net"), "marginCoin": Str,
    "marginMode": MaybeEmpty(_MODE), "enterPointSource": Str, "tradeSide": Str, "posMode": _POS_MODE,
    "orderType": Enum("limit", "market"), **_PLAN_TPSL, "cTime": IntStr, "uTime": IntStr,
}
PLANS_PENDING = Obj({"entrustedList": List(Obj(_PLAN)), "endId": MaybeEmpty(IntStr)})
PLANS_HISTORY = Obj({"entrustedList": List(Obj({**_PLAN, "executeOrderId": MaybeEmpty(IntStr), "priceAvg": NumStr,
                                                 "baseVolume": NumStr})), "endId": MaybeEmpty(IntStr)})
PLAN_CANCEL = Obj({"successList": List(ORDER_REF),
                   "failureList": List(Obj({"orderId": Str, "clientOid": Str, "errorMsg": Str}))})
POS_TPSL = List(Obj({"orderId": IntStr, "stopSurplusClientOid": Str, "stopLossClientOid": Str}))
