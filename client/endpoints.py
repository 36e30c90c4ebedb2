"""One method per Bitget V2 endpoint, written once for both clients.

Arguments are plain Python values (Decimal, int or str for amounts; int ms for times), named after
Bitget's fields in snake_case (`order_type` -> `orderType`). Answers are the envelope's `data` with
Bitget's field names and string numbers, as the exchange sends them (`as_decimals` converts them).
Each method builds a flow and hands it to `_run`, which returns the value (BitgetClient) or an
awaitable of it (AsyncBitgetClient).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

from .core import Engine, Flow
from .signing import wire_value

R = TypeVar("R")
Amount = Decimal | int | str


def wire(value: Any) -> Any:
    """Values as Bitget expects them in a body: strings throughout, None dropped, containers kept."""
    if isinstance(value, Mapping):
        return {k: wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    return wire_value(value)


def new_client_oid(rng: random.Random) -> str:
    """32 hex characters: inside Bitget's clientOid rules ([0-9a-zA-Z-+_#], at most 50)."""
    return f"{rng.getrandbits(128):032x}"


class Endpoints(Generic[R]):
    _engine: Engine

    def _run(self, flow: Flow[Any]) -> R:
        raise NotImplementedError

    # -- generic -----------------------------------------------------------------------------
    def request(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
                signed: bool | None = None) -> R:
        """Any Bitget call; returns `data`. Private paths are signed (`signed` overrides the guess)."""
        return self._run(self._engine.call(method, path, params, body, signed=signed))

    def _get(self, path: str, **params: Any) -> R:
        return self.request("GET", path, params)

    def _post(self, path: str, **fields: Any) -> R:
        return self.request("POST", path, body=wire(fields))

    def sync_time(self) -> R:
        """Measure the offset to server time now (done automatically after a 40008); returns it in ms."""
        return self._run(self._engine.sync_time())

    # -- market data (public) --------------------------------------------------------------------
    def server_time(self) -> R:
        return self._get("/api/v2/public/time")

    def coins(self, coin: str | None = None) -> R:
        return self._get("/api/v2/spot/public/coins", coin=coin)

    def symbols(self, symbol: str | None = None) -> R:
        return self._get("/api/v2/spot/public/symbols", symbol=symbol)

    def tickers(self, symbol: str | None = None) -> R:
        return self._get("/api/v2/spot/market/tickers", symbol=symbol)

    def orderbook(self, symbol: str, limit: int | None = None, type: str | None = None) -> R:
        return self._get("/api/v2/spot/market/orderbook", symbol=symbol, limit=limit, type=type)

    def candles(self, symbol: str, granularity: str, start_time: int | None = None, end_time: int | None = None,
                limit: int | None = None) -> R:
        return self._get("/api/v2/spot/market/candles", symbol=symbol, granularity=granularity,
                         startTime=start_time, endTime=end_time, limit=limit)

    def recent_fills(self, symbol: str, limit: int | None = None) -> R:
        return self._get("/api/v2/spot/market/fills", symbol=symbol, limit=limit)

    def history_candles(self, symbol: str, granularity: str, end_time: int, limit: int | None = None) -> R:
        return self._get("/api/v2/spot/market/history-candles", symbol=symbol, granularity=granularity,
                         endTime=end_time, limit=limit)

    def fills_history(self, symbol: str, *, limit: int | None = None, id_less_than: str | None = None,
                      start_time: int | None = None, end_time: int | None = None) -> R:
        return self._get("/api/v2/spot/market/fills-history", symbol=symbol, limit=limit, idLessThan=id_less_than,
                         startTime=start_time, endTime=end_time)

    def margin_currencies(self) -> R:
        return self._get("/api/v2/margin/currencies")

    def futures_contracts(self, product_type: str, symbol: str | None = None) -> R:
        return self._get("/api/v2/mix/market/contracts", productType=product_type, symbol=symbol)

    # futures market data: product_type is USDT-FUTURES, COIN-FUTURES, USDC-FUTURES or a demo S* type
    def futures_ticker(self, product_type: str, symbol: str) -> R:
        return self._get("/api/v2/mix/market/ticker", productType=product_type, symbol=symbol)

    def futures_tickers(self, product_type: str) -> R:
        return self._get("/api/v2/mix/market/tickers", productType=product_type)

    def futures_merge_depth(self, product_type: str, symbol: str, precision: str | None = None,
                            limit: int | str | None = None) -> R:
        """precision scale0..scale3; limit 1/5/15/50 or "max" (default 100)."""
        return self._get("/api/v2/mix/market/merge-depth", productType=product_type, symbol=symbol,
                         precision=precision, limit=limit)

    def futures_candles(self, product_type: str, symbol: str, granularity: str, *, kline_type: str | None = None,
                        start_time: int | None = None, end_time: int | None = None, limit: int | None = None) -> R:
        """kline_type MARKET (default), MARK or INDEX."""
        return self._get("/api/v2/mix/market/candles", productType=product_type, symbol=symbol,
                         granularity=granularity, kLineType=kline_type, startTime=start_time, endTime=end_time,
                         limit=limit)

    def _futures_history(self, kind: str, product_type: str, symbol: str, granularity: str,
                         start_time: int | None, end_time: int | None, limit: int | None) -> R:
        return self._get(f"/api/v2/mix/market/{kind}", productType=product_type, symbol=symbol,
                         granularity=granularity, startTime=start_time, endTime=end_time, limit=limit)

    def futures_history_candles(self, product_type: str, symbol: str, granularity: str, *,
                                start_time: int | None = None, end_time: int | None = None,
                                limit: int | None = None) -> R:
        return self._futures_history("history-candles", product_type, symbol, granularity, start_time, end_time,
                                     limit)

    def futures_history_index_candles(self, product_type: str, symbol: str, granularity: str, *,
                                      start_time: int | None = None, end_time: int | None = None,
                                      limit: int | None = None) -> R:
        return self._futures_history("history-index-candles", product_type, symbol, granularity, start_time,
                                     end_time, limit)

    def futures_history_mark_candles(self, product_type: str, symbol: str, granularity: str, *,
                                     start_time: int | None = None, end_time: int | None = None,
                                     limit: int | None = None) -> R:
        return self._futures_history("history-mark-candles", product_type, symbol, granularity, start_time,
                                     end_time, limit)

    def futures_recent_fills(self, product_type: str, symbol: str, limit: int | None = None) -> R:
        return self._get("/api/v2/mix/market/fills", productType=product_type, symbol=symbol, limit=limit)

    def futures_fills_history(self, product_type: str, symbol: str, *, limit: int | None = None,
                              id_less_than: str | None = None, start_time: int | None = None,
                              end_time: int | None = None) -> R:
        return self._get("/api/v2/mix/market/fills-history", productType=product_type, symbol=symbol, limit=limit,
                         idLessThan=id_less_than, startTime=start_time, endTime=end_time)

    def futures_symbol_price(self, product_type: str, symbol: str) -> R:
        """Last, index and mark prices."""
        return self._get("/api/v2/mix/market/symbol-price", productType=product_type, symbol=symbol)

    def futures_open_interest(self, product_type: str, symbol: str) -> R:
        return self._get("/api/v2/mix/market/open-interest", productType=product_type, symbol=symbol)

    def futures_current_fund_rate(self, product_type: str, symbol: str | None = None) -> R:
        return self._get("/api/v2/mix/market/current-fund-rate", productType=product_type, symbol=symbol)

    def futures_history_fund_rate(self, product_type: str, symbol: str, page_size: int | None = None,
                                  page_no: int | None = None) -> R:
        return self._get("/api/v2/mix/market/history-fund-rate", productType=product_type, symbol=symbol,
                         pageSize=page_size, pageNo=page_no)

    def futures_funding_time(self, product_type: str, symbol: str) -> R:
        return self._get("/api/v2/mix/market/funding-time", productType=product_type, symbol=symbol)

    def futures_position_tiers(self, product_type: str, symbol: str) -> R:
        """Leverage tiers (query-position-lever)."""
        return self._get("/api/v2/mix/market/query-position-lever", productType=product_type, symbol=symbol)

    # -- account -------------------------------------------------------------------------------
    def account_info(self) -> R:
        return self._get("/api/v2/spot/account/info")

    def assets(self, coin: str | None = None, asset_type: str | None = None) -> R:
        return self._get("/api/v2/spot/account/assets", coin=coin, assetType=asset_type)

    def futures_accounts(self, product_type: str) -> R:
        return self._get("/api/v2/mix/account/accounts", productType=product_type)

    def trade_rate(self, symbol: str, business_type: str) -> R:
        return self._get("/api/v2/common/trade-rate", symbol=symbol, businessType=business_type)

    def bills(self, *, coin: str | None = None, group_type: str | None = None, business_type: str | None = None,
              start_time: int | None = None, end_time: int | None = None, limit: int | None = None,
              id_less_than: str | None = None) -> R:
        return self._get("/api/v2/spot/account/bills", coin=coin, groupType=group_type, businessType=business_type,
                         startTime=start_time, endTime=end_time, limit=limit, idLessThan=id_less_than)

    def transfer_records(self, coin: str, from_type: str, *, start_time: int | None = None,
                         end_time: int | None = None, client_oid: str | None = None, limit: int | None = None,
                         id_less_than: str | None = None) -> R:
        return self._get("/api/v2/spot/account/transferRecords", coin=coin, fromType=from_type, startTime=start_time,
                         endTime=end_time, clientOid=client_oid, limit=limit, idLessThan=id_less_than)

    # -- spot trading ----------------------------------------------------------------------------
    def place_order(self, symbol: str, side: str, order_type: str, size: Amount, price: Amount | None = None, *,
                    force: str = "gtc", client_oid: str | None = None, **extra: Any) -> R:
        """Place a spot order; returns {orderId, clientOid}. A clientOid is generated when none is given,
        which makes the order safe to retry: after an ambiguous failure the client asks the exchange by
        clientOid before placing again. `extra` takes further Bitget fields as named (e.g. stpMode)."""
        body = wire({"symbol": symbol, "side": side, "orderType": order_type, "force": force, "price": price,
                     "size": size, "clientOid": client_oid or new_client_oid(self._engine.rng), **extra})
        return self._run(self._engine.place_order(body))

    def cancel_order(self, symbol: str, order_id: str | None = None, client_oid: str | None = None) -> R:
        return self._post("/api/v2/spot/trade/cancel-order", symbol=symbol, orderId=order_id, clientOid=client_oid)

    def batch_orders(self, symbol: str | None, orders: Sequence[Mapping[str, Any]],
                     batch_mode: str | None = None) -> R:
        """Up to 50 orders, each a dict of Bitget fields (side, orderType, force, price, size, clientOid...);
        returns {successList, failureList}."""
        return self._post("/api/v2/spot/trade/batch-orders", symbol=symbol, batchMode=batch_mode,
                          orderList=list(orders))

    def batch_cancel_orders(self, symbol: str | None, orders: Sequence[Mapping[str, Any]],
                            batch_mode: str | None = None) -> R:
        """Up to 50 cancels, each a dict with orderId or clientOid (and symbol in `multiple` mode)."""
        return self._post("/api/v2/spot/trade/batch-cancel-order", symbol=symbol, batchMode=batch_mode,
                          orderList=list(orders))

    def cancel_symbol_orders(self, symbol: str) -> R:
        return self._post("/api/v2/spot/trade/cancel-symbol-order", symbol=symbol)

    def order_info(self, order_id: str | None = None, client_oid: str | None = None) -> R:
        return self._get("/api/v2/spot/trade/orderInfo", orderId=order_id, clientOid=client_oid)

    def unfilled_orders(self, symbol: str | None = None, *, start_time: int | None = None,
                        end_time: int | None = None, id_less_than: str | None = None, limit: int | None = None,
                        order_id: str | None = None) -> R:
        return self._get("/api/v2/spot/trade/unfilled-orders", symbol=symbol, startTime=start_time,
                         endTime=end_time, idLessThan=id_less_than, limit=limit, orderId=order_id)

    def history_orders(self, symbol: str | None = None, *, start_time: int | None = None,
                       end_time: int | None = None, id_less_than: str | None = None, limit: int | None = None,
                       order_id: str | None = None) -> R:
        return self._get("/api/v2/spot/trade/history-orders", symbol=symbol, startTime=start_time,
                         endTime=end_time, idLessThan=id_less_than, limit=limit, orderId=order_id)

    def fills(self, symbol: str | None = None, *, order_id: str | None = None, start_time: int | None = None,
              end_time: int | None = None, id_less_than: str | None = None, limit: int | None = None) -> R:
        return self._get("/api/v2/spot/trade/fills", symbol=symbol, orderId=order_id, startTime=start_time,
                         endTime=end_time, idLessThan=id_less_than, limit=limit)

    # -- wallet ----------------------------------------------------------------------------------
    def transfer(self, from_type: str, to_type: str, amount: Amount, coin: str, *, symbol: str | None = None,
                 client_oid: str | None = None) -> R:
        return self._post("/api/v2/spot/wallet/transfer", fromType=from_type, toType=to_type, amount=amount,
                          coin=coin, symbol=symbol, clientOid=client_oid)

    def withdraw(self, coin: str, transfer_type: str, address: str, size: Amount, *, chain: str | None = None,
                 inner_to_type: str | None = None, area_code: str | None = None, tag: str | None = None,
                 remark: str | None = None, client_oid: str | None = None) -> R:
        return self._post("/api/v2/spot/wallet/withdrawal", coin=coin, transferType=transfer_type,
                          address=address, chain=chain, innerToType=inner_to_type, areaCode=area_code, tag=tag,
                          size=size, remark=remark, clientOid=client_oid)

    def withdrawal_records(self, start_time: int, end_time: int, *, coin: str | None = None,
                           client_oid: str | None = None, id_less_than: str | None = None,
                           order_id: str | None = None, limit: int | None = None) -> R:
        return self._get("/api/v2/spot/wallet/withdrawal-records", startTime=start_time, endTime=end_time,
                         coin=coin, clientOid=client_oid, idLessThan=id_less_than, orderId=order_id, limit=limit)

    def deposit_address(self, coin: str, chain: str | None = None) -> R:
        return self._get("/api/v2/spot/wallet/deposit-address", coin=coin, chain=chain)

    def deposit_records(self, start_time: int, end_time: int, *, coin: str | None = None,
                        order_id: str | None = None, id_less_than: str | None = None, limit: int | None = None) -> R:
        return self._get("/api/v2/spot/wallet/deposit-records", startTime=start_time, endTime=end_time, coin=coin,
                         orderId=order_id, idLessThan=id_less_than, limit=limit)
