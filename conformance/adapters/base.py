"""The adapter protocol: the few high-level operations through which the harness drives any Bitget client.

An adapter wraps one client (the reference client, ccxt, your SDK) and translates between the harness's
plain vocabulary and the client's own. Symbols are Bitget ids (`BTCUSDT`, `龙币USDT`); prices and sizes go
in as Decimals; numbers come back as the client returns them (str, Decimal, float: the DATA checks look
at exactly that). Operation failures propagate as the client's own exceptions; `classify_error` says
what kind each one is, and None for an exception the client did not mean to raise (a crash).

    class MyAdapter(Adapter):
        name = "my-sdk"
        def __init__(self, base_url, credentials): self.sdk = MySdk(base_url, credentials.api_key, ...)
        def fetch_ticker(self, symbol): t = self.sdk.ticker(symbol); return Ticker(symbol, t.last, t.bid, t.ask)
        ...

An operation the client does not offer raises `Unsupported`; the checks that need it are skipped.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .socket import Socket


class ErrorCategory(StrEnum):
    """What an error means to the caller; each check expects one of these for its injected failure."""

    AUTH = "auth"  # bad key, secret, passphrase or signature
    PERMISSION = "permission"  # the key may not do this
    RATE_LIMIT = "rate_limit"  # 429
    TIMESTAMP = "timestamp"  # ACCESS-TIMESTAMP outside the window
    INSUFFICIENT_FUNDS = "insufficient_funds"
    ORDER_NOT_FOUND = "order_not_found"
    BAD_REQUEST = "bad_request"  # a parameter the exchange refused
    TRANSPORT = "transport"  # no usable answer: dropped connection, non-JSON body, 5xx page
    OTHER = "other"  # an exchange error the client reports in its own typed way, of none of the kinds above


class Unsupported(Exception):
    """Raised by an adapter for an operation its client does not offer."""


@dataclass(frozen=True)
class Credentials:
    api_key: str
    secret_key: str
    passphrase: str

    def __repr__(self) -> str:  # never print the secret
        return f"Credentials(api_key={self.api_key!r})"


@dataclass(frozen=True)
class Ticker:
    symbol: str
    last: Any
    bid: Any = None
    ask: Any = None


@dataclass(frozen=True)
class OrderBook:
    bids: list[tuple[Any, Any]]  # (price, size), best first
    asks: list[tuple[Any, Any]]


@dataclass(frozen=True)
class Balance:
    available: Any
    frozen: Any = 0


@dataclass(frozen=True)
class OrderRef:
    order_id: str
    client_oid: str | None = None


@dataclass(frozen=True)
class LimitOrder:
    """One item of a batch: a limit order on the batch's symbol."""

    side: str
    price: Decimal
    size: Decimal
    client_oid: str | None = None


OPEN, FILLED, CANCELLED = "open", "filled", "cancelled"


@dataclass(frozen=True)
class Order:
    """An order as the client reports it; `status` normalised to "open", "filled" or "cancelled"."""

    order_id: str
    symbol: str
    side: str
    price: Any
    size: Any
    status: str
    client_oid: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Position:
    """A futures position as the client reports it: `side` "long" or "short", `size` in the base coin."""

    symbol: str
    side: str
    size: Any
    entry_price: Any = None
    leverage: Any = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


