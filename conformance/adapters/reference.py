"""Drives the reference client (`client.BitgetClient`) through the adapter protocol."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from client import BitgetClient
from client import errors as e
from client.auth import wall_clock_ms

from .base import (
    CANCELLED,
    FILLED,
    OPEN,
    Adapter,
    Balance,
    Credentials,
    ErrorCategory,
    LimitOrder,
    LogCapture,
    Order,
    OrderBook,
    OrderRef,
    Position,
    Ticker,
    category_for_code,
)
from .reference_socket import ReferenceSocket
from .socket import Socket, ws_url

FUTURES, MARGIN_COIN = "USDT-FUTURES", "USDT"  # what the FUT checks trade
_STATUS = {"live": OPEN, "new": OPEN, "init": OPEN, "partially_filled": OPEN, "filled": FILLED,
           "cancelled": CANCELLED, "canceled": CANCELLED}

# most specific first: DuplicateClientOidError is a BadParameterError
_CATEGORIES: tuple[tuple[type[BaseException], ErrorCategory], ...] = (
    (e.AuthenticationError, ErrorCategory.AUTH),
    (e.PermissionDeniedError, ErrorCategory.PERMISSION),
    (e.RateLimitError, ErrorCategory.RATE_LIMIT),
    (e.TimestampError, ErrorCategory.TIMESTAMP),
    (e.InsufficientBalanceError, ErrorCategory.INSUFFICIENT_FUNDS),
    (e.OrderNotFoundError, ErrorCategory.ORDER_NOT_FOUND),
    (e.BadParameterError, ErrorCategory.BAD_REQUEST),
    (e.ServerError, ErrorCategory.TRANSPORT),
    (e.BitgetTransportError, ErrorCategory.TRANSPORT),
)


def order_from(data: dict[str, Any]) -> Order:
    """An Order from a Bitget order object (orderInfo or unfilled-orders)."""
    price = data.get("price")
    if price in (None, "", "0"):
        price = data.get("priceAvg")  # unfilled-orders carries the limit price in priceAvg
    return Order(
        order_id=str(data.get("orderId")),
        symbol=str(data.get("symbol")),
        side=str(data.get("side")),
        price=price,
        size=data.get("size"),
        status=_STATUS.get(str(data.get("status")), str(data.get("status"))),
        client_oid=data.get("clientOid"),
        extra=data,
    )


class ReferenceAdapter(Adapter):
    """The reference client with its defaults: pacing on, retries on, server-time re-sync on 40008.

    `client_options` go to BitgetClient as they are (tests pass a virtual `sleep` or `pacing=False`),
    except `ws_ping_interval` (seconds between the socket's pings, 25 by default), which goes to the socket.
    """

    name = "reference"

    def __init__(self, base_url: str, credentials: Credentials, **client_options: Any) -> None:
        super().__init__(base_url, credentials)
        self.ws_ping_interval = float(client_options.pop("ws_ping_interval", 25.0))
        self.clock = client_options.get("clock", wall_clock_ms)
        self.client = BitgetClient(credentials.api_key, credentials.secret_key, credentials.passphrase,
                                   base_url=base_url, **client_options)
        self.sockets: list[Socket] = []
        self._log: LogCapture | None = None

    def close(self) -> None:
        for socket in self.sockets:
            socket.close()
        self.client.close()
        if self._log is not None:
            self._log.close()

    def open_socket(self, private: bool = False) -> Socket:
        made = ReferenceSocket(ws_url(self.base_url, private), self.credentials if private else None, self.clock,
                               self.ws_ping_interval)
        self.sockets.append(made)
        return made

    def server_time(self) -> int:
        return int(self.client.server_time()["serverTime"])

    def fetch_ticker(self, symbol: str) -> Ticker:
        rows = self.client.tickers(symbol)
        row = next((r for r in rows if r.get("symbol") == symbol), None)
        if row is None:
            raise LookupError(f"no ticker for {symbol} in the answer")
        return Ticker(symbol, row["lastPr"], row.get("bidPr"), row.get("askPr"))

    def fetch_order_book(self, symbol: str) -> OrderBook:
        data = self.client.orderbook(symbol)
        return OrderBook([(p, s) for p, s in data["bids"]], [(p, s) for p, s in data["asks"]])

    def fetch_balance(self) -> dict[str, Balance]:
        return {row["coin"]: Balance(row["available"], row.get("frozen", "0")) for row in self.client.assets()}

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        data = self.client.place_order(symbol, side, "limit", size, price, client_oid=client_oid)
        return OrderRef(str(data["orderId"]), data.get("clientOid"))

    def cancel_order(self, symbol: str, order_id: str) -> None:
        self.client.cancel_order(symbol, order_id=order_id)

    def fetch_order(self, symbol: str, order_id: str) -> Order:
        return self._one(self.client.order_info(order_id=order_id), order_id)

    def fetch_order_by_client_oid(self, symbol: str, client_oid: str) -> Order:
        return self._one(self.client.order_info(client_oid=client_oid), client_oid)

    def place_limit_orders(self, symbol: str, orders: Sequence[LimitOrder]) -> list[OrderRef]:
        items = [{"side": o.side, "orderType": "limit", "force": "gtc", "price": o.price, "size": o.size,
                  **({"clientOid": o.client_oid} if o.client_oid is not None else {})} for o in orders]
        data = self.client.batch_orders(symbol, items)
        return [OrderRef(str(r["orderId"]), r.get("clientOid")) for r in data.get("successList") or []]

    def set_timeout(self, seconds: float) -> None:
        self.client.timeout = seconds

    def request_log(self) -> list[str]:
        """What the client's HTTP stack logs (httpx, httpcore) at DEBUG: the reference client logs nothing else."""
        if self._log is None:
            self._log = LogCapture("client", "httpx", "httpcore")
        return self._log.lines

    def fetch_open_orders(self, symbol: str) -> list[Order]:
        # `limit` too, so the signed query has two keys and their order matters
        return [order_from(o) for o in self.client.unfilled_orders(symbol, limit=100)]

    # -- futures (USDT-FUTURES, crossed) -------------------------------------------------------------
    def set_futures_position_mode(self, symbol: str, hedged: bool) -> None:
        self.client.set_position_mode(FUTURES, "hedge_mode" if hedged else "one_way_mode")

    def set_futures_leverage(self, symbol: str, leverage: int) -> None:
        self.client.set_leverage(symbol, FUTURES, MARGIN_COIN, leverage)

    def place_futures_order(self, symbol: str, side: str, size: Decimal, price: Decimal | None = None, *,
                            hedged: bool = True, reduce_only: bool = False) -> OrderRef:
        extra: dict[str, Any]
        if hedged:
            # Bitget names the position's side: buy + close closes the long (by selling)
            trade_side = "close" if reduce_only else "open"
            if reduce_only:
                side = "buy" if side == "sell" else "sell"
            extra = {"trade_side": trade_side}
        else:
            extra = {"reduce_only": "YES"} if reduce_only else {}
        data = self.client.futures_place_order(symbol, FUTURES, MARGIN_COIN, "crossed", side,
                                               "market" if price is None else "limit", size, price,
                                               force=None if price is None else "gtc", **extra)
        return OrderRef(str(data["orderId"]), data.get("clientOid"))

    def cancel_futures_order(self, symbol: str, order_id: str) -> None:
        self.client.futures_cancel_order(symbol, FUTURES, order_id=order_id)

    def fetch_futures_order(self, symbol: str, order_id: str) -> Order:
        data = dict(self.client.futures_order(symbol, FUTURES, order_id=order_id))
        data["status"] = data.get("state")  # order/detail names the status `state`
        return order_from(data)

    def fetch_futures_positions(self, symbol: str) -> list[Position]:
        rows = self.client.single_position(symbol, FUTURES, MARGIN_COIN)
        return [Position(str(r["symbol"]), str(r["holdSide"]), r["total"], r.get("openPriceAvg"), r.get("leverage"),
                         r) for r in rows]

    @staticmethod
    def _one(data: Any, wanted: str) -> Order:
        rows = data if isinstance(data, list) else [data]
        if not rows or not isinstance(rows[0], dict):
            raise LookupError(f"orderInfo answered no order for {wanted}")
        return order_from(rows[0])

    def classify_error(self, exc: BaseException) -> ErrorCategory | None:
        for cls, category in _CATEGORIES:
            if isinstance(exc, cls):
                return category
        if isinstance(exc, e.BitgetAPIError):
            return category_for_code(exc.code, exc.http_status)
        return None
