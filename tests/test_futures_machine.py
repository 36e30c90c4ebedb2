"""A stateful property test of futures trading on the state layer: orders, cancels, leverage and mode
changes, transfers, isolated margin, flash closes and clock moves (price walk, funding, liquidation),
with the money and the positions checked after every step."""

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
from mock_exchange.state.seed import AccountSeed

from .helpers import NOW

pytestmark = pytest.mark.long  # the stateful test runs for seconds

UIDS = ("1000000001", "1000000002")
PT = "USDT-FUTURES"
SYMBOLS = ("BTCUSDT", "ETHUSDT")
HOUR = 3_600_000


class FuturesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(NOW)
        self.ex = Exchange(self.clock, 11, [AccountSeed(uid, {"USDT": "20000"}) for uid in UIDS])
        for uid in UIDS:
            self.ex.wallet.transfer(uid, "spot", "usdt_futures", "USDT", Decimal(5000), None, None, NOW)
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
        return (wallets, positions, orders, opened, {k: (s.margin_mode, s.cross_leverage, s.long_leverage,
                                                         s.short_leverage) for k, s in eng.settings.items()},
                dict(eng.pos_modes))

    def _attempt(self, act: Any) -> None:
        """Run one request; a refused one must leave everything as it was."""
        before = self._snapshot()
        try:
            act()
        except BitgetError:
            assert self._snapshot() == before

    def _contract(self, symbol: str) -> Any:
        return self.ex.futures_market.contract(PT, symbol)

    # -- rules ----------------------------------------------------------------------------------
    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), side=st.sampled_from(["buy", "sell"]),
          trade_side=st.sampled_from([None, "open", "open", "close"]), kind=st.sampled_from(["market", "limit"]),
          factor=st.sampled_from(["0.98", "0.999", "1", "1.001", "1.02"]),
          notional=st.sampled_from(["20", "300", "3000", "60000"]), reduce=st.booleans(),
          mode=st.sampled_from(["crossed", "crossed", "isolated"]), force=st.sampled_from(["gtc", "ioc", "post_only"]))
    def place(self, uid: str, symbol: str, side: str, trade_side: str | None, kind: str, factor: str, notional: str,
              reduce: bool, mode: str, force: str) -> None:
        c = self._contract(symbol)
        mark = self.ex.futures_market.mark_price(c, self.now)
        price = (mark * Decimal(factor)).quantize(c.tick)
        size = (Decimal(notional) / price).quantize(c.lot, rounding=ROUND_DOWN) or c.lot
        spec = FuturesOrderSpec(symbol, PT, "USDT", mode, side, kind, size, price if kind == "limit" else None,
                                force, trade_side, reduce)
        self._attempt(lambda: self.futures.trading.place(uid, spec, self.now))

    @rule(uid=st.sampled_from(UIDS), pick=st.integers(0, 10))
    def cancel(self, uid: str, pick: int) -> None:
        open_orders = list(self.futures.engine.book(uid, PT).open.all.values())
        if open_orders:
            order = open_orders[pick % len(open_orders)]
            self._attempt(lambda: self.futures.trading.cancel(uid, PT, order.contract.symbol, str(order.oid), None,
                                                              self.now))

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), lev=st.integers(0, 130),
          side=st.sampled_from([None, "long", "short"]))
    def leverage(self, uid: str, symbol: str, lev: int, side: str | None) -> None:
        self._attempt(lambda: self.futures.settings.set_leverage(uid, PT, symbol, "USDT", lev, None, None, side,
                                                                 self.now))

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), mode=st.sampled_from(["crossed", "isolated"]))
    def margin_mode(self, uid: str, symbol: str, mode: str) -> None:
        self._attempt(lambda: self.futures.settings.set_margin_mode(uid, PT, symbol, "USDT", mode, self.now))

    @rule(uid=st.sampled_from(UIDS), mode=st.sampled_from(["one_way_mode", "hedge_mode"]))
    def position_mode(self, uid: str, mode: str) -> None:
        self._attempt(lambda: self.futures.settings.set_position_mode(uid, PT, mode))

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from(SYMBOLS), side=st.sampled_from(["long", "short"]),
          amount=st.sampled_from(["5", "-5", "100", "-1000"]))
    def isolated_margin(self, uid: str, symbol: str, side: str, amount: str) -> None:
        self._attempt(lambda: self.futures.settings.set_margin(uid, PT, symbol, "USDT", side, Decimal(amount),
                                                               self.now))

    @rule(uid=st.sampled_from(UIDS), out=st.booleans(), amount=st.sampled_from(["10", "500", "4000"]))
    def transfer(self, uid: str, out: bool, amount: str) -> None:
        a, b = ("usdt_futures", "spot") if out else ("spot", "usdt_futures")
        self._attempt(lambda: self.ex.wallet.transfer(uid, a, b, "USDT", Decimal(amount), None, None, self.now))

    @rule(uid=st.sampled_from(UIDS), symbol=st.sampled_from([None, *SYMBOLS]))
    def flash_close(self, uid: str, symbol: str | None) -> None:
        self._attempt(lambda: self.futures.trading.close_positions(uid, PT, symbol, None, self.now))

    @rule(ms=st.sampled_from([1_000, 60_000, 15 * 60_000, 3 * HOUR, 9 * HOUR]))
    def advance(self, ms: int) -> None:
        self.clock.advance(ms)
        self.ex.catch_up(self.now)

    # -- invariants -------------------------------------------------------------------------------
    @invariant()
    def every_coin_is_conserved(self) -> None:
        assert self._coins() == self.initial

    @invariant()
    def margins_are_held_and_never_negative(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            b = self.ex.accounts.account(uid).balance("USDT", "usdt_futures")
            positions = eng.positions_of(uid, PT)
            orders = list(eng.book(uid, PT).open.all.values())
            assert all(p.margin >= 0 and 0 <= p.locked <= p.size and p.size > 0 for p in positions)
            assert all(o.margin >= 0 for o in orders)
            assert b.frozen == sum((p.margin for p in positions), Decimal(0)) + sum((o.margin for o in orders),
                                                                                    Decimal(0))

    @invariant()
    def equity_is_balance_plus_unrealised_pnl(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            marks = self.futures.trading.marks(uid, self.now)
            f = eng.figures(uid, PT, "USDT", marks)
            b = self.ex.accounts.account(uid).balance("USDT", "usdt_futures")
            upnl = sum((mg.unrealised_pnl(p.hold_side, p.entry, marks[p.contract.symbol], p.size)
                        for p in eng.positions_of(uid, PT)), Decimal(0))
            assert f["equity"] == b.available + b.frozen + upnl
            assert f["max_available"] >= 0

    @invariant()
    def position_sizes_are_the_signed_sum_of_fills(self) -> None:
        eng = self.futures.engine
        for uid in UIDS:
            for symbol in SYMBOLS:
                net = Decimal(0)
                for fill in eng.book(uid, PT).fills.scope(symbol).newest(None):
                    shown = fill.trade_side
                    closing = fill.pos_mode == HEDGE and (shown == CLOSE or shown.startswith("burst"))
                    buys = (fill.side == "buy") != closing
                    net += fill.size if buys else -fill.size
                long, short = eng.position(uid, symbol, "long"), eng.position(uid, symbol, "short")
                assert net == (long.size if long else 0) - (short.size if short else 0)


TestFuturesMachine = FuturesMachine.TestCase
TestFuturesMachine.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
