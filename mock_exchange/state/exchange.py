"""The root of the mock's state: accounts, keys, market. Rebuilt from its seeds on reset."""

from __future__ import annotations

import random

from ..clock import Clock
from .accounts import AccountStore, ApiKey, load_public_key
from .market import Market
from .seed import AccountSeed


class Exchange:
    def __init__(self, clock: Clock, seed: int, accounts: list[AccountSeed]) -> None:
        self.clock = clock
        self.seed = seed
        self.account_seeds = accounts
        self.market = Market(seed)
        self.reset()

    def reset(self) -> None:
        self.rng = random.Random(self.seed)
        self.accounts = AccountStore(self.rng)
        now = self.clock.now_ms()
        for a in self.account_seeds:
            self.accounts.create_account(now, a.uid)
            self.accounts.set_balances(a.uid, a.balances, now)
            for k in a.keys:
                public_key = load_public_key(k.public_key_pem) if k.public_key_pem else None
                self.accounts.add_fixed_key(
                    a.uid,
                    ApiKey(k.api_key, a.uid, k.passphrase, k.permissions, k.ips, k.label, k.secret, public_key, now),
                )

    def catch_up(self, now_ms: int) -> None:
        """Bring time-driven state up to `now_ms` (nothing moves with time yet)."""
