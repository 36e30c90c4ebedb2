"""Spot plan (trigger) orders and cancel-replace (one method per endpoint)."""

from __future__ import annotations

from collections.abc import Sequence

from .endpoints import Amount, Endpoints, R, new_client_oid

_T = "/api/v2/spot/trade"


class SpotPlanEndpoints(Endpoints[R]):
    def place_plan_order(self, symbol: str, side: str, trigger_price: Amount, order_type: str, size: Amount, *,
                         trigger_type: str = "fill_price", execute_price: Amount | None = None,
                         plan_type: str | None = None, force: str | None = None,
                         client_oid: str | None = None) -> R:
        """A spot trigger order; returns {orderId, clientOid}. `size` is base coin, or quote coin with
        plan_type="total"; `execute_price` is required for limit orders. A clientOid is generated when none
        is given, so a retried request cannot place it twice."""
        return self._post(f"{_T}/place-plan-order", symbol=symbol, side=side, triggerPrice=trigger_price,
                          orderType=order_type, executePrice=execute_price, planType=plan_type, size=size,
                          triggerType=trigger_type, force=force,
                          clientOid=client_oid or new_client_oid(self._engine.rng))

    def modify_plan_order(self, trigger_price: Amount, order_type: str, size: Amount, *,
                          order_id: str | None = None, client_oid: str | None = None,
                          execute_price: Amount | None = None) -> R:
        return self._post(f"{_T}/modify-plan-order", orderId=order_id, clientOid=client_oid,
                          triggerPrice=trigger_price, orderType=order_type, executePrice=execute_price, size=size)

    def cancel_plan_order(self, order_id: str | None = None, client_oid: str | None = None) -> R:
        return self._post(f"{_T}/cancel-plan-order", orderId=order_id, clientOid=client_oid)

    def batch_cancel_plan_orders(self, symbols: Sequence[str] | None = None) -> R:
        """Cancel the plan orders of these symbols (all of them when None); returns {successList, failureList}."""
        return self._post(f"{_T}/batch-cancel-plan-order", symbolList=None if symbols is None else list(symbols))

    def current_plan_orders(self, symbol: str | None = None, *, limit: int | None = None,
                            id_less_than: str | None = None, start_time: int | None = None,
                            end_time: int | None = None) -> R:
        return self._get(f"{_T}/current-plan-order", symbol=symbol, limit=limit, idLessThan=id_less_than,
                         startTime=start_time, endTime=end_time)

    def history_plan_orders(self, symbol: str | None = None, *, start_time: int | None = None,
                            end_time: int | None = None, limit: int | None = None,
                            id_less_than: str | None = None) -> R:
        return self._get(f"{_T}/history-plan-order", symbol=symbol, startTime=start_time, endTime=end_time,
                         limit=limit, idLessThan=id_less_than)

    def plan_sub_orders(self, plan_order_id: str) -> R:
        return self._get(f"{_T}/plan-sub-order", planOrderId=plan_order_id)

    def cancel_replace_order(self, symbol: str, price: Amount, size: Amount, *, order_id: str | None = None,
                             client_oid: str | None = None, new_client_oid: str | None = None) -> R:
        """Cancel an open spot order and place a limit order of the same side at `price` for `size`."""
        return self._post(f"{_T}/cancel-replace-order", symbol=symbol, price=price, size=size, orderId=order_id,
                          clientOid=client_oid, newClientOid=new_client_oid)
