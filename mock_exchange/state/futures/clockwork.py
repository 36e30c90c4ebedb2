"""What the virtual clock does to futures: resting orders the walk crossed fill (maker), funding
settles at each interval boundary passed, and positions whose liquidation price the mark reached
are liquidated, in that order, deterministically for a given seed and clock path. (Conditional
orders fire from `Exchange.advance`, which brings this up to each one's step first.)"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from ..catalog import Contract
from ..matching import sampled
from ..pricewalk import STEP_MS, step_of
from . import margin as mg
from .margin import LONG
from .model import CLOSE, HEDGE, ISOLATED, ZERO, FuturesOrder, Position
from .trading import FuturesTrading

FUNDING_PLACES = Decimal("1e-8")


class FuturesClock:
    def __init__(self, trading: FuturesTrading, now_ms: int) -> None:
        self.trading = trading
        self.engine = trading.engine
        self.market = trading.market
        self.last_step = step_of(now_ms)
        self.last_ms = now_ms

    def catch_up(self, now_ms: int) -> None:
        step = step_of(now_ms)
        last, self.last_step = self.last_step, step
        if step <= last:
            return
        since, self.last_ms = self.last_ms, now_ms
        eng = self.engine
        for resting in list(eng.resting.values()):
            if len(resting):
                c = next(iter(resting.orders.values())).contract
                prices = [self.market.price_at(c, s) for s in sampled(last + 1, step)]
                self._fill_crossed(c, min(prices), max(prices), now_ms)
        held = {p.contract.symbol: p.contract for ps in eng.by_symbol.values() for p in ps.values()}
        for c in held.values():
            for t in self.market.settlements(c, since, now_ms):
                self.settle_funding(c, t)
        now_marks = {symbol: self.market.mark_price(c, now_ms) for symbol, c in held.items()}
        for c in held.values():
            marks = [self.market.mark_at(c, s) for s in sampled(last + 1, step)]
            self._liquidate_crossed(c, min(marks), max(marks), now_marks, now_ms)

    # -- maker fills ------------------------------------------------------------------------
    def _fill_crossed(self, c: Contract, low: Decimal, high: Decimal, now_ms: int) -> None:
        for order in self.engine.resting[c.symbol].crossed_by(low, high):
            if not order.is_open:
                continue
            if order.closes:
                p = self.engine.position(order.uid, c.symbol, order.hold_side)
                if p is None:
                    self.trading.close_open(order, "canceled", now_ms)
                    continue
            qty = order.remaining
            self.engine.fill(order, order.price, qty, True, now_ms)
            self.trading.close_open(order, "filled", now_ms)
            hooks = self.engine.hooks
            if order.presets and not order.closes and hooks is not None:
                hooks.opened(order, qty, now_ms)
            self.trading.fit_locks(order.uid, c, now_ms)

    # -- funding ----------------------------------------------------------------------------
    def settle_funding(self, c: Contract, at_ms: int) -> None:
        """Each position of `c` pays (or receives) its value at mark x rate at the settlement `at_ms`. A
        payment is taken from the wallet's available part, then from the position's margin; what
        neither covers is not collected (the market forgoes it)."""
        eng = self.engine
        rate = self.market.settled_rate(c, at_ms)
        mark = self.market.mark_at(c, at_ms // STEP_MS)
        for p in list(eng.by_symbol.get(c.symbol, {}).values()):
            due = mg.funding_payment(p.hold_side, mark, p.size, rate, c.inverse, p.entry).quantize(
                FUNDING_PLACES, ROUND_HALF_EVEN)
            if not due:
                continue
            b = eng.wallet(p.uid, p.product, p.margin_coin)
            if due > 0:
                from_free = min(due, max(ZERO, b.available))
                from_margin = min(due - from_free, p.margin)
                b.available -= from_free
                b.frozen -= from_margin
                p.margin -= from_margin
                paid = from_free + from_margin
            else:
                b.available -= due
                paid = due
            b.utime = at_ms
            eng.ledger.market_flows[p.margin_coin] += paid
            eng.funding[p.margin_coin] += paid
            p.funding -= paid
            eng.bill(p.uid, p.product, c.symbol, p.margin_coin, "contract_settle_fee", -paid, ZERO, at_ms)

    # -- liquidation ------------------------------------------------------------------------
    def _liquidate_crossed(self, c: Contract, low: Decimal, high: Decimal, marks: dict[str, Decimal],
                           now_ms: int) -> None:
        eng = self.engine
        for p in sorted(eng.by_symbol.get(c.symbol, {}).values(), key=lambda q: q.pid):
            if p.size <= 0 or eng.by_symbol[c.symbol].get(p.pid) is not p:
                continue
            liq = eng.liquidation_price(p, marks)
            if mg.crossed(p.hold_side, low if p.hold_side == LONG else high, liq):
                self.liquidate(p, liq.quantize(c.tick), now_ms)

    def liquidate(self, p: Position, price: Decimal, now_ms: int) -> FuturesOrder:
        """Close the whole position at its liquidation price with a system order (orderSource
        `liquidation`, tradeSide `burst_close_<side>`): the account's other orders on the symbol are
        cancelled first. Isolated: the account loses exactly the position's margin (what is left
        after PnL and fee goes to the insurance fund, a shortfall is covered by it). Crossed: the
        wallet bears the loss, and the fund covers it below zero."""
        eng, trading, c = self.engine, self.trading, p.contract
        for order in list(eng.book(p.uid, p.product).open.scope(c.symbol).values()):
            trading.close_open(order, "canceled", now_ms)
        hedge = eng.pos_mode(p.uid, p.product) == HEDGE
        long = p.hold_side == LONG
        side = ("buy" if long else "sell") if hedge else ("sell" if long else "buy")
        order = FuturesOrder(eng.ids.next(), p.uid, c, p.product, p.margin_coin, p.margin_mode,
                             eng.pos_mode(p.uid, p.product), side, CLOSE if hedge else None, p.hold_side, not hedge,
                             "market", "ioc", ZERO, p.size, f"liq-{p.pid}", p.leverage, now_ms, now_ms,
                             source="liquidation")
        b = eng.wallet(p.uid, p.product, p.margin_coin)
        before = b.available + b.frozen
        held = p.margin
        p.locked += p.size
        eng.fill(order, price, p.size, False, now_ms)
        order.status = "filled"
        eng.order_changed(order)
        book = eng.book(p.uid, p.product)
        book.add_closed(order)
        after = b.available + b.frozen
        if p.margin_mode == ISOLATED:
            keep = (after - before) + held  # what is left of the margin after PnL and fee
        else:
            keep = min(after, ZERO)  # a crossed wallet below zero is brought back to zero
        if keep:
            b.available -= keep
            eng.ledger.market_flows[p.margin_coin] += keep
            eng.insurance[p.margin_coin] += keep
            eng.bill(p.uid, p.product, c.symbol, p.margin_coin, "force_close_" + p.hold_side, -keep, ZERO, now_ms)
        return order
