"""The root of the mock's state: accounts, keys, market, orders, wallet. Rebuilt from its seeds on reset.

`components()` names the parts whose @mutation calls a store records (docs/persistence.md): a new
part of the state joins persistence by being listed there and marking its changing methods.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from typing import Any, Protocol

from ..clock import Clock
from ..store.recorder import mutation
from .accounts import AccountStore, ApiKey, KeyMint, load_public_key
from .catalog import PRODUCT_TYPES, SPOT_SYMBOLS
from .events import ClockMoved, Events
from .futures import Futures
from .futures_market import FuturesMarket
from .futures_series import FuturesSeries
from .ledger import Ledger
from .market import Market
from .orders import IdSequence
from .plans import SpotPlans
from .pricewalk import MAX_STEP_MOVE, STEP_MS, step_of
from .seed import AccountSeed
from .trading import Limits, Trading
from .triggers import LAST, SPOT, Fired, Triggers, Watch
from .wallet import Wallet

TICKS = {s.symbol: float(s.tick) for s in SPOT_SYMBOLS}  # a spot price's grid, for trigger_calm


class TriggerOwner(Protocol):
    """What owns triggers of a market (spot plan orders, futures plan and TP/SL orders): acts on one
    that fired, at `now_ms` (its step's time; the rest of the state has caught up to it)."""

    def fire(self, fired: Fired, now_ms: int) -> None: ...


class Exchange:
    def __init__(self, clock: Clock, seed: int, accounts: list[AccountSeed], limits: Limits | None = None) -> None:
        self.clock = clock
        self.seed = seed
        self.account_seeds = accounts
        self.limits = limits or Limits()
        self.market = Market(seed)
        self.events = Events()  # kept across resets: listeners (open sockets) outlive the state they watch
        self._caught_up_ms: int | None = None
        # futures market data: pure functions of seed and clock over the spot walk (no state to reset)
        self.futures_market = FuturesMarket(seed, self.market)
        self.futures_series = FuturesSeries(self.futures_market)
        self.mint = KeyMint()  # outlives resets: keys made after one never repeat earlier ones
        self.restart(clock.now_ms())

    def components(self) -> dict[str, Any]:
        """The parts of the state by stable names (what recorded calls refer to)."""
        return {"exchange": self, "clock": self.clock, "accounts": self.accounts, "trading": self.trading,
                "wallet": self.wallet, "plans": self.plans, "futures.trading": self.futures.trading,
                "futures.settings": self.futures.settings, "futures.plans": self.futures.plans}

    def live_parts(self) -> dict[str, Any]:
        """What belongs to the running server rather than to the state: kept out of snapshots, and the
        new server's own are used when a stored state is loaded."""
        return {"clock": self.clock, "events": self.events}

    def reset(self) -> None:
        self.restart(self.clock.now_ms())

    @mutation
    def restart(self, now: int) -> None:
        """Back to the seeded state, as of `now`."""
        self.rng = random.Random(self.seed)
        self.accounts = AccountStore(self.rng, self.events, self.mint)
        for a in self.account_seeds:
            self.accounts.create_account(now, a.uid)
            self.accounts.set_balances(a.uid, a.balances, now)
            for k in a.keys:
                public_key = load_public_key(k.public_key_pem) if k.public_key_pem else None
                self.accounts.add_fixed_key(
                    a.uid,
                    ApiKey(k.api_key, a.uid, k.passphrase, k.permissions, k.ips, k.label, k.secret, public_key, now),
                )
        # bills draw ids from their own seeded sequence, so recording them never shifts order or trade ids
        bill_ids = IdSequence(random.Random(self.seed * 1_000_003 + 1))
        self.ledger = Ledger(bill_ids, self.limits.max_closed_orders, self.limits.retention_ms, self.events)
        self.ids = IdSequence(self.rng)
        self.trading = Trading(self.accounts, self.market, self.ledger, self.ids, self.rng, self.limits, now,
                               self.events)
        self.wallet = Wallet(self.accounts, self.ledger, self.ids, self.rng, self.limits.max_closed_orders,
                             self.seed)
        self.triggers = Triggers(now)  # every market's pending conditions (plan orders, TP/SL)
        self.futures = Futures(self.accounts, self.ledger, self.ids, self.rng, self.futures_market,
                               self.limits.max_closed_orders, self.seed, now, self.triggers)
        self.wallet.futures = self.futures
        self.plans = SpotPlans(self.trading, self.triggers, self.ids, self.rng, self.limits.max_closed_orders,
                               self.events)

    def catch_up(self, now_ms: int) -> None:
        """Bring time-driven state up to `now_ms`: resting orders the price walk crossed get filled;
        futures funding settles and liquidations happen."""
        step = step_of(now_ms)
        if (step != self.trading.last_step or step != self.futures.clock.last_step
                or step != self.triggers.last_step):  # once per step of the walk
            self.advance(now_ms)
        if self.events.listeners and now_ms != self._caught_up_ms:
            self._caught_up_ms = now_ms
            self.events.emit(ClockMoved(now_ms))

    @mutation
    def advance(self, now_ms: int) -> None:
        """Triggers fire in time order, each once the rest of the state has caught up to its step; then
        the rest catches up to now."""
        for fired in self.triggers.advance(now_ms, self.trigger_price, self.trigger_calm):
            at_ms = fired.step * STEP_MS
            self.trading.catch_up(at_ms)
            self.futures.catch_up(at_ms)
            self.trigger_owners()[fired.trigger.watch.market].fire(fired, at_ms)
        self.trading.catch_up(now_ms)
        self.futures.catch_up(now_ms)

    def trigger_owners(self) -> dict[str, TriggerOwner]:
        """Who acts on a fired trigger, by its watch's market ("spot" or a futures productType)."""
        return {SPOT: self.plans, **dict.fromkeys(PRODUCT_TYPES, self.futures.plans)}

    def trigger_calm(self, watch: Watch, price: float, low: float, high: float) -> int:
        """Walk steps either side of a step where a spot price was `price` over which it stays strictly
        between low and high: the walk's slope bound (0.1 % to spare) and a tick either way for rounding
        to the grid. 0 for futures prices (not bounded here: read every time)."""
        tick = TICKS.get(watch.symbol) if watch.market == SPOT else None
        if tick is None or price <= 2 * tick:
            return 0
        slope = MAX_STEP_MOVE * 1.001
        up = math.log(high / (price + tick)) / slope if high < math.inf else math.inf
        down = -math.log((low + tick) / (price - tick)) / slope if low + tick > 0 else math.inf
        return max(0, min(int(min(up, down)) - 1, 10**9))

    def trigger_price(self, watch: Watch, step: int) -> Decimal:
        """The price a trigger watches at a walk step: spot last; futures last or mark."""
        if watch.market == SPOT:
            return self.market.last_price(self.market.symbol(watch.symbol), step * STEP_MS)
        contract = self.futures_market.contract(watch.market, watch.symbol)
        if watch.price == LAST:
            return self.futures_market.price_at(contract, step)
        return self.futures_market.mark_at(contract, step)
