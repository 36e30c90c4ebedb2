"""Futures (mix) trading state: settings, positions, margin, orders and matching, conditional orders,
funding, liquidation."""

from __future__ import annotations

import random
from decimal import Decimal

from ...errors import INSUFFICIENT_BALANCE, BitgetError
from ..accounts import AccountStore
from ..futures_market import FuturesMarket
from ..ledger import Ledger
from ..orders import IdSequence
from ..triggers import Triggers
from ..wallet import FUTURES_WALLETS
from .clockwork import FuturesClock
from .engine import FuturesEngine
from .plans import FuturesPlans
from .settings import FuturesSettings
from .trading import FuturesTrading


class Futures:
    """Everything futures trading owns, built by `Exchange` on every reset."""

    def __init__(self, accounts: AccountStore, ledger: Ledger, ids: IdSequence, rng: random.Random,
                 market: FuturesMarket, max_kept: int, seed: int, now_ms: int, triggers: Triggers) -> None:
        self.engine = FuturesEngine(accounts, ledger, ids, rng, max_kept, seed)
        self.trading = FuturesTrading(self.engine, market)
        self.settings = FuturesSettings(self.trading)
        self.plans = FuturesPlans(self.trading, triggers, max_kept)
        self.clock = FuturesClock(self.trading, now_ms)

    def catch_up(self, now_ms: int) -> None:
        self.clock.catch_up(now_ms)

    # -- transfers (state.wallet.FuturesWallets) ---------------------------------------------
    def check_out(self, uid: str, account_type: str, coin: str, amount: Decimal, now_ms: int) -> None:
        """A transfer out of a futures wallet may take only `maxTransferOut` (43012 beyond)."""
        product = _PRODUCTS.get(account_type)
        if product is not None and amount > self.trading.max_available(uid, product, coin, now_ms):
            raise BitgetError(INSUFFICIENT_BALANCE)

    def moved(self, uid: str, from_type: str, to_type: str, coin: str, amount: Decimal, now_ms: int) -> None:
        """The futures bill of a transfer (Bitget's trans_from_exchange / trans_to_exchange for spot)."""
        for account_type, sign, other in ((to_type, 1, from_type), (from_type, -1, to_type)):
            product = _PRODUCTS.get(account_type)
            if product is not None:
                direction = "trans_from_" if sign > 0 else "trans_to_"
                business = direction + ("exchange" if other == "spot" else "contract")
                self.engine.bill(uid, product, "", coin, business, amount * sign, Decimal(0), now_ms)


_PRODUCTS = {wallet: product for product, wallet in FUTURES_WALLETS.items()}
