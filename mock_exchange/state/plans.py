"""Spot plan (trigger) orders: placed, modified and cancelled by the API, fired by the trigger engine.

A plan order reserves nothing while it waits (docs/conditional-orders.md says why). When the watched
price reaches its trigger price it becomes a normal limit or market order through `Trading.place`,
the same path as place-order: the balance is checked and frozen then, and a refusal there (43012,
45110, the price band...) closes the plan as `fail_execute` with the refusal kept as its reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from ..errors import (
    BELOW_MINIMUM_AMOUNT,
    CLIENT_OID_DUPLICATE,
    PARAM_MISSING,
    PARAM_SCALE,
    PLAN_NOT_FOUND,
    BitgetError,
)
from ..store.codec import by_arguments
from ..store.recorder import mutation
from ..views import plain
from .catalog import SYMBOLS_BY_NAME, SpotSymbol
from .events import PLAN_CLOSED, PLAN_MODIFIED, PLAN_PLACED, Events, PlanChanged
from .orders import BySymbol, IdIndex, IdSequence, Order, fresh_client_oid
from .trading import OrderSpec, Page, Trading, more_places
from .triggers import LAST, SPOT, Fired, Triggers, Watch

LIVE, EXECUTED, FAILED, CANCELLED = "live", "executed", "fail_execute", "cancelled"
AMOUNT, TOTAL = "amount", "total"
# what a spot plan's trigger watches: one per catalogue symbol (every `sym` is one), shared by its plans
_WATCHES = {name: Watch(SPOT, name, LAST) for name in SYMBOLS_BY_NAME}


@by_arguments
@dataclass(slots=True)
class PlanSpec:
    """A parsed place-plan-order request (decimals parsed, enums lower-case); not changed once built.
    A slots class, not a NamedTuple, for the reason OrderSpec gives."""

    symbol: str
    side: str
    trigger_price: Decimal
    trigger_type: str  # fill_price | mark_price
    order_type: str  # limit | market
    size: Decimal  # base coin (planType amount) or quote coin (total)
    plan_type: str = AMOUNT
    execute_price: Decimal | None = None
    force: str = "gtc"
    client_oid: str | None = None


class PlanEdit(NamedTuple):
    """A parsed modify-plan-order request: the new condition and order."""

    trigger_price: Decimal
    order_type: str
    size: Decimal
    execute_price: Decimal | None = None


@dataclass(slots=True, eq=False)
class PlanOrder:
    oid: int
    uid: str
    sym: SpotSymbol
    side: str
    trigger_price: Decimal
    trigger_type: str
    order_type: str
    execute_price: Decimal | None
    plan_type: str
    size: Decimal
    force: str
    client_oid: str
    ctime: int
    utime: int
    status: str = LIVE
    order_id: int | None = None  # the order it became (executed)
    reason: str = ""  # why it failed: the refusal's code and message (fail_execute)

    @property
    def is_live(self) -> bool:
        return self.status == LIVE


class AccountPlans:
    def __init__(self) -> None:
        self.live: BySymbol[PlanOrder] = BySymbol(IdIndex)
        self.closed: BySymbol[PlanOrder] = BySymbol(IdIndex)
        self.by_client: dict[str, PlanOrder] = {}

    def find(self, oid: int) -> PlanOrder | None:
        found: PlanOrder | None = self.live.all.get(oid) or self.closed.all.get(oid)
        return found


class SpotPlans:
    def __init__(self, trading: Trading, triggers: Triggers, ids: IdSequence, rng: random.Random,
                 max_kept: int, events: Events) -> None:
        self.trading = trading
        self.market = trading.market
        self.triggers = triggers
        self.ids = ids
        self.rng = rng
        self.max_kept = max_kept
        self.events = events
        self.by_account: dict[str, AccountPlans] = {}

    def plans_of(self, uid: str) -> AccountPlans:
        found = self.by_account.get(uid)
        if found is None:
            found = self.by_account[uid] = AccountPlans()
        return found

    # -- the API's writes -------------------------------------------------------------------
    @mutation
    def place(self, uid: str, spec: PlanSpec, now_ms: int) -> PlanOrder:
        self.trading.accounts.account(uid)
        sym = self.market.symbol(spec.symbol)
        self._check(sym, spec.side, spec, spec.plan_type)  # the spec has the fields of an edit
        plans = self.plans_of(uid)
        if spec.client_oid is not None and spec.client_oid in plans.by_client:
            raise BitgetError(CLIENT_OID_DUPLICATE)
        oid = self.ids.next()
        client = spec.client_oid
        if client is None:
            client = fresh_client_oid(self.rng, plans.by_client)
        plan = PlanOrder(oid, uid, sym, spec.side, spec.trigger_price, spec.trigger_type, spec.order_type,
                         spec.execute_price if spec.order_type == "limit" else None, spec.plan_type, spec.size,
                         spec.force, client, now_ms, now_ms)
        plans.live.add(oid, sym.symbol, plan)
        plans.by_client[client] = plan
        self.triggers.add(_WATCHES[sym.symbol], oid, plan.trigger_price, self._rising(plan, now_ms), plan)
        self._emit(plan, PLAN_PLACED)
        return plan

    @mutation
    def modify(self, uid: str, order_id: str | None, client_oid: str | None, edit: PlanEdit,
               now_ms: int) -> PlanOrder:
        plan = self._live(uid, order_id, client_oid)
        self._check(plan.sym, plan.side, edit, plan.plan_type)
        plan.trigger_price, plan.order_type, plan.size = edit.trigger_price, edit.order_type, edit.size
        plan.execute_price = edit.execute_price if edit.order_type == "limit" else None
        plan.utime = now_ms
        self.triggers.reprice(plan.oid, plan.trigger_price, self._rising(plan, now_ms))
        self._emit(plan, PLAN_MODIFIED)
        return plan

    @mutation
    def cancel(self, uid: str, order_id: str | None, client_oid: str | None, now_ms: int) -> PlanOrder:
        plan = self._live(uid, order_id, client_oid)
        self._close(plan, CANCELLED, now_ms)
        return plan

    @mutation
    def cancel_symbols(self, uid: str, symbols: list[str] | None, now_ms: int) -> list[PlanOrder]:
        """Cancel every live plan order of these symbols (all symbols when None), oldest first."""
        names = None if symbols is None else [self.market.symbol(s).symbol for s in symbols]
        plans = self.plans_of(uid)
        scopes = [plans.live.all] if names is None else [plans.live.scope(n) for n in dict.fromkeys(names)]
        doomed = sorted((p for scope in scopes for p in scope.values()), key=lambda p: p.oid)
        for plan in doomed:
            self._close(plan, CANCELLED, now_ms)
        return doomed

    # -- the clock --------------------------------------------------------------------------
    def fire(self, fired: Fired, now_ms: int) -> None:
        """The trigger engine met this plan's condition at `now_ms`: place its order (or fail)."""
        plan: PlanOrder = fired.trigger.handle
        try:
            order = self.trading.place(plan.uid, self._order_spec(plan, fired.price), now_ms)
        except BitgetError as refused:
            plan.reason = f"{refused.code} {refused.msg}"
            self._close(plan, FAILED, now_ms, trigger=False)
            return
        plan.order_id = order.oid
        self._close(plan, EXECUTED, now_ms, trigger=False)

    def _order_spec(self, plan: PlanOrder, price: Decimal) -> OrderSpec:
        """The order a plan becomes: sizes in the unit place-order wants (quote for market buys)."""
        sym, size = plan.sym, plan.size
        if plan.order_type == "limit" and plan.execute_price is not None:
            if plan.plan_type == TOTAL:
                size = (size / plan.execute_price).quantize(sym.lot, ROUND_DOWN)
            return OrderSpec(sym.symbol, plan.side, "limit", size, plan.force, plan.execute_price)
        if plan.side == "buy" and plan.plan_type == AMOUNT:
            size = (size * price).quantize(Decimal(1).scaleb(-sym.quote_precision), ROUND_DOWN)
        elif plan.side == "sell" and plan.plan_type == TOTAL:
            size = (size / price).quantize(sym.lot, ROUND_DOWN)
        return OrderSpec(sym.symbol, plan.side, "market", size)

    # -- reading ----------------------------------------------------------------------------
    def find(self, uid: str, order_id: str | None, client_oid: str | None) -> PlanOrder:
        plans = self.plans_of(uid)
        found: PlanOrder | None = None
        if order_id is not None:
            if order_id.isascii() and order_id.isdigit() and len(order_id) <= 20:
                found = plans.find(int(order_id))
        elif client_oid is not None:
            found = plans.by_client.get(client_oid)
        if found is None:
            raise BitgetError(PLAN_NOT_FOUND)
        return found

    def current(self, uid: str, page: Page) -> list[PlanOrder]:
        return self._page(self.plans_of(uid).live, page)

    def history(self, uid: str, page: Page) -> list[PlanOrder]:
        return self._page(self.plans_of(uid).closed, page)

    def produced(self, plan: PlanOrder) -> Order | None:
        """The order an executed plan became, while the account still keeps it."""
        return None if plan.order_id is None else self.trading.orders_of(plan.uid).find(plan.order_id)

    def _page(self, index: BySymbol[PlanOrder], page: Page) -> list[PlanOrder]:
        """Newest first: id below `before`, ctime within [start, end], at most `limit` (+1: nextFlag)."""
        sym = self.market.symbol(page.symbol).symbol if page.symbol is not None else None
        start, end = page.start, page.end

        def keep(p: PlanOrder) -> bool:
            return (start is None or p.ctime >= start) and (end is None or p.ctime <= end)

        out = []
        for plan in index.scope(sym).newest(page.before, keep):
            out.append(plan)
            if len(out) > page.limit:
                break
        return out

    # -- shared steps -----------------------------------------------------------------------
    def _check(self, sym: SpotSymbol, side: str, edit: PlanEdit | PlanSpec, plan_type: str) -> None:
        """Precision of the prices and size (40808), executePrice for limit (40019), minimum value (45110)."""
        if more_places(edit.trigger_price, sym.price_precision):
            raise BitgetError(PARAM_SCALE, "triggerPrice scale")
        in_quote = plan_type == TOTAL
        if more_places(edit.size, sym.quote_precision if in_quote else sym.quantity_precision):
            raise BitgetError(PARAM_SCALE, "size scale")
        price = edit.trigger_price
        if edit.order_type == "limit":
            if edit.execute_price is None:
                raise BitgetError(PARAM_MISSING, "executePrice")
            if more_places(edit.execute_price, sym.price_precision):
                raise BitgetError(PARAM_SCALE, "executePrice scale")
            price = edit.execute_price
        value = edit.size if in_quote else edit.size * price
        if value < sym.min_trade_usdt:
            raise BitgetError(BELOW_MINIMUM_AMOUNT, plain(sym.min_trade_usdt))

    def _rising(self, plan: PlanOrder, now_ms: int) -> bool:
        """Which way the price must move: up to a trigger at or above the last price, else down."""
        return plan.trigger_price >= self.market.last_price(plan.sym, now_ms)

    def _live(self, uid: str, order_id: str | None, client_oid: str | None) -> PlanOrder:
        plan = self.find(uid, order_id, client_oid)
        if not plan.is_live:
            raise BitgetError(PLAN_NOT_FOUND)
        return plan

    def _close(self, plan: PlanOrder, status: str, now_ms: int, trigger: bool = True) -> None:
        if trigger:
            self.triggers.remove(plan.oid)
        plans = self.plans_of(plan.uid)
        plan.status, plan.utime = status, now_ms
        plans.live.all.discard(plan.oid)
        scoped = plans.live.by_symbol.get(plan.sym.symbol)
        if scoped is not None:
            scoped.discard(plan.oid)
        plans.closed.add(plan.oid, plan.sym.symbol, plan)
        while len(plans.closed) > self.max_kept:  # the oldest closed plans are forgotten first
            old: PlanOrder = plans.closed.all.oldest()
            plans.closed.all.discard(old.oid)
            plans.closed.by_symbol[old.sym.symbol].discard(old.oid)
            if plans.by_client.get(old.client_oid) is old:
                del plans.by_client[old.client_oid]
        self._emit(plan, PLAN_CLOSED)

    def _emit(self, plan: PlanOrder, kind: str) -> None:
        if self.events.listeners:
            self.events.emit(PlanChanged(plan, kind))
