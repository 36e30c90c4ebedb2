"""Futures (mix) trading state: settings, positions, margin, orders and matching, funding, liquidation."""

from __future__ import annotations

import random

from ..accounts import AccountStore
from ..futures_market import FuturesMarket
from ..ledger import Ledger
from ..orders import IdSequence
from .clockwork import FuturesClock
from .engine import FuturesEngine
from .settings import FuturesSettings
from .trading import FuturesTrading


class Futures:
    """Everything futures trading owns, built by `Exchange` on every reset."""

    def __init__(self, accounts: AccountStore, ledger: Ledger, ids: IdSequence, rng: random.Random,
                 market: FuturesMarket, max_kept: int, seed: int, now_ms: int) -> None:
        self.engine = FuturesEngine(accounts, ledger, ids, rng, max_kept, seed)
        self.trading = FuturesTrading(self.engine, market)
        self.settings = FuturesSettings(self.trading)
        self.clock = FuturesClock(self.trading, now_ms)

    def catch_up(self, now_ms: int) -> None:
        self.clock.catch_up(now_ms)