class Adapter(ABC):
    """Drives one client against one exchange URL with one set of credentials.

    The harness builds a fresh adapter for each check (`Adapter(base_url, credentials)`) and calls
    `close()` when the check ends, so no client state (clock offset, pacing, retries) leaks between checks.
    """

    name: ClassVar[str] = "adapter"

    def __init__(self, base_url: str, credentials: Credentials) -> None:
        self.base_url = base_url
        self.credentials = credentials

    def close(self) -> None:  # noqa: B027  (optional hook, nothing to release by default)
        """Release the client's connections."""

    # -- the operations every client is driven through -----------------------------------------
    @abstractmethod
    def server_time(self) -> int:
        """The exchange's time in ms, as the client reports it."""

    @abstractmethod
    def fetch_ticker(self, symbol: str) -> Ticker: ...

    @abstractmethod
    def fetch_order_book(self, symbol: str) -> OrderBook: ...

    @abstractmethod
    def fetch_balance(self) -> dict[str, Balance]:
        """Spot balances by coin name as Bitget spells it (`USDT`, `龙币`)."""

    @abstractmethod
    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef: ...

    @abstractmethod
    def cancel_order(self, symbol: str, order_id: str) -> None: ...

    @abstractmethod
    def fetch_order(self, symbol: str, order_id: str) -> Order: ...

    @abstractmethod
    def fetch_open_orders(self, symbol: str) -> list[Order]: ...

    # -- optional operations: the default says the client does not offer them -----------------------
    def fetch_order_by_client_oid(self, symbol: str, client_oid: str) -> Order:
        raise Unsupported("fetch_order_by_client_oid")

    def open_socket(self, private: bool = False) -> Socket:
        """The client's WebSocket on the public or (logged in) private endpoint: see adapters/socket.py."""
        raise Unsupported("open_socket (the client's WebSocket)")

    # USDT-margined perpetuals (the FUT checks; `symbol` is Bitget's id, e.g. BTCUSDT, productType
    # USDT-FUTURES, margin coin USDT, crossed margin). `side` is the direction of the trade: in hedge mode
    # buy opens a long and, with reduce_only, sell closes it (the adapter translates to Bitget's tradeSide);
    # in one-way mode reduce_only may only shrink the position. `price` None is a market order.
    def set_futures_position_mode(self, symbol: str, hedged: bool) -> None:
        raise Unsupported("set_futures_position_mode")

    def set_futures_leverage(self, symbol: str, leverage: int) -> None:
        raise Unsupported("set_futures_leverage")

    def place_futures_order(self, symbol: str, side: str, size: Decimal, price: Decimal | None = None, *,
                            hedged: bool = True, reduce_only: bool = False) -> OrderRef:
        raise Unsupported("place_futures_order")

    def cancel_futures_order(self, symbol: str, order_id: str) -> None:
        raise Unsupported("cancel_futures_order")

    def fetch_futures_order(self, symbol: str, order_id: str) -> Order:
        raise Unsupported("fetch_futures_order")

    def fetch_futures_positions(self, symbol: str) -> list[Position]:
        raise Unsupported("fetch_futures_positions")

    def place_limit_orders(self, symbol: str, orders: Sequence[LimitOrder]) -> list[OrderRef]:
        """Place several limit orders in one batch request (Bitget's batch-orders); the orders placed."""
        raise Unsupported("place_limit_orders")

    def set_timeout(self, seconds: float) -> None:
        """Give up waiting for an answer after `seconds` from now on (the RETRY checks shorten it so that a
        delayed answer times out quickly)."""
        raise Unsupported("set_timeout")

    def request_log(self) -> list[str]:
        """Turn on the client's own logging of its requests (its debug log) and return the list that the
        lines it writes from now on are appended to, until close()."""
        raise Unsupported("request_log")

    # -- error classification ------------------------------------------------------------------
    @abstractmethod
    def classify_error(self, exc: BaseException) -> ErrorCategory | None:
        """The category of an exception the client raised, or None when it is not one of the client's
        deliberate errors (a TypeError, KeyError... escaping from inside the client: a crash)."""


class LogCapture(logging.Handler):
    """Records what the named loggers write, at DEBUG, until `close()` (a helper for `request_log`)."""

    def __init__(self, *names: str) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._loggers = [(logger, logger.level) for logger in map(logging.getLogger, names)]
        for logger, _ in self._loggers:
            logger.addHandler(self)
            logger.setLevel(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name}: {record.getMessage()}")
        except Exception:  # a record that cannot be formatted is still a line the client wrote
            self.lines.append(f"{record.name}: {record.msg!r} {record.args!r}")

    def close(self) -> None:
        for logger, level in self._loggers:
            logger.removeHandler(self)
            logger.setLevel(level)
        self._loggers = []
        super().close()


def category_for_code(code: str | None, http_status: int | None = None) -> ErrorCategory:
    """The category of a Bitget error code: a helper for adapters whose client only exposes the code."""
    table = {
        "40001": ErrorCategory.AUTH, "40002": ErrorCategory.AUTH, "40003": ErrorCategory.AUTH,
        "40005": ErrorCategory.AUTH, "40006": ErrorCategory.AUTH, "40009": ErrorCategory.AUTH,
        "40011": ErrorCategory.AUTH, "40012": ErrorCategory.AUTH,
        "40014": ErrorCategory.PERMISSION, "40018": ErrorCategory.PERMISSION,
        "429": ErrorCategory.RATE_LIMIT,
        "40004": ErrorCategory.TIMESTAMP, "40008": ErrorCategory.TIMESTAMP,
        "43012": ErrorCategory.INSUFFICIENT_FUNDS,
        "43001": ErrorCategory.ORDER_NOT_FOUND, "43004": ErrorCategory.ORDER_NOT_FOUND,
        "43025": ErrorCategory.ORDER_NOT_FOUND,
    }
    if code in table:
        return table[code]
    if http_status == 429:
        return ErrorCategory.RATE_LIMIT
    if http_status is not None and http_status >= 500:
        return ErrorCategory.TRANSPORT
    if code is not None and code.startswith(("40", "43", "45")):
        return ErrorCategory.BAD_REQUEST
    return ErrorCategory.OTHER
