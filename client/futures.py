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

    # -- positions -----------------------------------------------------------------------------
    def single_position(self, symbol: str, product_type: str, margin_coin: str) -> R:
        return self._get(f"{_MIX}/position/single-position", symbol=symbol, productType=product_type,
                         marginCoin=margin_coin)

    def all_positions(self, product_type: str, margin_coin: str | None = None) -> R:
        return self._get(f"{_MIX}/position/all-position", productType=product_type, marginCoin=margin_coin)

    def history_positions(self, product_type: str, symbol: str | None = None, **filters: Any) -> R:
        return self._get(f"{_MIX}/position/history-position", productType=product_type, symbol=symbol, **filters)
