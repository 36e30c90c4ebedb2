"""A stateful property test of futures trading on the state layer: orders, cancels, leverage and mode
changes, transfers, isolated margin, flash closes, trigger and TP/SL orders (placed, modified,
cancelled) and clock moves (price walk, funding, conditional orders firing, liquidation), on linear
(USDT-FUTURES; USDC-FUTURES margined in USDC) and inverse (COIN-FUTURES, margined in BTC) contracts,
with the money and the positions checked after every step, and every conditional order's firing
checked against a brute-force replay of the walk."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mock_exchange.clock import ManualClock
from mock_exchange.errors import BitgetError
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.futures import margin as mg
from mock_exchange.state.futures.model import CLOSE, HEDGE, FuturesOrderSpec
from mock_exchange.state.futures.plan_model import LIVE, FuturesPlan, PlanChange, PlanSpec, TpslSpec
from mock_exchange.state.matching import sampled
from mock_exchange.state.seed import AccountSeed

from .helpers import NOW

pytestmark = pytest.mark.long  # the stateful test runs for seconds

UIDS = ("1000000001", "1000000002")
PT, COIN_PT, USDC_PT = "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"
# (productType, symbol, margin coin)
MARKETS = ((PT, "BTCUSDT", "USDT"), (PT, "ETHUSDT", "USDT"), (COIN_PT, "BTCUSD", "BTC"), (USDC_PT, "BTCPERP", "USDC"),
           (USDC_PT, "ETHPERP", "USDC"))
WALLETS = {(PT, "USDT"): "usdt_futures", (COIN_PT, "BTC"): "coin_futures", (USDC_PT, "USDC"): "usdc_futures"}
# amounts of the rules are written in USDT; in BTC they are scaled by this
SCALE = {"USDT": Decimal(1), "USDC": Decimal(1), "BTC": Decimal("0.0002")}
HOUR = 3_600_000
markets = st.sampled_from(MARKETS)


class FuturesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(NOW)
        self.ex = Exchange(self.clock, 11, [AccountSeed(uid, {"USDT": "20000", "BTC": "4", "USDC": "20000"})
                                                 for uid in UIDS])
        for uid in UIDS:
            self.ex.wallet.transfer(uid, "spot", "usdt_futures", "USDT", Decimal(5000), None, None, NOW)
            self.ex.wallet.transfer(uid, "spot", "coin_futures", "BTC", Decimal(1), None, None, NOW)
            self.ex.wallet.transfer(uid, "spot", "usdc_futures", "USDC", Decimal(5000), None, None, NOW)
        self.initial = self._coins()

    # -- helpers ------------------------------------------------------------------------------
    @property
    def now(self) -> int:
        return self.clock.now_ms()

    @property
    def futures(self) -> Any:
        return self.ex.futures

    def _coins(self) -> dict[str, Decimal]:
        total: defaultdict[str, Decimal] = defaultdict(Decimal)
        for account in self.ex.accounts.accounts.values():
            for wallet in account.wallets.values():
                for coin, b in wallet.items():
                    total[coin] += b.available + b.frozen
        for coin in set(self.ex.ledger.fees) | set(self.ex.ledger.market_flows):
            total[coin] += self.ex.ledger.fees[coin] + self.ex.ledger.market_flows[coin]
        return {c: v for c, v in total.items() if v}

    def _snapshot(self) -> Any:
        eng = self.futures.engine
        wallets = {(a.uid, w, c): (b.available, b.frozen) for a in self.ex.accounts.accounts.values()
                   for w, cs in a.wallets.items() for c, b in cs.items()}
        positions = {(uid, k): (p.size, p.entry, p.margin, p.locked, p.leverage)
                     for uid, ps in eng.positions.items() for k, p in ps.items()}
        orders = {k: (len(b.open), len(b.closed), len(b.fills), len(b.bills)) for k, b in eng.books.items()}
        opened = {o.oid: (o.status, o.margin, o.base_volume) for b in eng.books.values() for o in b.open.all.values()}
        plans = {p.oid: (p.status, p.trigger_price, p.trigger_type, p.rising, p.size, p.price, p.order_type)
                 for p in self._plans()}
        return (wallets, positions, orders, opened, {k: (s.margin_mode, s.cross_leverage, s.long_leverage,
                                                         s.short_leverage) for k, s in eng.settings.items()},
                dict(eng.pos_modes), plans, len(self.futures.plans.triggers))

    def _plans(self) -> list[FuturesPlan]:
        return [p for b in self.futures.plans.books.values() for index in (b.live, b.done) for p in index.all.values()]

    def _live(self) -> list[FuturesPlan]:
        return sorted((p for b in self.futures.plans.books.values() for p in b.live.all.values()), key=lambda p: p.oid)

    def _price(self, c: Any, trigger_type: str) -> Decimal:
        fm = self.ex.futures_market
        price: Decimal = fm.mark_price(c, self.now) if trigger_type == "mark_price" else fm.last_price(c, self.now)
        return price

    def _expected_step(self, plan: FuturesPlan, first: int, last: int) -> int | None:
        """Brute force: the first walk step (of those the clock samples) whose watched price meets the plan."""
        fm = self.ex.futures_market
        for step in sampled(first, last):
            price = fm.mark_at(plan.contract, step) if plan.trigger_type == "mark_price" else fm.price_at(
                plan.contract, step)
            if (price >= plan.trigger_price) if plan.rising else (price <= plan.trigger_price):
                return step
        return None

    def _attempt(self, act: Any) -> None:
        """Run one request; a refused one must leave everything as it was."""
        before = self._snapshot()
        try:
            act()
        except BitgetError:
            assert self._snapshot() == before

    def _contract(self, symbol: str, product: str = PT) -> Any:
        return self.ex.futures_market.contract(product, symbol)

    # -- rules ----------------------------------------------------------------------------------
    @rule(uid=st.sampled_from(UIDS), market=markets, side=st.sampled_from(["buy", "sell"]),
          trade_side=st.sampled_from([None, "open", "open", "close"]), kind=st.sampled_from(["market", "limit"]),
          factor=st.sampled_from(["0.98", "0.999", "1", "1.001", "1.02"]),
          notional=st.sampled_from(["20", "300", "3000", "60000"]), reduce=st.booleans(),
          mode=st.sampled_from(["crossed", "crossed", "isolated"]), force=st.sampled_from(["gtc", "ioc", "post_only"]))
    def place(self, uid: str, market: tuple[str, str, str], side: str, trade_side: str | None, kind: str,
              factor: str, notional: str, reduce: bool, mode: str, force: str) -> None:
        product, symbol, coin = market
        c = self._contract(symbol, product)
        mark = self.ex.futures_market.mark_price(c, self.now)
        price = c.to_tick(mark * Decimal(factor))
        size = (Decimal(notional) / price).quantize(c.lot, rounding=ROUND_DOWN) or c.lot
        spec = FuturesOrderSpec(symbol, product, coin, mode, side, kind, size, price if kind == "limit" else None,
                                force, trade_side, reduce)
        self._attempt(lambda: self.futures.trading.place(uid, spec, self.now))

    @rule(uid=st.sampled_from(UIDS), product=st.sampled_from([PT, COIN_PT, USDC_PT]), pick=st.integers(0, 10))
    def cancel(self, uid: str, product: str, pick: int) -> None:
        open_orders = list(self.futures.engine.book(uid, product).open.all.values())
        if open_orders:
            order = open_orders[pick % len(open_orders)]
            self._attempt(lambda: self.futures.trading.cancel(uid, product, order.contract.symbol, str(order.oid),
                                                              None, self.now))

    @rule(uid=st.sampled_from(UIDS), market=markets, lev=st.integers(0, 130),
          side=st.sampled_from([None, "long", "short"]))
    def leverage(self, uid: str, market: tuple[str, str, str], lev: int, side: str | None) -> None:
        product, symbol, coin = market
        self._attempt(lambda: self.futures.settings.set_leverage(uid, product, symbol, coin, lev, None, None, side,
                                                                 self.now))

    @rule(uid=st.sampled_from(UIDS), market=markets, mode=st.sampled_from(["crossed", "isolated"]))
    def margin_mode(self, uid: str, market: tuple[str, str, str], mode: str) -> None:
        product, symbol, coin = market
        self._attempt(lambda: self.futures.settings.set_margin_mode(uid, product, symbol, coin, mode, self.now))

    @rule(uid=st.sampled_from(UIDS), product=st.sampled_from([PT, COIN_PT, USDC_PT]),
          mode=st.sampled_from(["one_way_mode", "hedge_mode"]))
    def position_mode(self, uid: str, product: str, mode: str) -> None:
        self._attempt(lambda: self.futures.settings.set_position_mode(uid, product, mode))

    @rule(uid=st.sampled_from(UIDS), market=markets, side=st.sampled_from(["long", "short"]),
          amount=st.sampled_from(["5", "-5", "100", "-1000"]))
    def isolated_margin(self, uid: str, market: tuple[str, str, str], side: str, amount: str) -> None:
        product, symbol, coin = market
        value = Decimal(amount) * SCALE[coin]
        self._attempt(lambda: self.futures.settings.set_margin(uid, product, symbol, coin, side, value, self.now))

    @rule(uid=st.sampled_from(UIDS), wallet=st.sampled_from(list(WALLETS.items())), out=st.booleans(),
          amount=st.sampled_from(["10", "500", "4000"]))
    def transfer(self, uid: str, wallet: tuple[tuple[str, str], str], out: bool, amount: str) -> None:
        (_, coin), account_type = wallet
        a, b = (account_type, "spot") if out else ("spot", account_type)
        value = Decimal(amount) * SCALE[coin]
        self._attempt(lambda: self.ex.wallet.transfer(uid, a, b, coin, value, None, None, self.now))

    @rule(uid=st.sampled_from(UIDS), market=markets, whole=st.booleans())
    def flash_close(self, uid: str, market: tuple[str, str, str], whole: bool) -> None:
        product, symbol, _ = market
        self._attempt(lambda: self.futures.trading.close_positions(uid, product, None if whole else symbol, None,
                                                                   self.now))

    # -- conditional orders ------------------------------------------------------------------------
    @rule(uid=st.sampled_from(UIDS), market=markets, side=st.sampled_from(["buy", "sell"]),
          trade_side=st.sampled_from([None, "open", "open", "close"]), kind=st.sampled_from(["market", "limit"]),
          watch=st.sampled_from(["fill_price", "mark_price"]), move=st.sampled_from(["-0.003", "-0.0005", "0.0005",
                                                                                      "0.003", "0.02"]),
          notional=st.sampled_from(["300", "3000", "900000"]), stop=st.booleans())
    def place_plan(self, uid: str, market: tuple[str, str, str], side: str, trade_side: str | None, kind: str,
                   watch: str, move: str, notional: str, stop: bool) -> None:
        product, symbol, coin = market
        c = self._contract(symbol, product)
        trigger = c.to_tick(self._price(c, watch) * (1 + Decimal(move)))
        size = (Decimal(notional) / trigger).quantize(c.lot, rounding=ROUND_DOWN) or c.lot
        tpsl = {"stopLossTriggerPrice": str(c.to_tick(trigger * Decimal("0.9")))} if stop else {}
        spec = PlanSpec(symbol, product, coin, "crossed", side, kind, size, trigger, watch,
                        trigger if kind == "limit" else None, trade_side, False, None, tpsl)
        self._attempt(lambda: self.futures.plans.place_plan(uid, spec, self.now))

    @rule(uid=st.sampled_from(UIDS), market=markets, hold=st.sampled_from(["long", "short"]),
          plan_type=st.sampled_from(["profit_plan", "loss_plan", "pos_profit", "pos_loss"]),
          watch=st.sampled_from(["fill_price", "mark_price"]), move=st.sampled_from(["0.0005", "0.003", "0.02"]),
          wrong=st.sampled_from([False, False, False, True]), share=st.sampled_from(["0.5", "1", "3"]),
          limit=st.booleans())
    def place_tpsl(self, uid: str, market: tuple[str, str, str], hold: str, plan_type: str, watch: str, move: str,
                   wrong: bool, share: str, limit: bool) -> None:
        product, symbol, coin = market
        c = self._contract(symbol, product)
        if self.futures.engine.position(uid, symbol, hold) is None:  # mostly on a position: open one first
            mark = self.ex.futures_market.mark_price(c, self.now)
            size = (Decimal(3000) / mark).quantize(c.lot, rounding=ROUND_DOWN)
            side = "buy" if hold == "long" else "sell"
            hedge = self.futures.engine.pos_mode(uid, product) == HEDGE
            opening = FuturesOrderSpec(symbol, product, coin, "crossed", side, "market", size,
                                       trade_side="open" if hedge else None)
            self._attempt(lambda: self.futures.trading.place(uid, opening, self.now))
        up = (plan_type.endswith("profit") or plan_type == "profit_plan") == (hold == "long")
        if wrong:
            up = not up
        trigger = c.to_tick(self._price(c, watch) * (1 + Decimal(move) * (1 if up else -1)))
        p = self.futures.engine.position(uid, symbol, hold)
        size = ((p.size if p else c.lot) * Decimal(share)).quantize(c.lot, rounding=ROUND_DOWN) or c.lot
        spec = TpslSpec(symbol, product, coin, plan_type, hold, trigger, watch, trigger if limit else None,
                        None if plan_type.startswith("pos_") else size)
        self._attempt(lambda: self.futures.plans.place_tpsl(uid, spec, self.now))

    @rule(pick=st.integers(0, 20), move=st.sampled_from(["-0.004", "-0.001", "0.001", "0.004"]))
    def modify_plan(self, pick: int, move: str) -> None:
        live = self._live()
        if not live:
            return
        plan = live[pick % len(live)]
        trigger = plan.contract.to_tick(self._price(plan.contract, plan.trigger_type) * (1 + Decimal(move)))
        plans, ref = self.futures.plans, (plan.uid, plan.product, plan.contract.symbol)
        if plan.is_tpsl:
            self._attempt(lambda: plans.modify_tpsl(*ref, plan.margin_coin, str(plan.oid), None, PlanChange(
                trigger_price=trigger), None, self.now))
        else:
            self._attempt(lambda: plans.modify_plan(*ref, None, plan.client_oid, None, PlanChange(
                trigger_price=trigger), self.now))

    @rule(pick=st.integers(0, 20))
    def cancel_plan(self, pick: int) -> None:
        live = self._live()
        if live:
            plan = live[pick % len(live)]
            [done] = self.futures.plans.cancel(plan.uid, plan.product, plan.contract.symbol, None, None,
                                               [(str(plan.oid), None)], self.now)
            assert done is plan and plan.status == "cancelled" and plan.oid not in self.futures.plans.triggers

    @rule(ms=st.sampled_from([1_000, 60_000, 15 * 60_000, 3 * HOUR, 9 * HOUR]))
    def advance(self, ms: int) -> None:
        plans = self.futures.plans
        first = plans.triggers.last_step + 1
        before = {p.oid: (p, p.fired_step) for p in self._plans()}
        live = [p for p in self._live()]
        self.clock.advance(ms)
        self.ex.catch_up(self.now)
        last = plans.triggers.last_step
        for plan in live:
            expected = self._expected_step(plan, first, last)
            if plan.status == "cancelled":
                assert plan.is_tpsl  # its position closed on the way (another TP/SL, a liquidation)
                continue
            if expected is None:
                assert plan.status == LIVE and plan.fired_step is None, plan
            else:
                assert plan.status in ("executed", "fail_trigger") and plan.fired_step == expected, (plan, expected)
                assert (plan.order_id is None) == (plan.status == "fail_trigger")
        for plan, fired in before.values():
            if fired is not None:  # fired before: never again
                assert plan.fired_step == fired and plan.status in ("executed", "fail_trigger")

    # -- invariants -------------------------------------------------------------------------------
    @invariant()
    def every_coin_is_conserved(self) -> None:
        assert self._coins() == self.initial

    @invariant()
    def margins_are_held_and_never_negative(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            for (product, coin), account_type in WALLETS.items():
                self._margins_held(eng, uid, product, coin, account_type)

    def _margins_held(self, eng: Any, uid: str, product: str, coin: str, account_type: str) -> None:
        b = self.ex.accounts.account(uid).balance(coin, account_type)
        positions = eng.positions_of(uid, product)
        orders = list(eng.book(uid, product).open.all.values())
        assert all(p.margin >= 0 and 0 <= p.locked <= p.size and p.size > 0 for p in positions)
        assert all(o.margin >= 0 for o in orders)
        assert b.frozen == sum((p.margin for p in positions), Decimal(0)) + sum((o.margin for o in orders), Decimal(0))

    @invariant()
    def pending_plans_are_exactly_the_watched_triggers(self) -> None:
        triggers = self.futures.plans.triggers
        live = self._live()
        assert len(triggers) == len(live)
        for plan in live:
            t = triggers.get(plan.oid)
            assert t is not None and (t.price, t.rising, t.handle) == (plan.trigger_price, plan.rising, plan)
        executed = [p.order_id for p in self._plans() if p.status == "executed"]
        assert len(executed) == len(set(executed))  # one order per fired plan
        for plan in self._plans():
            if plan.order_id is not None:
                assert self.futures.engine.book(plan.uid, plan.product).find(plan.order_id) is not None

    @invariant()
    def equity_is_balance_plus_unrealised_pnl(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            marks = self.futures.trading.marks(uid, self.now)
            for (product, coin), account_type in WALLETS.items():
                f = eng.figures(uid, product, coin, marks)
                b = self.ex.accounts.account(uid).balance(coin, account_type)
                upnl = sum((mg.unrealised_pnl(p.hold_side, p.entry, marks[p.contract.symbol], p.size,
                                              p.contract.inverse)
                            for p in eng.positions_of(uid, product)), Decimal(0))
                assert f["equity"] == b.available + b.frozen + upnl
                assert f["max_available"] >= 0

    @invariant()
    def position_sizes_are_the_signed_sum_of_fills(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            for product, symbol, _ in MARKETS:
                net = Decimal(0)
                for fill in eng.book(uid, product).fills.scope(symbol).newest(None):
                    shown = fill.trade_side
                    closing = fill.pos_mode == HEDGE and (shown == CLOSE or shown.startswith("burst"))
                    buys = (fill.side == "buy") != closing
                    net += fill.size if buys else -fill.size
                long, short = eng.position(uid, symbol, "long"), eng.position(uid, symbol, "short")
                assert net == (long.size if long else 0) - (short.size if short else 0)


TestFuturesMachine = FuturesMachine.TestCase
TestFuturesMachine.settings = settings(max_examples=30, stateful_step_count=40, deadline=None)
