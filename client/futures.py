"""The futures (mix) trading endpoints: account settings, orders, positions (one method per endpoint)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .endpoints import Amount, Endpoints, R, new_client_oid

_MIX = "/api/v2/mix"


class FuturesEndpoints(Endpoints[R]):
    # -- account and settings --------------------------------------------------------------------
    def futures_account(self, symbol: str, product_type: str, margin_coin: str) -> R:
        return self._get(f"{_MIX}/account/account", symbol=symbol, productType=product_type, marginCoin=margin_coin)

    def futures_bills(self, product_type: str, *, symbol: str | None = None, coin: str | None = None,
                      business_type: str | None = None, start_time: int | None = None, end_time: int | None = None,
                      id_less_than: str | None = None, limit: int | None = None) -> R:
        return self._get(f"{_MIX}/account/bill", productType=product_type, symbol=symbol, coin=coin,
                         businessType=business_type, startTime=start_time, endTime=end_time,
                         idLessThan=id_less_than, limit=limit)

    def set_leverage(self, symbol: str, product_type: str, margin_coin: str, leverage: int | None = None, *,
                     long_leverage: int | None = None, short_leverage: int | None = None,
                     hold_side: str | None = None) -> R:
        return self._post(f"{_MIX}/account/set-leverage", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, leverage=leverage, longLeverage=long_leverage,
                          shortLeverage=short_leverage, holdSide=hold_side)

    def set_margin(self, symbol: str, product_type: str, margin_coin: str, hold_side: str, amount: Amount) -> R:
        """Add (positive) or remove (negative) isolated margin."""
        return self._post(f"{_MIX}/account/set-margin", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, holdSide=hold_side, amount=amount)

    def set_margin_mode(self, symbol: str, product_type: str, margin_coin: str, margin_mode: str) -> R:
        return self._post(f"{_MIX}/account/set-margin-mode", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, marginMode=margin_mode)

    def set_position_mode(self, product_type: str, pos_mode: str) -> R:
        return self._post(f"{_MIX}/account/set-position-mode", productType=product_type, posMode=pos_mode)

    # -- orders --------------------------------------------------------------------------------
    def futures_place_order(self, symbol: str, product_type: str, margin_coin: str, margin_mode: str, side: str,
                            order_type: str, size: Amount, price: Amount | None = None, *,
                            trade_side: str | None = None, force: str | None = None,
                            reduce_only: str | None = None, client_oid: str | None = None, **extra: Any) -> R:
        """Place a futures order; returns {orderId, clientOid}. `trade_side` (open/close) in hedge mode,
        `reduce_only` (YES/NO) in one-way mode; a clientOid is generated when none is given."""
        return self._post(f"{_MIX}/order/place-order", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, marginMode=margin_mode, side=side, orderType=order_type,
                          size=size, price=price, tradeSide=trade_side, force=force, reduceOnly=reduce_only,
                          clientOid=client_oid or new_client_oid(self._engine.rng), **extra)

    def futures_batch_place_order(self, symbol: str, product_type: str, margin_coin: str, margin_mode: str,
                                  orders: Sequence[Mapping[str, Any]]) -> R:
        """Up to 50 orders (dicts of Bitget fields); returns {successList, failureList}."""
        return self._post(f"{_MIX}/order/batch-place-order", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, marginMode=margin_mode, orderList=list(orders))

    def futures_cancel_order(self, symbol: str, product_type: str, order_id: str | None = None,
                             client_oid: str | None = None) -> R:
        return self._post(f"{_MIX}/order/cancel-order", symbol=symbol, productType=product_type, orderId=order_id,
                          clientOid=client_oid)

    def futures_batch_cancel_orders(self, symbol: str, product_type: str,
                                    orders: Sequence[Mapping[str, Any]]) -> R:
        return self._post(f"{_MIX}/order/batch-cancel-orders", symbol=symbol, productType=product_type,
                          orderIdList=list(orders))

    def futures_cancel_all_orders(self, product_type: str, symbol: str | None = None,
                                  margin_coin: str | None = None) -> R:
        return self._post(f"{_MIX}/order/cancel-all-orders", productType=product_type, symbol=symbol,
                          marginCoin=margin_coin)

    def futures_modify_order(self, symbol: str, product_type: str, new_client_oid: str, *,
                             order_id: str | None = None, client_oid: str | None = None,
                             new_size: Amount | None = None, new_price: Amount | None = None) -> R:
        return self._post(f"{_MIX}/order/modify-order", symbol=symbol, productType=product_type, orderId=order_id,
                          clientOid=client_oid, newClientOid=new_client_oid, newSize=new_size, newPrice=new_price)

    def close_positions(self, product_type: str, symbol: str | None = None, hold_side: str | None = None) -> R:
        return self._post(f"{_MIX}/order/close-positions", productType=product_type, symbol=symbol,
                          holdSide=hold_side)

    def futures_order(self, symbol: str, product_type: str, order_id: str | None = None,
                      client_oid: str | None = None) -> R:
        return self._get(f"{_MIX}/order/detail", symbol=symbol, productType=product_type, orderId=order_id,
                         clientOid=client_oid)

    def futures_orders_pending(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        """`filters`: Bitget's names (orderId, clientOid, status, idLessThan, startTime, endTime, limit)."""
        return self._get(f"{_MIX}/order/orders-pending", productType=product_type, symbol=symbol, **filters)

    def futures_orders_history(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        return self._get(f"{_MIX}/order/orders-history", productType=product_type, symbol=symbol, **filters)

    def futures_fills(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        return self._get(f"{_MIX}/order/fills", productType=product_type, symbol=symbol, **filters)

    def futures_fill_history(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        return self._get(f"{_MIX}/order/fill-history", productType=product_type, symbol=symbol, **filters)

    # -- conditional orders (trigger and TP/SL) ------------------------------------------------------
    def futures_place_plan_order(self, symbol: str, product_type: str, margin_coin: str, margin_mode: str,
                                 side: str, order_type: str, size: Amount, trigger_price: Amount,
                                 trigger_type: str = "fill_price", price: Amount | None = None, *,
                                 trade_side: str | None = None, reduce_only: str | None = None,
                                 client_oid: str | None = None, **tpsl: Any) -> R:
        """A trigger order (planType normal_plan): places `order_type` `side` `size` once the last
        (fill_price) or mark (mark_price) price reaches `trigger_price`. `tpsl`: Bitget's
        stopSurplusTriggerPrice, stopLossTriggerPrice, ... for the order it places."""
        return self._post(f"{_MIX}/order/place-plan-order", planType="normal_plan", symbol=symbol,
                          productType=product_type, marginCoin=margin_coin, marginMode=margin_mode, side=side,
                          orderType=order_type, size=size, triggerPrice=trigger_price, triggerType=trigger_type,
                          price=price, tradeSide=trade_side, reduceOnly=reduce_only,
                          clientOid=client_oid or new_client_oid(self._engine.rng), **tpsl)

    def futures_place_tpsl_order(self, symbol: str, product_type: str, margin_coin: str, plan_type: str,
                                 hold_side: str, trigger_price: Amount, size: Amount | None = None, *,
                                 trigger_type: str | None = None, execute_price: Amount | None = None,
                                 client_oid: str | None = None) -> R:
        """A take profit or stop loss on a position: planType profit_plan / loss_plan (with `size`),
        pos_profit / pos_loss (the whole position)."""
        return self._post(f"{_MIX}/order/place-tpsl-order", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, planType=plan_type, holdSide=hold_side, triggerPrice=trigger_price,
                          size=size, triggerType=trigger_type, executePrice=execute_price, clientOid=client_oid)

    def futures_place_pos_tpsl(self, symbol: str, product_type: str, margin_coin: str, hold_side: str, *,
                               take_profit: Amount | None = None, stop_loss: Amount | None = None,
                               **extra: Any) -> R:
        """The position's take profit and/or stop loss at once; `extra`: stopSurplusSize, stopLossTriggerType..."""
        return self._post(f"{_MIX}/order/place-pos-tpsl", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, holdSide=hold_side, stopSurplusTriggerPrice=take_profit,
                          stopLossTriggerPrice=stop_loss, **extra)

    def futures_modify_plan_order(self, symbol: str, product_type: str, *, order_id: str | None = None,
                                  client_oid: str | None = None, **changes: Any) -> R:
        """`changes`: Bitget's newSize, newPrice, newTriggerPrice, newTriggerType, newStopLossTriggerPrice..."""
        return self._post(f"{_MIX}/order/modify-plan-order", symbol=symbol, productType=product_type,
                          orderId=order_id, clientOid=client_oid, **changes)

    def futures_modify_tpsl_order(self, symbol: str, product_type: str, margin_coin: str, trigger_price: Amount,
                                  size: Amount | str = "", *, order_id: str | None = None,
                                  client_oid: str | None = None, trigger_type: str | None = None,
                                  execute_price: Amount | None = None) -> R:
        return self._post(f"{_MIX}/order/modify-tpsl-order", symbol=symbol, productType=product_type,
                          marginCoin=margin_coin, orderId=order_id, clientOid=client_oid, triggerPrice=trigger_price,
                          triggerType=trigger_type, executePrice=execute_price, size=size)

    def futures_cancel_plan_order(self, product_type: str, symbol: str | None = None, *,
                                  orders: Sequence[Mapping[str, Any]] | None = None, plan_type: str | None = None,
                                  margin_coin: str | None = None) -> R:
        """`orders`: [{"orderId": ...} or {"clientOid": ...}]; none: every pending one of `plan_type`."""
        return self._post(f"{_MIX}/order/cancel-plan-order", productType=product_type, symbol=symbol,
                          orderIdList=list(orders) if orders is not None else None, planType=plan_type,
                          marginCoin=margin_coin)

    def futures_plans_pending(self, product_type: str, plan_type: str = "normal_plan", **filters: Any) -> R:
        """plan_type normal_plan, track_plan or profit_loss (every TP/SL); `filters`: symbol, orderId, ..."""
        return self._get(f"{_MIX}/order/orders-plan-pending", productType=product_type, planType=plan_type,
                         **filters)

    def futures_plans_history(self, product_type: str, plan_type: str = "normal_plan", **filters: Any) -> R:
        """As futures_plans_pending, for finished ones; `planStatus` executed, fail_trigger or cancelled."""
        return self._get(f"{_MIX}/order/orders-plan-history", productType=product_type, planType=plan_type,
                         **filters)

    def futures_plan_sub_orders(self, product_type: str, plan_order_id: str, plan_type: str = "normal_plan") -> R:
        """The order a fired trigger (normal_plan) or trailing (track_plan) order placed."""
        return self._get(f"{_MIX}/order/plan-sub-order", productType=product_type, planOrderId=plan_order_id,
                         planType=plan_type)

    # -- positions -----------------------------------------------------------------------------
    def single_position(self, symbol: str, product_type: str, margin_coin: str) -> R:
        return self._get(f"{_MIX}/position/single-position", symbol=symbol, productType=product_type,
                         marginCoin=margin_coin)

    def all_positions(self, product_type: str, margin_coin: str | None = None) -> R:
        return self._get(f"{_MIX}/position/all-position", productType=product_type, marginCoin=margin_coin)

    def history_positions(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        return self._get(f"{_MIX}/position/history-position", productType=product_type, symbol=symbol, **filters)
