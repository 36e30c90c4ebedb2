"""Futures conditional orders as records: trigger (plan) orders and TP/SL orders, what a request asks
for (the specs), and where one account's plans live (docs/futures-conditional.md, "Futures")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ...store.codec import by_arguments
from ..catalog import Contract
from ..orders import BySymbol, IdIndex
from .margin import LONG
from .model import CLOSE, HEDGE

NORMAL_PLAN, TRACK_PLAN = "normal_plan", "track_plan"
PROFIT_PLAN, LOSS_PLAN, MOVING_PLAN = "profit_plan", "loss_plan", "moving_plan"
POS_PROFIT, POS_LOSS = "pos_profit", "pos_loss"
TPSL_TYPES = (PROFIT_PLAN, LOSS_PLAN, MOVING_PLAN, POS_PROFIT, POS_LOSS)
TRAILING = (TRACK_PLAN, MOVING_PLAN)
PROFITS = (PROFIT_PLAN, POS_PROFIT)
WHOLE_POSITION = (POS_PROFIT, POS_LOSS)
FILL_PRICE, MARK_PRICE = "fill_price", "mark_price"
TRIGGER_TYPES = (FILL_PRICE, MARK_PRICE)
NO_TPSL: Mapping[str, str] = MappingProxyType({})
LIVE, EXECUTED, FAILED, CANCELLED = "live", "executed", "fail_trigger", "cancelled"
# the TP/SL a trigger order carries into the order it places (place-plan-order's names)
PLAN_TPSL = ("stopSurplusTriggerPrice", "stopSurplusExecutePrice", "stopSurplusTriggerType",
             "stopLossTriggerPrice", "stopLossExecutePrice", "stopLossTriggerType")


@by_arguments
@dataclass(slots=True)
class PlanSpec:
    """A parsed place-plan-order (normal_plan): the order it places once the trigger price is met.
    Like the other specs, a slots class never changed once built (state/trading.py's OrderSpec says why)."""

    symbol: str
    product: str
    margin_coin: str
    margin_mode: str
    side: str
    order_type: str
    size: Decimal
    trigger_price: Decimal
    trigger_type: str
    price: Decimal | None = None
    trade_side: str | None = None
    reduce_only: bool = False
    client_oid: str | None = None
    tpsl: Mapping[str, str] = field(default_factory=lambda: NO_TPSL)  # PLAN_TPSL names -> values given
    plan_type: str = NORMAL_PLAN
    callback_ratio: Decimal | None = None  # track_plan: the retrace (percent) that fires it


@by_arguments
@dataclass(slots=True)
class TpslSpec:
    """A parsed place-tpsl-order: a take profit or stop loss on one position (`hold_side` long/short).
    `size` None for the whole-position types (pos_profit, pos_loss)."""

    symbol: str
    product: str
    margin_coin: str
    plan_type: str
    hold_side: str
    trigger_price: Decimal
    trigger_type: str = FILL_PRICE
    execute_price: Decimal | None = None
    size: Decimal | None = None
    client_oid: str | None = None
    range_rate: Decimal | None = None  # moving_plan: the retrace (percent) that fires it


@by_arguments
@dataclass(slots=True)
class PlanChange:
    """A modify-plan-order or modify-tpsl-order: None leaves a field as it is."""

    size: Decimal | None = None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    trigger_type: str | None = None
    tpsl: Mapping[str, str] = field(default_factory=lambda: NO_TPSL)  # modify-plan-order's new TP/SL
    execute_price_given: bool = False  # modify-tpsl-order: executePrice sent ("" or 0 means market)
    callback_ratio: Decimal | None = None  # modify-plan-order's newCallbackRatio (track_plan), modify-tpsl-order's
    # rangeRate (moving_plan)


@dataclass(slots=True, eq=False)
class FuturesPlan:
    """One conditional order. A trigger order (normal_plan) places `order_type` `side` `size` when the
    watched price reaches `trigger_price`; a TP/SL closes (part of) the `hold_side` position."""

    oid: int
    uid: str
    contract: Contract
    product: str
    margin_coin: str
    margin_mode: str  # "" for TP/SL orders (they take the position's)
    pos_mode: str
    plan_type: str
    side: str
    trade_side: str | None  # open/close in hedge mode, None in one-way mode
    hold_side: str
    reduce_only: bool
    order_type: str  # limit | market: what it places when it fires
    price: Decimal  # the limit price it places at (0: market)
    size: Decimal  # 0 for pos_profit / pos_loss (the whole position when it fires)
    trigger_price: Decimal
    trigger_type: str
    rising: bool  # fires when the watched price >= trigger_price (else <=)
    client_oid: str
    ctime: int
    utime: int
    tpsl: Mapping[str, str] = field(default_factory=dict)
    status: str = LIVE
    order_id: int | None = None  # the futures order it placed
    fail_reason: str = ""  # why firing placed nothing (Bitget's code and message)
    fired_step: int | None = None  # the walk step whose price met the trigger
    callback_ratio: Decimal | None = None  # track_plan, moving_plan: percent retrace from the extreme that fires it
    extreme: Decimal | None = None  # trailing: best price since activation (None: not activated yet)

    @property
    def is_tpsl(self) -> bool:
        return self.plan_type in TPSL_TYPES

    @property
    def sells(self) -> bool:
        """Whether the order it places sells: a trigger order's side; a TP/SL's closes its position (in
        hedge mode its `side` names the position, so the position decides)."""
        return self.hold_side == LONG if self.is_tpsl else self.side == "sell"

    @property
    def shown_trade_side(self) -> str:
        if self.trade_side is not None:
            return self.trade_side
        return "buy_single" if self.side == "buy" else "sell_single"

    @property
    def closes(self) -> bool:
        return self.trade_side == CLOSE or self.reduce_only


def trail_levels(sells: bool, extreme: Decimal, ratio: Decimal) -> tuple[Decimal, bool]:
    """An activated trailing order's firing condition (price, rising): a sell fires once the price is
    `ratio` percent below the highest price since activation, a buy once it is that far above the lowest."""
    if sells:
        return extreme * (1 - ratio / 100), False
    return extreme * (1 + ratio / 100), True


def tpsl_rising(plan_type: str, hold_side: str) -> bool:
    """A long's take profit fires on the way up, its stop loss on the way down; a short's the other way."""
    return (plan_type in PROFITS) == (hold_side == LONG)


def closing_side(hold_side: str, pos_mode: str) -> str:
    """The side of an order that closes `hold_side`: hedge mode names the position (buy + close closes
    a long), one-way mode the trade (sell closes a long)."""
    long = hold_side == LONG
    if pos_mode == HEDGE:
        return "buy" if long else "sell"
    return "sell" if long else "buy"


class PlanBook:
    """One account's conditional orders in one product type: pending ones and finished ones."""

    def __init__(self, max_kept: int) -> None:
        self.max_kept = max_kept
        self.live: BySymbol[FuturesPlan] = BySymbol(IdIndex)
        self.done: BySymbol[FuturesPlan] = BySymbol(IdIndex)
        self.by_client: dict[str, FuturesPlan] = {}

    def find(self, oid: int) -> FuturesPlan | None:
        found: FuturesPlan | None = self.live.all.get(oid) or self.done.all.get(oid)
        return found

    def add(self, plan: FuturesPlan) -> None:
        self.live.add(plan.oid, plan.contract.symbol, plan)
        self.by_client[plan.client_oid] = plan

    def finish(self, plan: FuturesPlan) -> None:
        symbol = plan.contract.symbol
        self.live.all.discard(plan.oid)
        self.live.scope(symbol).discard(plan.oid)
        self.done.add(plan.oid, symbol, plan)
        if len(self.done) > self.max_kept:
            oldest: FuturesPlan | None = self.done.all.oldest()
            if oldest is not None:
                self.done.all.discard(oldest.oid)
                self.done.scope(oldest.contract.symbol).discard(oldest.oid)
                if self.by_client.get(oldest.client_oid) is oldest:
                    del self.by_client[oldest.client_oid]

