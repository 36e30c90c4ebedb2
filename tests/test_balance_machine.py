"""A stateful property test of the money: random orders, cancels, batches, transfers, withdrawals, deposits
and clock moves on the state layer, with every coin accounted for after every step (and by the bills)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_exchange.clock import ManualClock
from mock_exchange.errors import BitgetError
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.orders import CANCELLED, FILLED, STATUS_RANK, Order
from mock_exchange.state.seed import AccountSeed
from mock_exchange.state.trading import OrderSpec
from mock_exchange.state.wallet import WithdrawSpec

from .helpers import NOW
from .schema_support import check_reads
from .trading_support import ERC20, TRC20

pytestmark = pytest.mark.long  # the stateful test runs for seconds

UIDS = ("1000000001", "1000000002")
SEED_BALANCES = {"USDT": "20000", "BTC": "0.5", "ETH": "5", "SOL": "100"}
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
WALLETS = ("spot", "usdt_futures", "coin_futures", "crossed_margin", "p2p")
Key = tuple[str, str, str]  # uid, wallet, coin


def _snapshot(ex: Exchange) -> dict[Key, tuple[Decimal, Decimal]]:
    return {(uid, w, c): (b.available, b.frozen)
            for uid, account in ex.accounts.accounts.items()
            for w, wallet in account.wallets.items() for c, b in wallet.items() if b.available or b.frozen}


class BalanceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(NOW)
        self.ex = Exchange(self.clock, 7, [AccountSeed(uid, dict(SEED_BALANCES)) for uid in UIDS])
        self.initial: defaultdict[str, Decimal] = defaultdict(Decimal)
        self.moved: defaultdict[Key, Decimal] = defaultdict(Decimal)  # transfers and withdrawals, by wallet
        for uid in UIDS:
            for coin, amount in SEED_BALANCES.items():
                self.initial[coin] += Decimal(amount)
                self.moved[(uid, "spot", coin)] += Decimal(amount)
        self.orders: list[Order] = []
        self.seen: dict[int, str] = {}

    # -- helpers --------------------------------------------------------------------------
    def _spec(self, symbol: str, side: str, kind: str, force: str, factor: str, notional: str,
              client_oid: str | None = None) -> OrderSpec:
        market = self.ex.market
        sym = market.symbol(symbol)
        last = market.last_price(sym, self.clock.now_ms())
        price = (last * Decimal(factor)).quantize(sym.tick)
        if kind == "market" and side == "buy":
            return OrderSpec(symbol, side, kind, Decimal(notional), client_oid=client_oid)
        size = (Decimal(notional) / price).quantize(sym.lot, rounding=ROUND_DOWN) or sym.lot
        return OrderSpec(symbol, side, kind, size, force, price if kind == "limit" else None, client_oid)

    def _refused_without_change(self, call: object) -> bool:
        """Run `call`; a Bitget refusal must leave every balance and the id counter untouched."""
        before = (_snapshot(self.ex), self.ex.ids.last)
        try:
            call()  # type: ignore[operator]
        except BitgetError:
            assert (_snapshot(self.ex), self.ex.ids.last) == before
            return True
        return False

    # -- rules ----------------------------------------------------------------------------
    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), side=st.sampled_from(("buy", "sell")),
          kind=st.sampled_from(("limit", "limit", "market")), force=st.sampled_from(("gtc", "ioc", "fok", "post_only")),
          factor=st.sampled_from(("0.96", "0.99", "0.999", "1", "1.001", "1.01", "1.04")),
          notional=st.sampled_from(("0.5", "20", "400", "6000", "90000")))
    def place(self, uid: str, symbol: str, side: str, kind: str, force: str, factor: str, notional: str) -> None:
        spec = self._spec(symbol, side, kind, force, factor, notional)
        placed: list[Order] = []
        self._refused_without_change(lambda: placed.append(self.ex.trading.place(uid, spec, self.clock.now_ms())))
        self.orders.extend(placed)

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS),
          legs=st.lists(st.tuples(st.sampled_from(("buy", "sell")), st.sampled_from(("0.98", "1", "1.02")),
                                  st.sampled_from(("10", "300", "50000"))), min_size=1, max_size=5))
    def batch(self, uid: str, symbol: str, legs: list[tuple[str, str, str]]) -> None:
        specs: list[OrderSpec | BitgetError] = [self._spec(symbol, s, "limit", "gtc", f, n, f"b{i}")
                                                for i, (s, f, n) in enumerate(legs)]
        results = self.ex.trading.place_batch(uid, specs, self.clock.now_ms())
        self.orders.extend(r for r in results if isinstance(r, Order))

    @precondition(lambda self: bool(self.orders))
    @rule(index=st.integers(min_value=0))
    def cancel(self, index: int) -> None:
        order = self.orders[index % len(self.orders)]
        refused = self._refused_without_change(
            lambda: self.ex.trading.cancel(order.uid, None, str(order.oid), None, self.clock.now_ms()))
        assert refused != order.is_open or order.status == CANCELLED

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS))
    def cancel_symbol(self, uid: str, symbol: str) -> None:
        self.ex.trading.cancel_symbol(uid, symbol, self.clock.now_ms())
        assert not list(self.ex.trading.orders_of(uid).open.scope(symbol).values())

    @rule(uid=st.sampled_from(UIDS), source=st.sampled_from(WALLETS), to=st.sampled_from(WALLETS),
          coin=st.sampled_from(("USDT", "BTC", "ETH")), amount=st.sampled_from(("0.01", "1", "700", "9999999")))
    def transfer(self, uid: str, source: str, to: str, coin: str, amount: str) -> None:
        call = lambda: self.ex.wallet.transfer(uid, source, to, coin, Decimal(amount), None, None,  # noqa: E731
                                               self.clock.now_ms())
        if not self._refused_without_change(call):
            self.moved[(uid, source, coin)] -= Decimal(amount)
            self.moved[(uid, to, coin)] += Decimal(amount)

    @rule(uid=st.sampled_from(UIDS), leg=st.sampled_from((
        ("USDT", "on_chain", "TRC20", TRC20, "10"), ("USDT", "on_chain", "ERC20", ERC20, "30000"),
        ("BTC", "on_chain", "BTC", "bc1" + "q" * 30, "0.01"), ("ETH", "on_chain", "ERC20", "0xnope", "1"),
        ("USDT", "internal_transfer", None, "other", "250"))))
    def withdraw(self, uid: str, leg: tuple[str, str, str | None, str, str]) -> None:
        coin, kind, chain, address, size = leg
        to = next(u for u in UIDS if u != uid) if address == "other" else address
        spec = WithdrawSpec(coin, kind, to, Decimal(size), chain)
        if not self._refused_without_change(lambda: self.ex.wallet.withdraw(uid, spec, self.clock.now_ms())):
            self.moved[(uid, "spot", coin)] -= Decimal(size)
            if kind == "internal_transfer":
                self.moved[(to, "spot", coin)] += Decimal(size)

    @rule(uid=st.sampled_from(UIDS), coin=st.sampled_from(("USDT", "BTC", "SOL")),
          size=st.sampled_from(("0.00000001", "3", "2500.5", "0", "1.000000001")))
    def deposit(self, uid: str, coin: str, size: str) -> None:
        call = lambda: self.ex.wallet.deposit(uid, coin, Decimal(size), None, None,  # noqa: E731
                                              self.clock.now_ms())
        if not self._refused_without_change(call):
            self.moved[(uid, "spot", coin)] += Decimal(size)

    @rule(ms=st.sampled_from((0, 1000, 7000, 60_000, 3_600_000, 86_400_000)))
    def advance(self, ms: int) -> None:
        self.clock.advance(ms)
        self.ex.catch_up(self.clock.now_ms())

    # -- invariants -----------------------------------------------------------------------
    @invariant()
    def coins_are_conserved(self) -> None:
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for (_, _, coin), (available, frozen) in _snapshot(self.ex).items():
            assert available >= 0 and frozen >= 0
            totals[coin] += available + frozen
        ledger = self.ex.ledger
        for coin in set(totals) | set(self.initial):
            outside = ledger.fees[coin] + ledger.withdrawn[coin] + ledger.market_flows[coin] - ledger.deposited[coin]
            assert totals[coin] + outside == self.initial[coin], coin

    @invariant()
    def bills_explain_every_spot_balance(self) -> None:
        """Seeded balance + the signed sizes of an account's bills == its spot total, and each coin's
        newest bill states that total."""
        snapshot = _snapshot(self.ex)
        for uid in UIDS:
            summed: defaultdict[str, Decimal] = defaultdict(Decimal)
            newest: dict[str, Decimal] = {}
            for bill in self.ex.ledger.bill_page(uid, self.clock.now_ms(), None, None, None, None, None, None,
                                                 10**9):
                summed[bill.coin] += bill.size
                newest.setdefault(bill.coin, bill.balance)
            for coin in set(summed) | set(SEED_BALANCES):
                available, frozen = snapshot.get((uid, "spot", coin), (Decimal(0), Decimal(0)))
                assert Decimal(SEED_BALANCES.get(coin, "0")) + summed[coin] == available + frozen, (uid, coin)
                if coin in newest:
                    assert newest[coin] == available + frozen, (uid, coin)

    @invariant()
    def frozen_is_what_open_orders_reserve(self) -> None:
        reserved: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for uid in UIDS:
            for order in self.ex.trading.orders_of(uid).open.all.values():
                reserved[(uid, order.frozen_coin)] += order.frozen
                if order.order_type == "limit":
                    expected = order.price * order.remaining if order.is_buy else order.remaining
                    assert order.frozen == expected
        for (uid, wallet, coin), (_, frozen) in _snapshot(self.ex).items():
            assert frozen == (reserved[(uid, coin)] if wallet == "spot" else 0)

    @invariant()
    def statuses_only_move_forward(self) -> None:
        for order in self.orders:
            before = self.seen.get(order.oid)
            if before is not None:
                assert STATUS_RANK[order.status] >= STATUS_RANK[before]
                assert before not in (FILLED, CANCELLED) or order.status == before
            self.seen[order.oid] = order.status

    @invariant()
    def fills_explain_every_balance(self) -> None:
        expected = defaultdict(Decimal, self.moved)
        for order in self.orders:
            sym = order.sym
            assert order.base_volume == sum((f.size for f in order.fills), Decimal(0))
            assert order.quote_volume == sum((f.amount for f in order.fills), Decimal(0))
            assert order.fee == sum((f.fee for f in order.fills), Decimal(0))
            assert order.is_open or order.frozen == 0
            for f in order.fills:
                if order.is_buy:
                    expected[(order.uid, "spot", sym.base)] += f.size - f.fee
                    expected[(order.uid, "spot", sym.quote)] -= f.amount
                else:
                    expected[(order.uid, "spot", sym.base)] -= f.size
                    expected[(order.uid, "spot", sym.quote)] += f.amount - f.fee
        actual = {k: a + f for k, (a, f) in _snapshot(self.ex).items()}
        assert {k: v for k, v in expected.items() if v} == actual

    @invariant()
    def every_answer_has_its_declared_shape(self) -> None:
        """Each account read's answer for each account, after every step, against its response schema."""
        for uid in UIDS:
            assert check_reads(self.ex, uid, self.clock.now_ms(), private_only=True) == {}


BalanceMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
test_balance_machine = BalanceMachine.TestCase
