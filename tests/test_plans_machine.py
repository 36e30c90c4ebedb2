"""A stateful property test of spot plan orders on the state layer: random placements, modifications,
cancels, cancel-replaces and clock moves. Every plan fires exactly at the step a brute-force replay of the
walk says (the first sampled step whose price meets it, counted from its last placement or change), at
most once; cancelled and modified-away conditions never fire; coins are conserved; refusals change nothing."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_exchange.clock import ManualClock
from mock_exchange.errors import BitgetError
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.matching import sampled
from mock_exchange.state.plans import LIVE, PlanEdit, PlanOrder, PlanSpec
from mock_exchange.state.pricewalk import STEP_MS, step_of
from mock_exchange.state.seed import AccountSeed
from mock_exchange.state.trading import OrderSpec

from .helpers import NOW

UIDS = ("1000000001", "1000000002")
SEED_BALANCES = {"USDT": "5000", "BTC": "0.05", "ETH": "1", "SOL": "20"}
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
# trigger / last price at placement: near ones the walk meets in seconds to hours, far ones never
FACTORS = ("0.995", "0.998", "0.999", "1", "1", "1.001", "1.002", "1.005", "3")


def _snapshot(ex: Exchange) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    return {(uid, c): (b.available, b.frozen) for uid, account in ex.accounts.accounts.items()
            for c, b in account.wallets["spot"].items() if b.available or b.frozen}


class PlanMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(NOW)
        self.ex = Exchange(self.clock, 3, [AccountSeed(uid, dict(SEED_BALANCES)) for uid in UIDS])
        self.initial: defaultdict[str, Decimal] = defaultdict(Decimal)
        for _ in UIDS:
            for coin, amount in SEED_BALANCES.items():
                self.initial[coin] += Decimal(amount)
        self.plans: list[PlanOrder] = []
        self.model: dict[int, tuple[str, Decimal, bool]] = {}  # live plan -> (symbol, trigger, rising)
        self.fired_at: dict[int, int] = {}  # plan -> the step the replay says it fired at
        self.orders: list[Any] = []

    @property
    def now(self) -> int:
        return self.clock.now_ms()

    def _price(self, symbol: str, step: int | None = None) -> Decimal:
        sym = self.ex.market.symbol(symbol)
        return self.ex.market.price(sym, step_of(self.now) if step is None else step)

    def _state(self) -> Any:
        plans = [(p.oid, p.status, p.trigger_price, p.order_type, p.size, p.utime) for p in self.plans]
        return _snapshot(self.ex), self.ex.ids.last, len(self.ex.triggers), plans

    def _refused_without_change(self, call: Any) -> bool:
        before = self._state()
        try:
            call()
        except BitgetError:
            assert self._state() == before
            return True
        return False

    def _watch(self, plan: PlanOrder) -> None:
        self.model[plan.oid] = (plan.sym.symbol, plan.trigger_price, plan.trigger_price >= self._price(
            plan.sym.symbol))

    # -- rules ----------------------------------------------------------------------------
    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), side=st.sampled_from(("buy", "sell")),
          kind=st.sampled_from(("limit", "market")), total=st.booleans(), factor=st.sampled_from(FACTORS),
          execute=st.sampled_from(("0.99", "1", "1.01", "2")), notional=st.sampled_from(("0.5", "15", "400", "9000")),
          bad_scale=st.booleans())
    def place(self, uid: str, symbol: str, side: str, kind: str, total: bool, factor: str, execute: str,
              notional: str, bad_scale: bool) -> None:
        sym = self.ex.market.symbol(symbol)
        last = self._price(symbol)
        trigger = (last * Decimal(factor)).quantize(sym.tick)
        if bad_scale:
            trigger += sym.tick / 10
        price = (trigger * Decimal(execute)).quantize(sym.tick)
        size = Decimal(notional) if total else (Decimal(notional) / last).quantize(sym.lot, ROUND_DOWN)
        spec = PlanSpec(symbol, side, trigger, "fill_price", kind, size, "total" if total else "amount",
                        price if kind == "limit" else None)
        placed: list[PlanOrder] = []
        if not self._refused_without_change(lambda: placed.append(self.ex.plans.place(uid, spec, self.now))):
            assert not bad_scale and placed[0].status == LIVE and placed[0].oid in self.ex.triggers
            self.plans.append(placed[0])
            self._watch(placed[0])
        else:
            assert bad_scale or size * (1 if total else (price if kind == "limit" else trigger)) < 1 or size == 0

    def _pick(self, index: int, live: bool) -> PlanOrder:
        """Mostly a live plan (the interesting case), sometimes any: a closed one must be refused."""
        pool = [p for p in self.plans if p.status == LIVE] if live else []
        pool = pool or self.plans
        return pool[index % len(pool)]

    @precondition(lambda self: bool(self.plans))
    @rule(index=st.integers(min_value=0), factor=st.sampled_from(FACTORS), kind=st.sampled_from(("limit", "market")),
          live=st.sampled_from((True, True, False)))
    def modify(self, index: int, factor: str, kind: str, live: bool) -> None:
        plan = self._pick(index, live)
        trigger = (self._price(plan.sym.symbol) * Decimal(factor)).quantize(plan.sym.tick)
        edit = PlanEdit(trigger, kind, plan.size, trigger if kind == "limit" else None)
        was_live = plan.status == LIVE
        if not self._refused_without_change(lambda: self.ex.plans.modify(plan.uid, str(plan.oid), None, edit,
                                                                         self.now)):
            assert was_live
            self._watch(plan)
        else:
            assert not was_live or (plan.size if plan.plan_type == "total" else plan.size * trigger) < 1

    @precondition(lambda self: bool(self.plans))
    @rule(index=st.integers(min_value=0), by_client=st.booleans(), live=st.sampled_from((True, True, False)))
    def cancel(self, index: int, by_client: bool, live: bool) -> None:
        plan = self._pick(index, live)
        was_live = plan.status == LIVE
        order_id, client = (None, plan.client_oid) if by_client else (str(plan.oid), None)
        refused = self._refused_without_change(lambda: self.ex.plans.cancel(plan.uid, order_id, client, self.now))
        assert refused != was_live
        self.model.pop(plan.oid, None)
        assert plan.status != LIVE

    @rule(uid=st.sampled_from(UIDS), symbols=st.none() | st.lists(st.sampled_from(SYMBOLS), max_size=2))
    def cancel_all(self, uid: str, symbols: list[str] | None) -> None:
        for plan in self.ex.plans.cancel_symbols(uid, symbols, self.now):
            assert plan.status == "cancelled" and (symbols is None or plan.sym.symbol in symbols)
            del self.model[plan.oid]
        assert not [p for p in self.plans if p.uid == uid and p.status == LIVE
                    and (symbols is None or p.sym.symbol in symbols)]

    @precondition(lambda self: bool(self.orders))
    @rule(index=st.integers(min_value=0), factor=st.sampled_from(("0.97", "0.999", "1.001", "1.2")),
          scale=st.sampled_from(("0.5", "1", "3")))
    def replace(self, index: int, factor: str, scale: str) -> None:
        order = self.orders[index % len(self.orders)]
        sym = order.sym
        price = (self._price(sym.symbol) * Decimal(factor)).quantize(sym.tick)
        size = (order.size * Decimal(scale)).quantize(sym.lot, ROUND_DOWN)
        was_open = order.is_open
        made: list[Any] = []
        call = lambda: made.append(self.ex.trading.replace(order.uid, sym.symbol, str(order.oid), None,  # noqa: E731
                                                           price, size, None, {}, self.now))
        if not self._refused_without_change(call):
            assert was_open and order.status == "cancelled" and made[0].price == price
            self.orders.append(made[0])

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), side=st.sampled_from(("buy", "sell")),
          factor=st.sampled_from(("0.99", "1.01")))
    def rest(self, uid: str, symbol: str, side: str, factor: str) -> None:
        sym = self.ex.market.symbol(symbol)
        price = (self._price(symbol) * Decimal(factor)).quantize(sym.tick)
        size = (Decimal(20) / price).quantize(sym.lot, ROUND_DOWN)
        spec = OrderSpec(symbol, side, "limit", size, "gtc", price)
        placed: list[Any] = []
        self._refused_without_change(lambda: placed.append(self.ex.trading.place(uid, spec, self.now)))
        self.orders.extend(placed)

    @rule(ms=st.sampled_from((0, 1000, 5000, 60_000, 600_000, 600_000, 3_600_000)))
    def advance(self, ms: int) -> None:
        first, last = self.ex.triggers.last_step + 1, step_of(self.now + ms)
        steps = list(sampled(first, last)) if last >= first else []
        expected: dict[int, int] = {}
        for oid, (symbol, trigger, rising) in self.model.items():  # the replay: every plan, every step
            for step in steps:
                price = self._price(symbol, step)
                if (price >= trigger) if rising else (price <= trigger):
                    expected[oid] = step
                    break
        self.clock.advance(ms)
        self.ex.catch_up(self.now)
        for plan in self.plans:
            if plan.oid in expected:
                assert plan.status in ("executed", "fail_execute"), plan
                assert plan.utime == expected[plan.oid] * STEP_MS
                self.fired_at[plan.oid] = expected[plan.oid]
                del self.model[plan.oid]
            elif plan.oid in self.model:
                assert plan.status == LIVE and plan.oid in self.ex.triggers
        self.orders.extend(o for p in self.plans if p.oid in expected and (o := self.ex.plans.produced(p)))

    # -- invariants -----------------------------------------------------------------------
    @invariant()
    def live_plans_are_exactly_the_pending_triggers(self) -> None:
        live = {p.oid for p in self.plans if p.status == LIVE}
        assert live == set(self.model)
        assert {t.tid for w in self.ex.triggers.watches() for t in self.ex.triggers.pending(w)} == live

    @invariant()
    def a_fired_plan_made_one_order_at_its_step_or_failed_with_a_reason(self) -> None:
        made = [p.order_id for p in self.plans if p.order_id is not None]
        assert len(made) == len(set(made))
        for plan in self.plans:
            if plan.status == "executed":
                order = self.ex.plans.produced(plan)
                assert order is not None and order.ctime == plan.utime == self.fired_at[plan.oid] * STEP_MS
                assert (order.side, order.order_type) == (plan.side, plan.order_type)
            elif plan.status == "fail_execute":
                assert plan.reason and plan.order_id is None
            else:
                assert plan.order_id is None and not plan.reason

    @invariant()
    def coins_are_conserved_and_only_orders_reserve(self) -> None:
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        reserved: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for uid in UIDS:
            for order in self.ex.trading.orders_of(uid).open.all.values():
                reserved[(uid, order.frozen_coin)] += order.frozen
        for (uid, coin), (available, frozen) in _snapshot(self.ex).items():
            assert available >= 0 and frozen == reserved[(uid, coin)]
            totals[coin] += available + frozen
        ledger = self.ex.ledger
        for coin in set(totals) | set(self.initial):
            outside = ledger.fees[coin] + ledger.withdrawn[coin] + ledger.market_flows[coin] - ledger.deposited[coin]
            assert totals[coin] + outside == self.initial[coin], coin


PlanMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
test_plan_machine = PlanMachine.TestCase
