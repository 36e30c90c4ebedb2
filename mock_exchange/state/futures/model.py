"""The futures records: per-symbol settings, positions, orders, fills, bills and closed positions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from ...store.codec import by_arguments
from ..catalog import Contract
from ..orders import NO_PRESETS
from .margin import LONG, SHORT

ZERO = Decimal(0)
CROSSED, ISOLATED = "crossed", "isolated"
HEDGE, ONE_WAY = "hedge_mode", "one_way_mode"
OPEN, CLOSE = "open", "close"
DEFAULT_LEVERAGE = 20  # docs/futures.md: a new account starts crossed, hedge mode, leverage 20


@dataclass(slots=True)
class SymbolSettings:
    """One account's margin mode and leverages for one contract."""

    margin_mode: str = CROSSED
    cross_leverage: int = DEFAULT_LEVERAGE
    long_leverage: int = DEFAULT_LEVERAGE
    short_leverage: int = DEFAULT_LEVERAGE

    def leverage(self, hold_side: str) -> int:
        if self.margin_mode == CROSSED:
            return self.cross_leverage
        return self.long_leverage if hold_side == LONG else self.short_leverage


@by_arguments
@dataclass(slots=True)
class FuturesOrderSpec:
    """A parsed futures order; decimals parsed, enums lower-case. `trade_side` None in one-way mode.

    Not changed once built. A slots class rather than a NamedTuple: an order reads its spec's fields
    ~40 times, and Python 3.11 reads a slot ~3x cheaper than a NamedTuple field (a descriptor it
    does not specialise), for about the same cost to build."""

    symbol: str
    product: str
    margin_coin: str
    margin_mode: str
    side: str
    order_type: str
    size: Decimal
    price: Decimal | None = None
    force: str = "gtc"
    trade_side: str | None = None
    reduce_only: bool = False
    client_oid: str | None = None
    presets: Mapping[str, str | None] = field(default_factory=lambda: NO_PRESETS)


@dataclass(slots=True, eq=False)
class Position:
    pid: int
    uid: str
    contract: Contract
    product: str
    margin_coin: str
    hold_side: str  # long | short
    margin_mode: str
    leverage: int
    ctime: int
    utime: int
    size: Decimal = ZERO
    entry: Decimal = ZERO
    margin: Decimal = ZERO  # what the position holds in the wallet's frozen part
    locked: Decimal = ZERO  # size held by pending close orders
    achieved: Decimal = ZERO  # realised PnL so far (gross of fees)
    open_fee: Decimal = ZERO  # fees paid opening (positive amounts)
    close_fee: Decimal = ZERO
    funding: Decimal = ZERO  # net funding received (negative: paid)
    open_total: Decimal = ZERO
    close_total: Decimal = ZERO
    close_value: Decimal = ZERO  # sum of close price x size, for the average close price
    liquidated: bool = False

    @property
    def available(self) -> Decimal:
        return self.size - self.locked

    @property
    def key(self) -> tuple[str, str]:
        return self.contract.symbol, self.hold_side


@dataclass(slots=True, eq=False)
class FuturesFill:
    tid: int
    oid: int
    symbol: str
    side: str
    trade_side: str  # as shown: open/close, buy_single/sell_single, burst_close_long...
    pos_mode: str
    margin_coin: str
    price: Decimal
    size: Decimal
    fee: Decimal  # positive amount charged
    profit: Decimal
    scope: str  # taker | maker
    ctime: int


@dataclass(slots=True, eq=False)
class FuturesOrder:
    oid: int
    uid: str
    contract: Contract
    product: str
    margin_coin: str
    margin_mode: str
    pos_mode: str
    side: str  # buy | sell
    trade_side: str | None  # open | close in hedge mode; None in one-way mode
    hold_side: str  # the position it opens or closes (hedge); its side's direction (one-way)
    reduce_only: bool
    order_type: str
    force: str
    price: Decimal  # 0 for market orders
    size: Decimal
    client_oid: str
    leverage: int
    ctime: int
    utime: int
    presets: Mapping[str, str | None] = field(default_factory=lambda: NO_PRESETS)
    source: str = "normal"  # orderSource: normal | market | liquidation
    status: str = "live"
    base_volume: Decimal = ZERO
    quote_volume: Decimal = ZERO
    fee: Decimal = ZERO  # positive amount
    profit: Decimal = ZERO
    margin: Decimal = ZERO  # margin the open order still reserves
    cancel_reason: str = ""
    fills: list[FuturesFill] | tuple[()] = ()  # a list from the first fill on (most orders never fill)

    @property
    def is_buy(self) -> bool:
        return self.side == "buy"

    @property
    def buys(self) -> bool:
        """Does it buy in the market? A hedge-mode close names the position's side (buy + close closes a
        long, by selling), so it trades the other way."""
        return (self.side == "buy") != (self.trade_side == CLOSE)

    @property
    def is_open(self) -> bool:
        return self.status in ("live", "partially_filled")

    @property
    def closes(self) -> bool:
        """Does it only reduce a position (hedge close, or one-way reduce-only)?"""
        return self.trade_side == CLOSE or self.reduce_only

    @property
    def remaining(self) -> Decimal:
        return self.size - self.base_volume

    @property
    def shown_trade_side(self) -> str:
        if self.source == "liquidation":
            return "burst_close_" + self.hold_side
        if self.trade_side is not None:
            return self.trade_side
        return "buy_single" if self.is_buy else "sell_single"


@dataclass(slots=True, eq=False)
class FuturesBill:
    bid: int
    symbol: str
    coin: str
    business: str
    amount: Decimal
    fee: Decimal  # negative: a charge
    balance: Decimal  # the wallet's balance after the change
    ctime: int


@dataclass(slots=True, eq=False)
class ClosedPosition:
    """A position as history-position reports it, once it is fully closed."""

    pid: int
    symbol: str
    margin_coin: str
    hold_side: str
    margin_mode: str
    open_avg: Decimal
    close_avg: Decimal
    open_total: Decimal
    close_total: Decimal
    pnl: Decimal
    net_profit: Decimal
    funding: Decimal
    open_fee: Decimal
    close_fee: Decimal
    ctime: int
    utime: int


def opposite(hold_side: str) -> str:
    return SHORT if hold_side == LONG else LONG


class Hooks(Protocol):
    """What conditional orders (plans.FuturesPlans) hear from trading: an opening order with preset
    TP/SL filled `qty`, and a position closed to nothing (its TP/SL orders go with it)."""

    def opened(self, order: FuturesOrder, qty: Decimal, now_ms: int) -> None: ...

    def position_closed(self, p: Position, now_ms: int) -> None: ...
