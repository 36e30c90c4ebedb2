"""Drives ccxt's `bitget` class (pip install ccxt) pointed at the mock through the adapter protocol."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar

import ccxt

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
    Unsupported,
)

_STATUS = {"open": OPEN, "closed": FILLED, "canceled": CANCELLED, "cancelled": CANCELLED}


class CcxtAdapter(Adapter):
    """ccxt.bitget as a user sets it up (its defaults: enableRateLimit on, no clock adjustment), with every
    API group's URL pointed at the mock. Markets (and ccxt's probe of whether the account is a unified
    one) are loaded once per mock URL and shared by later adapters, as one long-lived ccxt instance would
    keep them, so each check does not pay for a dozen reference-data requests.

    Keyword options go to the ccxt constructor, e.g. `options={"adjustForTimeDifference": True}` (ccxt then
    measures the server's clock when it loads markets, or, with shared markets, on first use)."""

    name = "ccxt"
    _markets: ClassVar[dict[str, tuple[Any, Any, Any]]] = {}

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials)
        self.exchange = ccxt.bitget({
            "apiKey": credentials.api_key,
            "secret": credentials.secret_key,
            "password": credentials.passphrase,
            "enableRateLimit": True,
            "timeout": 10_000,
            **options,
        })
        self.exchange.urls["api"] = dict.fromkeys(self.exchange.urls["api"], base_url.rstrip("/"))
        cached = self._markets.get(base_url)
        if cached is not None:
            markets, currencies, uta = cached
            self.exchange.set_markets(markets, currencies)
            if uta is not None:
                self.exchange.options["uta"] = uta
        self._synced = False
        self._log: LogCapture | None = None

    def close(self) -> None:
        session = getattr(self.exchange, "session", None)
        if session is not None:
            session.close()
        if self._log is not None:
            self._log.close()

    def _load(self) -> None:
        if not self.exchange.markets:
            self.exchange.load_markets()  # measures the clock offset itself when asked to
            self.exchange.handle_uta_and_params({}, "fetchBalance", False)  # probes /api/v3/account/settings
            self._markets[self.base_url] = (self.exchange.markets, self.exchange.currencies,
                                            self.exchange.options.get("uta"))
        elif not self._synced and self.exchange.options.get("adjustForTimeDifference"):
            self.exchange.load_time_difference()
        self._synced = True

    def _symbol(self, market_id: str) -> str:
        """The unified symbol of a spot market id (`BTCUSDT` -> `BTC/USDT`)."""
        self._load()
        for market in self.exchange.markets_by_id.get(market_id, []):
            if market.get("spot"):
                return str(market["symbol"])
        raise ccxt.BadSymbol(f"bitget does not have market id {market_id}")

    def _swap(self, market_id: str) -> str:
        """The unified symbol of a USDT-margined perpetual's id (`BTCUSDT` -> `BTC/USDT:USDT`)."""
        self._load()
        for market in self.exchange.markets_by_id.get(market_id, []):
            if market.get("swap") and market.get("linear"):
                return str(market["symbol"])
        raise ccxt.BadSymbol(f"bitget does not have a swap with id {market_id}")

    def server_time(self) -> int:
        return int(self.exchange.fetch_time())

    def fetch_ticker(self, symbol: str) -> Ticker:
        t = self.exchange.fetch_ticker(self._symbol(symbol))
        return Ticker(symbol, t.get("last"), t.get("bid"), t.get("ask"))

    def fetch_order_book(self, symbol: str) -> OrderBook:
        book = self.exchange.fetch_order_book(self._symbol(symbol))
        return OrderBook([(lv[0], lv[1]) for lv in book["bids"]], [(lv[0], lv[1]) for lv in book["asks"]])

    def fetch_balance(self) -> dict[str, Balance]:
        self._load()
        raw = self.exchange.fetch_balance()
        out: dict[str, Balance] = {}
        for row in raw.get("info") or []:  # ccxt's unified codes may rename coins; keep Bitget's names
            coin = str(row.get("coin"))
            code = self.exchange.safe_currency_code(coin)
            entry = raw.get(code) or {}
            out[coin] = Balance(entry.get("free"), entry.get("used"))
        return out

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        params = {"clientOrderId": client_oid} if client_oid is not None else {}
        order = self.exchange.create_order(self._symbol(symbol), "limit", side, str(size), str(price), params)
        return OrderRef(str(order["id"]), order.get("clientOrderId"))

    def cancel_order(self, symbol: str, order_id: str) -> None:
        self.exchange.cancel_order(order_id, self._symbol(symbol))

    def fetch_order(self, symbol: str, order_id: str) -> Order:
        return self._order(self.exchange.fetch_order(order_id, self._symbol(symbol)), symbol)

    def fetch_order_by_client_oid(self, symbol: str, client_oid: str) -> Order:
        order = self.exchange.fetch_order(None, self._symbol(symbol), {"clientOrderId": client_oid})
        return self._order(order, symbol)

    def place_limit_orders(self, symbol: str, orders: Sequence[LimitOrder]) -> list[OrderRef]:
        unified = self._symbol(symbol)
        made = self.exchange.create_orders([
            {"symbol": unified, "type": "limit", "side": o.side, "amount": str(o.size), "price": str(o.price),
             "params": {"clientOrderId": o.client_oid} if o.client_oid is not None else {}} for o in orders])
        return [OrderRef(str(o["id"]), o.get("clientOrderId")) for o in made if o.get("id")]

    def set_timeout(self, seconds: float) -> None:
        self.exchange.timeout = int(seconds * 1000)  # ccxt counts in ms

    def request_log(self) -> list[str]:
        """What ccxt logs through Python's logging at DEBUG (its logger `ccxt.base.exchange`): each request's
        method, URL, headers and body, as a bot with `logging.basicConfig(level=logging.DEBUG)` records them."""
        if self._log is None:
            self._log = LogCapture("ccxt", "urllib3")
        return self._log.lines

    def fetch_open_orders(self, symbol: str) -> list[Order]:
        return [self._order(o, symbol) for o in self.exchange.fetch_open_orders(self._symbol(symbol))]

    def open_socket(self, private: bool = False) -> Any:
        # ccxt pro hides its sockets behind watch_* calls (no raw subscribe, no book of its own to read
        # back, its own wall clock for the login): the WS checks are skipped for it, and ccxt pro's
        # sockets are exercised against the mock in tests/test_ws_ccxt.py instead
        raise Unsupported("open_socket: ccxt pro offers watch_* streams, not a socket the WS checks can drive")

    # -- futures: ccxt's unified swap calls, as its docs show them -----------------------------------
    def set_futures_position_mode(self, symbol: str, hedged: bool) -> None:
        self.exchange.set_position_mode(hedged, self._swap(symbol))

    def set_futures_leverage(self, symbol: str, leverage: int) -> None:
        self.exchange.set_leverage(leverage, self._swap(symbol))

    def place_futures_order(self, symbol: str, side: str, size: Decimal, price: Decimal | None = None, *,
                            hedged: bool = True, reduce_only: bool = False) -> OrderRef:
        params: dict[str, Any] = {"hedged": hedged} if hedged else {}
        if reduce_only:
            params["reduceOnly"] = True
        kind = "market" if price is None else "limit"
        order = self.exchange.create_order(self._swap(symbol), kind, side, str(size),
                                           None if price is None else str(price), params)
        return OrderRef(str(order["id"]), order.get("clientOrderId"))

    def cancel_futures_order(self, symbol: str, order_id: str) -> None:
        self.exchange.cancel_order(order_id, self._swap(symbol))

    def fetch_futures_order(self, symbol: str, order_id: str) -> Order:
        return self._order(self.exchange.fetch_order(order_id, self._swap(symbol)), symbol)

    def fetch_futures_positions(self, symbol: str) -> list[Position]:
        return [Position(symbol, str(p.get("side")), p.get("contracts"), p.get("entryPrice"), p.get("leverage"),
                         p.get("info") or {}) for p in self.exchange.fetch_positions([self._swap(symbol)])]

    @staticmethod
    def _order(o: dict[str, Any], symbol: str) -> Order:
        return Order(
            order_id=str(o.get("id")),
            symbol=symbol,
            side=str(o.get("side")),
            price=o.get("price"),
            size=o.get("amount"),
            status=_STATUS.get(str(o.get("status")), str(o.get("status"))),
            client_oid=o.get("clientOrderId"),
            extra=o.get("info") or {},
        )

    def classify_error(self, exc: BaseException) -> ErrorCategory | None:
        c = ccxt
        table: tuple[tuple[Any, ErrorCategory], ...] = (
            (c.PermissionDenied, ErrorCategory.PERMISSION),  # a subclass of AuthenticationError
            (c.AuthenticationError, ErrorCategory.AUTH),
            (c.InvalidNonce, ErrorCategory.TIMESTAMP),  # a subclass of NetworkError
            ((c.DDoSProtection, c.RateLimitExceeded), ErrorCategory.RATE_LIMIT),
            (c.InsufficientFunds, ErrorCategory.INSUFFICIENT_FUNDS),
            (c.OrderNotFound, ErrorCategory.ORDER_NOT_FOUND),
            ((c.BadRequest, c.InvalidOrder, c.ArgumentsRequired), ErrorCategory.BAD_REQUEST),
            ((c.NetworkError, c.BadResponse), ErrorCategory.TRANSPORT),
            (c.BaseError, ErrorCategory.OTHER),
        )
        for cls, category in table:
            if isinstance(exc, cls):
                return category
        return None
