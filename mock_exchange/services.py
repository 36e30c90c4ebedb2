"""Everything one running mock owns, built once from its Config and shared by all layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .clock import ExchangeClock
from .config import Config
from .faults import Faults
from .journal import Journal
from .ratelimit import RateLimiter, build_limiter
from .state.exchange import Exchange
from .state.seed import AccountSeed, demo_seed, load_accounts_file
from .state.trading import Limits
from .store import open_store

if TYPE_CHECKING:
    from .endpoint import Endpoint


class Services:
    def __init__(self, config: Config, endpoints: Sequence[Endpoint],
                 accounts: list[AccountSeed] | None = None) -> None:
        self.config = config
        self.endpoints = tuple(endpoints)
        self.clock = ExchangeClock(config.base_clock, manual=config.manual_clock, start_ms=config.clock_start_ms)
        if accounts is None:
            accounts = []
            if config.accounts_file is not None:
                accounts = load_accounts_file(config.accounts_file)
            elif config.demo_account:
                accounts = [demo_seed(config.seed)]
        limits = Limits(max_closed_orders=config.max_closed_orders, retention_ms=config.retention_ms)
        # with `--state FILE` the stored state (seeds, accounts, clock) replaces the freshly seeded one
        self.store = open_store(config.state_file)
        self.exchange: Exchange = self.store.load(Exchange(self.clock, config.seed, accounts, limits))
        self.journal = Journal(config.journal_size, self.secrets)
        # None with `--rate-limits off`: no endpoint nor global limit
        self.limiter: RateLimiter | None = build_limiter(config, self.endpoints)
        self.sockets: Any = None  # the WebSocket hub, set by create_app
        self.faults = Faults(config.seed)

    def secrets(self) -> list[str]:
        """Every secret key, passphrase and admin token the mock knows: the journal masks them wherever they appear."""
        keys = self.exchange.accounts.keys.values()
        found = [s for k in keys for s in (k.secret, k.passphrase) if s]
        return found + ([self.config.admin_token] if self.config.admin_token else [])

    def on_clock_moved(self) -> None:
        """Let time-driven state (resting orders meeting the price walk) catch up with the clock; a
        clock set back also takes rate-limit entries "from the future" back."""
        now = self.clock.now_ms()
        self.exchange.catch_up(now)
        if self.limiter is not None:
            self.limiter.rewind(now)

    def reset(self) -> None:
        """Back to the seeded state: accounts, keys, balances, orders; journal, counters and faults cleared.

        The clock is left where it is: tests that set it expect it to stay.
        """
        self.exchange.reset()
        self.journal.clear()
        if self.limiter is not None:
            self.limiter.reset()
        self.faults.clear()
        if self.sockets is not None:
            self.sockets.reset()
