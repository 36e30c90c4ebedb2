"""Futures conditional orders: trigger (plan) orders and TP/SL orders, placed, modified, cancelled and
fired as the clock moves (docs/futures-conditional.md, "Futures").

Nothing is reserved when one is placed: a trigger order holds no margin and a TP/SL locks none of its
position. When the watched price (last or mark, `triggerType`) meets the trigger, the order it stands
for goes through `FuturesTrading.place` like any other, with every check of a new order; refused
there (margin gone, position gone), the plan ends `fail_trigger` with Bitget's code and message kept
as its reason. The watching is `state.triggers.Triggers`; this module knows what a plan places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from ...errors import (
    FUTURES_CLIENT_OID_DUPLICATE,
    LONG_SL_NOT_BELOW,
    LONG_TP_NOT_ABOVE,
    NO_POSITION,
    NO_POSITION_FOR_TPSL,
    PLAN_NOT_FOUND,
    POSITION_TOO_SMALL,
    SHORT_SL_NOT_ABOVE,
    SHORT_TP_NOT_BELOW,
    STOP_LOSS_EXISTS,
    TAKE_PROFIT_EXISTS,
    TPSL_ABOVE_POSITION,
    TPSL_NOT_FOUND,
    TRADE_SIDE_MISMATCH,
    BitgetError,
    invalid,
    missing,
)
from ...store.recorder import mutation
from ..catalog import Contract
from ..orders import fresh_client_oid
from ..triggers import LAST, MARK, Fired, Triggers, Watch
from .margin import LONG, SHORT
from .model import CLOSE, HEDGE, ZERO, FuturesOrder, FuturesOrderSpec, Position
from .plan_model import (
    CANCELLED,
    EXECUTED,
    FAILED,
    LIVE,
    LOSS_PLAN,
    MARK_PRICE,
    MOVING_PLAN,
    NORMAL_PLAN,
    POS_PROFIT,
    PROFIT_PLAN,
    PROFITS,
    TRACK_PLAN,
    TRAILING,
    WHOLE_POSITION,
    FuturesPlan,
    PlanBook,
    PlanChange,
    PlanSpec,
    TpslSpec,
    closing_side,
    tpsl_rising,
    trail_levels,
)
from .trading import FuturesTrading, on_tick, traded_margin_coin

PlanRef = tuple[str | None, str | None]  # (orderId, clientOid)
# a preset of place-order -> (the TP/SL it becomes, the preset naming its execute price)
_PRESETS = (("presetStopSurplusPrice", PROFIT_PLAN, "presetStopSurplusExecutePrice"),
            ("presetStopLossPrice", LOSS_PLAN, "presetStopLossExecutePrice"))
# a trigger order's TP/SL -> the preset of the order it places
_CARRIED = {"stopSurplusTriggerPrice": "presetStopSurplusPrice",
            "stopSurplusExecutePrice": "presetStopSurplusExecutePrice",
            "stopLossTriggerPrice": "presetStopLossPrice", "stopLossExecutePrice": "presetStopLossExecutePrice"}


class FuturesPlans:
    def __init__(self, trading: FuturesTrading, triggers: Triggers, max_kept: int) -> None:
        self.trading = trading
        self.engine = trading.engine
        self.market = trading.market
        self.max_kept = max_kept
        self.triggers = triggers  # the exchange's, shared with spot plan orders
        self.books: dict[tuple[str, str], PlanBook] = {}
        self.engine.hooks = self

    # -- lookups -------------------------------------------------------------------------------
    def book(self, uid: str, product: str) -> PlanBook:
        found = self.books.get((uid, product))
        if found is None:
            found = self.books[(uid, product)] = PlanBook(self.max_kept)
        return found

    def price_now(self, c: Contract, trigger_type: str, now_ms: int) -> Decimal:
        if trigger_type == MARK_PRICE:
            return self.market.mark_price(c, now_ms)
        return self.market.last_price(c, now_ms)

    def _contract(self, uid: str, product: str, symbol: str, coin: str) -> Contract:
        self.engine.accounts.account(uid)
        c = self.trading.contract(product, symbol)
        traded_margin_coin(c, coin)
        return c

    def _client(self, book: PlanBook, given: str | None) -> str:
        """The plan's clientOid: the one given (40786 when taken), else a new one. Call after every check."""
        if given is not None:
            return given
        return fresh_client_oid(self.engine.rng, book.by_client)

    def _watch(self, plan: FuturesPlan) -> None:
        self._arm(plan)
        self.engine.plan_changed(plan)  # placed or modified: live

    def _arm(self, plan: FuturesPlan) -> None:
        """Register the plan's condition. An activated trailing order (track_plan with an extreme) has
        two: its retrace level under the plan's id, and "a new extreme" (any price beyond it) under the
        negated id, which re-arms both when met (docs/futures-conditional.md, "Trailing orders")."""
        watch = Watch(plan.product, plan.contract.symbol, MARK if plan.trigger_type == MARK_PRICE else LAST)
        if plan.extreme is None or plan.callback_ratio is None:
            self.triggers.add(watch, plan.oid, plan.trigger_price, plan.rising, plan)
            return
        level, rising = trail_levels(plan.sells, plan.extreme, plan.callback_ratio)
        self.triggers.add(watch, plan.oid, level, rising, plan)
        beyond = plan.extreme.next_minus() if rising else plan.extreme.next_plus()
        self.triggers.add(watch, -plan.oid, beyond, not rising, plan)

    def _unwatch(self, plan: FuturesPlan) -> None:
        self.triggers.remove(plan.oid)
        self.triggers.remove(-plan.oid)

    # -- trigger orders -------------------------------------------------------------------------
    @mutation
    def place_plan(self, uid: str, spec: PlanSpec, now_ms: int) -> FuturesPlan:
        """A trigger order: fires when the watched price crosses `trigger_price` from where it is now
        (a trigger above the price fires on the way up, one below on the way down)."""
        eng = self.engine
        c = self._contract(uid, spec.product, spec.symbol, spec.margin_coin)
        pos_mode = eng.pos_mode(uid, c.product_type)
        trade_side = spec.trade_side if pos_mode == HEDGE else None
        if pos_mode == HEDGE and trade_side is None:
            raise BitgetError(TRADE_SIDE_MISMATCH)
        self._check_plan_shape(c, spec.size, spec.order_type, spec.price, spec.trigger_price, spec.tpsl)
        book = self.book(uid, c.product_type)
        if spec.client_oid is not None and spec.client_oid in book.by_client:
            raise BitgetError(FUTURES_CLIENT_OID_DUPLICATE)
        # -- nothing below can fail -----------------------------------------------------------------
        is_buy = spec.side == "buy"
        reduce_only = spec.reduce_only and pos_mode != HEDGE
        if pos_mode == HEDGE:
            hold_side = LONG if is_buy else SHORT
        else:
            hold_side = (SHORT if is_buy else LONG) if reduce_only else (LONG if is_buy else SHORT)
        rising = spec.trigger_price >= self.price_now(c, spec.trigger_type, now_ms)
        oid = eng.ids.next()
        price = spec.price if spec.order_type == "limit" and spec.price is not None else ZERO
        plan = FuturesPlan(oid, uid, c, c.product_type, spec.margin_coin.upper(), spec.margin_mode, pos_mode,
                           NORMAL_PLAN, spec.side, trade_side, hold_side, reduce_only, spec.order_type, price,
                           spec.size, spec.trigger_price, spec.trigger_type, rising,
                           self._client(book, spec.client_oid), now_ms, now_ms, dict(spec.tpsl))
        if spec.plan_type == TRACK_PLAN:
            plan.plan_type, plan.callback_ratio = TRACK_PLAN, spec.callback_ratio
        book.add(plan)
        self._watch(plan)
        return plan

    def _check_plan_shape(self, c: Contract, size: Decimal, order_type: str, price: Decimal | None,
                          trigger: Decimal, tpsl: Mapping[str, str]) -> None:
        """What place-order would refuse in the order the plan places (precision, size, value), and its
        trigger and TP/SL prices on the price grid."""
        self.trading.check_shape(c, FuturesOrderSpec(c.symbol, c.product_type, "", "", "buy", order_type, size,
                                                     price))
        on_tick(c, trigger, "triggerPrice")
        for name, value in tpsl.items():
            if name.endswith("Price") and value:
                on_tick(c, Decimal(value), name)

    @mutation
    def modify_plan(self, uid: str, product: str, symbol: str, order_id: str | None, client_oid: str | None,
                    plan_type: str | None, change: PlanChange, now_ms: int) -> FuturesPlan:
        """New size, price, trigger and/or TP/SL for a pending trigger order (same id); the direction it
        fires in is taken again from the price now."""
        plan = self._find(uid, product, symbol, order_id, client_oid, PLAN_NOT_FOUND)
        if plan.is_tpsl or (plan_type is not None and plan.plan_type != plan_type):
            raise BitgetError(PLAN_NOT_FOUND)
        c = plan.contract
        if change.price is not None and plan.order_type != "limit":
            raise invalid("newPrice")  # a market trigger order has no price to change
        size = change.size if change.size is not None else plan.size
        price = change.price if change.price is not None else (plan.price if plan.order_type == "limit" else None)
        trigger = change.trigger_price if change.trigger_price is not None else plan.trigger_price
        tpsl = {**plan.tpsl, **change.tpsl}
        self._check_plan_shape(c, size, plan.order_type, price, trigger, tpsl)
        # -- nothing below can fail -----------------------------------------------------------------
        self._unwatch(plan)
        plan.size, plan.trigger_price, plan.tpsl = size, trigger, tpsl
        if change.callback_ratio is not None and plan.plan_type == TRACK_PLAN:
            plan.callback_ratio = change.callback_ratio
        plan.extreme = None  # a modified trailing order waits for its activation price again
        if price is not None:
            plan.price = price
        if change.trigger_type is not None:
            plan.trigger_type = change.trigger_type
        plan.rising = trigger >= self.price_now(c, plan.trigger_type, now_ms)
        plan.utime = now_ms
        self._watch(plan)
        return plan

    # -- TP/SL orders ---------------------------------------------------------------------------
    def _tpsl_checks(self, uid: str, c: Contract, plan_type: str, hold_side: str, trigger: Decimal,
                     trigger_type: str, execute: Decimal | None, size: Decimal | None, now_ms: int,
                     replacing: FuturesPlan | None = None) -> tuple[Position, Decimal]:
        """Everything place-tpsl-order and modify-tpsl-order refuse: no position (40837), prices off the
        grid (40808), a size beyond the position (43023), a trigger on the wrong side of the price now
        (40830/40832/40834/40836; not for a trailing stop, moving_plan, whose trigger is an activation
        price met from either side). Returns the position and the size the plan keeps (0: all of it)."""
        p = self.engine.position(uid, c.symbol, hold_side)
        if p is None:
            raise BitgetError(NO_POSITION_FOR_TPSL)
        on_tick(c, trigger, "triggerPrice")
        if execute is not None:
            on_tick(c, execute, "executePrice")
        kept = ZERO
        if plan_type not in WHOLE_POSITION:
            if size is None:
                raise missing("size")
            self.trading.check_shape(c, FuturesOrderSpec(c.symbol, c.product_type, "", "", "buy", "market", size))
            if size > p.size:
                raise BitgetError(TPSL_ABOVE_POSITION)
            kept = size
        if plan_type == MOVING_PLAN:
            if execute is not None:
                raise invalid("executePrice")  # the doc: a trailing stop always closes at market
            return p, kept
        now = self.price_now(c, trigger_type, now_ms)
        profit, long = plan_type in PROFITS, hold_side == LONG
        if profit and long and trigger <= now:
            raise BitgetError(LONG_TP_NOT_ABOVE)
        if profit and not long and trigger >= now:
            raise BitgetError(SHORT_TP_NOT_BELOW)
        if not profit and long and trigger >= now:
            raise BitgetError(LONG_SL_NOT_BELOW)
        if not profit and not long and trigger <= now:
            raise BitgetError(SHORT_SL_NOT_ABOVE)
        return p, kept

    def _whole_position_plan(self, uid: str, c: Contract, plan_type: str, hold_side: str) -> FuturesPlan | None:
        for plan in self.book(uid, c.product_type).live.scope(c.symbol).values():
            if plan.plan_type == plan_type and plan.hold_side == hold_side:
                found: FuturesPlan = plan
                return found
        return None

    def _check_tpsl(self, uid: str, spec: TpslSpec, now_ms: int, replace: bool) -> tuple[Contract, Decimal]:
        c = self._contract(uid, spec.product, spec.symbol, spec.margin_coin)
        _, kept = self._tpsl_checks(uid, c, spec.plan_type, spec.hold_side, spec.trigger_price, spec.trigger_type,
                                    spec.execute_price, spec.size, now_ms)
        if spec.plan_type in WHOLE_POSITION and not replace and self._whole_position_plan(
                uid, c, spec.plan_type, spec.hold_side) is not None:
            raise BitgetError(TAKE_PROFIT_EXISTS if spec.plan_type == POS_PROFIT else STOP_LOSS_EXISTS)
        book = self.book(uid, c.product_type)
        if spec.client_oid is not None and spec.client_oid in book.by_client:
            raise BitgetError(FUTURES_CLIENT_OID_DUPLICATE)
        return c, kept

    def _new_tpsl(self, uid: str, c: Contract, coin: str, plan_type: str, hold_side: str, trigger: Decimal,
                  trigger_type: str, execute: Decimal | None, size: Decimal, client_oid: str | None,
                  now_ms: int, range_rate: Decimal | None = None) -> FuturesPlan:
        eng = self.engine
        pos_mode = eng.pos_mode(uid, c.product_type)
        hedge = pos_mode == HEDGE
        book = self.book(uid, c.product_type)
        oid = eng.ids.next()
        limit = execute is not None and execute > 0
        rising = self._tpsl_rising(c, plan_type, hold_side, trigger, trigger_type, now_ms)
        plan = FuturesPlan(oid, uid, c, c.product_type, coin.upper(), "", pos_mode, plan_type,
                           closing_side(hold_side, pos_mode), CLOSE if hedge else None, hold_side, not hedge,
                           "limit" if limit else "market", execute if limit and execute is not None else ZERO,
                           size, trigger, trigger_type, rising, self._client(book, client_oid), now_ms, now_ms)
        if plan_type == MOVING_PLAN:
            plan.callback_ratio = range_rate
        book.add(plan)
        self._watch(plan)
        return plan

    def _tpsl_rising(self, c: Contract, plan_type: str, hold_side: str, trigger: Decimal, trigger_type: str,
                     now_ms: int) -> bool:
        """The way a TP/SL's trigger is met: fixed by its kind, except a trailing stop's activation price,
        met from the side the price is on now (as a trailing order's, docs/futures-conditional.md)."""
        if plan_type == MOVING_PLAN:
            return trigger >= self.price_now(c, trigger_type, now_ms)
        return tpsl_rising(plan_type, hold_side)

    @mutation
    def place_tpsl(self, uid: str, spec: TpslSpec, now_ms: int) -> FuturesPlan:
        if spec.plan_type == MOVING_PLAN and spec.range_rate is None:
            raise missing("rangeRate")
        c, kept = self._check_tpsl(uid, spec, now_ms, replace=False)
        return self._new_tpsl(uid, c, spec.margin_coin, spec.plan_type, spec.hold_side, spec.trigger_price,
                              spec.trigger_type, spec.execute_price, kept, spec.client_oid, now_ms, spec.range_rate)

    @mutation
    def place_pos_tpsl(self, uid: str, legs: list[TpslSpec], now_ms: int) -> list[FuturesPlan]:
        """The take profit and/or stop loss of one position at once (place-pos-tpsl). A whole-position
        leg replaces the position's current one of its kind (that one ends cancelled)."""
        checked = [self._check_tpsl(uid, leg, now_ms, replace=True) for leg in legs]
        if len({leg.client_oid for leg in legs if leg.client_oid is not None}) < sum(
                1 for leg in legs if leg.client_oid is not None):
            raise BitgetError(FUTURES_CLIENT_OID_DUPLICATE)
        out = []
        for leg, (c, kept) in zip(legs, checked, strict=True):
            if leg.plan_type in WHOLE_POSITION:
                old = self._whole_position_plan(uid, c, leg.plan_type, leg.hold_side)
                if old is not None:
                    self._end(old, CANCELLED, now_ms)
            out.append(self._new_tpsl(uid, c, leg.margin_coin, leg.plan_type, leg.hold_side, leg.trigger_price,
                                      leg.trigger_type, leg.execute_price, kept, leg.client_oid, now_ms))
        return out

    @mutation
    def modify_tpsl(self, uid: str, product: str, symbol: str, coin: str, order_id: str | None,
                    client_oid: str | None, change: PlanChange, execute: Decimal | None, now_ms: int) -> FuturesPlan:
        """A new trigger (price, type), execute price and size for a pending TP/SL (same id); a trailing
        stop (moving_plan) also a new rate, and waits for its activation price again."""
        c = self._contract(uid, product, symbol, coin)
        plan = self._find(uid, product, c.symbol, order_id, client_oid, TPSL_NOT_FOUND)
        if not plan.is_tpsl:
            raise BitgetError(TPSL_NOT_FOUND)
        trigger = change.trigger_price if change.trigger_price is not None else plan.trigger_price
        trigger_type = change.trigger_type or plan.trigger_type
        if not change.execute_price_given:
            execute = plan.price if plan.order_type == "limit" else None
        size = change.size if change.size is not None else plan.size
        _, kept = self._tpsl_checks(uid, c, plan.plan_type, plan.hold_side, trigger, trigger_type, execute, size,
                                    now_ms)
        # -- nothing below can fail -----------------------------------------------------------------
        self._unwatch(plan)
        limit = execute is not None and execute > 0
        plan.trigger_price, plan.trigger_type, plan.size = trigger, trigger_type, kept
        if plan.plan_type == MOVING_PLAN:
            if change.callback_ratio is not None:
                plan.callback_ratio = change.callback_ratio
            plan.extreme = None
            plan.rising = self._tpsl_rising(c, plan.plan_type, plan.hold_side, trigger, trigger_type, now_ms)
        plan.order_type, plan.price = ("limit", execute) if limit and execute is not None else ("market", ZERO)
        plan.utime = now_ms
        self._watch(plan)
        return plan

    # -- cancelling and finding -----------------------------------------------------------------
    def _find(self, uid: str, product: str, symbol: str | None, order_id: str | None, client_oid: str | None,
              missing_code: str) -> FuturesPlan:
        self.engine.accounts.account(uid)
        book = self.book(uid, product)
        found: FuturesPlan | None = None
        if order_id is not None:
            if order_id.isascii() and order_id.isdigit() and len(order_id) <= 20:
                found = book.find(int(order_id))
        elif client_oid is not None:
            found = book.by_client.get(client_oid)
        if found is None or found.status != LIVE or (symbol is not None and found.contract.symbol != symbol.upper()):
            raise BitgetError(missing_code)
        return found

    def _end(self, plan: FuturesPlan, status: str, now_ms: int) -> None:
        self._unwatch(plan)
        plan.status = status
        plan.utime = now_ms
        self.book(plan.uid, plan.product).finish(plan)
        self.engine.plan_changed(plan)

    @mutation
    def cancel(self, uid: str, product: str, symbol: str | None, coin: str | None, plan_type: str | None,
               refs: list[PlanRef] | None, now_ms: int) -> list[FuturesPlan | BitgetError]:
        """cancel-plan-order. With `refs`, each one named (a missing or finished one is its own
        failure, 43025; `plan_type` must match when given); without, every pending one of `plan_type`
        (normal_plan when not given, as the doc says) on the symbol, or on every symbol."""
        self.engine.accounts.account(uid)
        if symbol is not None:
            symbol = self.trading.contract(product, symbol).symbol
        if refs is None:
            chosen = [p for p in self.book(uid, product).live.scope(symbol).values()
                      if p.plan_type == (plan_type or NORMAL_PLAN) and (coin is None or p.margin_coin == coin.upper())]
            for plan in chosen:
                self._end(plan, CANCELLED, now_ms)
            return list(chosen)
        out: list[FuturesPlan | BitgetError] = []
        for order_id, client_oid in refs:
            try:
                plan = self._find(uid, product, symbol, order_id, client_oid, PLAN_NOT_FOUND)
                if plan_type is not None and plan.plan_type != plan_type:
                    raise BitgetError(PLAN_NOT_FOUND)
            except BitgetError as exc:
                out.append(exc)
                continue
            self._end(plan, CANCELLED, now_ms)
            out.append(plan)
        return out

    # -- what trading tells us (model.Hooks) ----------------------------------------------------
    def opened(self, order: FuturesOrder, qty: Decimal, now_ms: int) -> None:
        """An opening order with preset TP/SL filled `qty`: that much of the position gets a take profit
        (profit_plan) and/or a stop loss (loss_plan) at the preset prices, on the last price."""
        hold_side = order.hold_side if order.pos_mode == HEDGE else (LONG if order.is_buy else SHORT)
        p = self.engine.position(order.uid, order.contract.symbol, hold_side)
        if p is None:  # a one-way order that only reduced the other side
            return
        size = min(qty, p.size)
        for name, plan_type, execute_name in _PRESETS:
            trigger = order.presets.get(name)
            if not trigger:
                continue
            execute = order.presets.get(execute_name)
            self._new_tpsl(order.uid, order.contract, order.margin_coin, plan_type, hold_side, Decimal(trigger),
                           "fill_price", Decimal(execute) if execute else None, size, None, now_ms)

    def position_closed(self, p: Position, now_ms: int) -> None:
        """A position closed to nothing (a close, close-positions, a liquidation, a TP/SL): its TP/SL go."""
        book = self.book(p.uid, p.product)
        for plan in list(book.live.scope(p.contract.symbol).values()):
            if plan.is_tpsl and plan.hold_side == p.hold_side:
                self._end(plan, CANCELLED, now_ms)

    # -- the clock --------------------------------------------------------------------------------
    def fire(self, fired: Fired, now_ms: int) -> None:
        """A plan's trigger was met (state.exchange.TriggerOwner): the state has caught up to its step,
        whose time `now_ms` is. A TP/SL whose position went while the state caught up (a liquidation
        at that step) is already cancelled and places nothing."""
        plan: FuturesPlan = fired.trigger.handle
        if plan.status != LIVE:
            return
        if plan.plan_type in TRAILING and (plan.extreme is None or fired.trigger.tid < 0):
            self._unwatch(plan)  # activated, or a new extreme: the retrace level moves with it
            plan.extreme = fired.price
            self._arm(plan)
            return
        self._unwatch(plan)
        self._fire(plan, fired.step, now_ms)

    def _fire(self, plan: FuturesPlan, step: int, now_ms: int) -> None:
        """Place the order the plan stands for, through the ordinary path, at its step's time; a refusal
        there ends the plan `fail_trigger` with its reason."""
        plan.fired_step = step
        plan.status = EXECUTED
        plan.utime = now_ms
        self.book(plan.uid, plan.product).finish(plan)  # out of the live list first: its own fill may close
        try:                                            # the position, whose TP/SL are then cancelled
            spec, source = self._order_for(plan)
            order = self.trading.place(plan.uid, spec, now_ms, source)
        except BitgetError as exc:
            plan.status = FAILED
            plan.fail_reason = f"{exc.code} {exc.msg}"
            self.engine.plan_changed(plan)
            return
        plan.order_id = order.oid
        self.engine.plan_changed(plan)

    def _order_for(self, plan: FuturesPlan) -> tuple[FuturesOrderSpec, str]:
        c = plan.contract
        price = plan.price if plan.order_type == "limit" else None
        if not plan.is_tpsl:
            presets = {_CARRIED[k]: v for k, v in plan.tpsl.items() if k in _CARRIED and v}
            return FuturesOrderSpec(c.symbol, plan.product, plan.margin_coin, plan.margin_mode, plan.side,
                                    plan.order_type, plan.size, price, "gtc", plan.trade_side, plan.reduce_only,
                                    None, presets), "normal"
        p = self.engine.position(plan.uid, c.symbol, plan.hold_side)
        if p is None:
            raise BitgetError(NO_POSITION)
        qty = p.available if plan.plan_type in WHOLE_POSITION else min(plan.size, p.available)
        if qty <= 0:
            raise BitgetError(POSITION_TOO_SMALL)
        hedge = self.engine.pos_mode(plan.uid, plan.product) == HEDGE
        if plan.plan_type == MOVING_PLAN:
            source = "market"  # no trailing source in Bitget's list (docs/futures-conditional.md)
        else:
            source = plan.plan_type.replace("_plan", "") + ("_limit" if price is not None else "_market")
        return FuturesOrderSpec(c.symbol, plan.product, p.margin_coin, p.margin_mode,
                                closing_side(plan.hold_side, HEDGE if hedge else "one_way_mode"), plan.order_type,
                                qty, price, "gtc", CLOSE if hedge else None, not hedge), source

    # -- reads ------------------------------------------------------------------------------------
    def planned(self, uid: str, product: str, plan_id: str, plan_type: str) -> FuturesPlan:
        """A trigger or trailing order of `plan_type` by id, pending or finished (plan-sub-order); 43025
        when there is none."""
        self.engine.accounts.account(uid)
        found = None
        if plan_id.isascii() and plan_id.isdigit() and len(plan_id) <= 20:
            found = self.book(uid, product).find(int(plan_id))
        if found is None or found.plan_type != plan_type:
            raise BitgetError(PLAN_NOT_FOUND)
        return found

    def live_tpsl(self, p: Position) -> Iterable[FuturesPlan]:
        """The pending TP/SL orders of a position (for its view's takeProfit / stopLoss)."""
        for plan in self.book(p.uid, p.product).live.scope(p.contract.symbol).values():
            if plan.is_tpsl and plan.hold_side == p.hold_side:
                yield plan

