"""What a check works with: the running mock, fresh adapters, the journal, and small verdict helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, NoReturn, TypeVar

from mock_exchange.journal import JournalEntry
from mock_exchange.state.catalog import SYMBOLS_BY_NAME

from .adapters.base import Adapter, Credentials, ErrorCategory, Unsupported
from .checks.base import CheckFailed
from .mock import MockError, RemoteMock

T = TypeVar("T")
AdapterFactory = Callable[[str, Credentials], Adapter]


@dataclass
class Outcome:
    """What one adapter call did: returned `value`, or raised `error` of `category` (None: a crash)."""

    value: Any = None
    error: BaseException | None = None
    category: ErrorCategory | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        if self.error is None:
            return f"returned {self.value!r:.120}"
        kind = self.category.value if self.category is not None else "UNTYPED (a crash)"
        return f"raised {type(self.error).__name__} [{kind}]: {str(self.error)[:200]}"


class Context:
    """Handed to each check: `client` (the adapter with the trading key), `adapter(credentials)` for others,
    `mock` (admin calls, clock, observation), the journal of what the mock saw, and verdict helpers."""

    def __init__(self, mock: RemoteMock, make_adapter: AdapterFactory, *, fuzz_examples: int = 25,
                 seed: int = 42) -> None:
        self.mock = mock
        self.make_adapter = make_adapter
        self.fuzz_examples = fuzz_examples
        self.seed = seed
        self._adapters: list[Adapter] = []
        self._client: Adapter | None = None
        self.notes: list[str] = []
        self.given: list[Credentials] = []  # the credentials of every adapter built (for the evidence)
        self.warnings: list[str] = []

    # -- adapters ------------------------------------------------------------------------------------
    @property
    def client(self) -> Adapter:
        """The adapter with the trading key, built on first use."""
        if self._client is None:
            self._client = self.adapter()
        return self._client

    def adapter(self, credentials: Credentials | None = None) -> Adapter:
        """A fresh adapter on the mock (the trading key unless told otherwise); closed when the check ends."""
        self.given.append(credentials or self.mock.credentials)
        made = self.make_adapter(self.mock.url, credentials or self.mock.credentials)
        self._adapters.append(made)
        return made

    @property
    def has_adapter(self) -> bool:
        return bool(self._adapters)

    def classify(self, exc: BaseException) -> ErrorCategory | None:
        """`exc`'s category by the adapter hook (the adapters of one check all share their class's hook)."""
        return (self._adapters[0] if self._adapters else self.client).classify_error(exc)

    def close(self) -> None:
        for a in self._adapters:
            try:
                a.close()
            except Exception as exc:  # a client that cannot close must not hide the verdict
                self.note(f"closing the adapter raised {type(exc).__name__}: {exc}")
        self._adapters.clear()
        self._client = None

    # -- verdict helpers -------------------------------------------------------------------------------
    def note(self, text: str) -> None:
        self.notes.append(text)

    def warn(self, text: str) -> None:
        """A portability warning: the mock accepted it, the real exchange may not (the check still passes)."""
        if text not in self.warnings:
            self.warnings.append(text)

    def fail(self, message: str) -> NoReturn:
        raise CheckFailed(message)

    def expect(self, condition: object, message: str) -> None:
        if not condition:
            self.fail(message)

    def attempt(self, call: Callable[[], T], adapter: Adapter | None = None) -> Outcome:
        """Run one adapter call and classify what it raised, with `adapter`'s hook (the client's by default)."""
        try:
            return Outcome(value=call())
        except Unsupported:
            raise  # the client lacks the operation: the check is skipped
        except Exception as exc:
            return Outcome(error=exc, category=(adapter or self.client).classify_error(exc))

    def expect_error(self, call: Callable[[], Any], category: ErrorCategory, adapter: Adapter | None = None) -> None:
        """The call must fail with a typed error of `category`."""
        out = self.attempt(call, adapter)
        self.note(f"call {out.describe()}")
        if out.ok:
            self.fail(f"expected a {category.value} error, but the call {out.describe()}")
        if out.category is None:
            self.fail(f"expected a {category.value} error, but the client crashed: {out.describe()}")
        if out.category is not category:
            self.fail(f"expected a {category.value} error, got {out.describe()}")

    # -- what the mock saw -------------------------------------------------------------------------
    def journal(self, path: str | None = None) -> list[JournalEntry]:
        """The client's requests since the check started, oldest first, optionally for one path."""
        return [e for e in self.mock.journal() if path is None or e.get("path") == path]

    def codes(self, path: str | None = None) -> list[str]:
        return [str(e.get("code")) for e in self.journal(path)]

    def private_requests(self) -> list[JournalEntry]:
        return [e for e in self.journal() if e.get("apiKey")]

    def expect_no_auth_failures(self) -> None:
        """No request of this check was refused for its signature, key, passphrase or timestamp format."""
        bad = [e for e in self.journal() if e.get("code") in {"40002", "40005", "40006", "40009", "40012"}]
        if bad:
            first = bad[0]
            prehash = f"; the mock expected the prehash {first['prehash']}" if first.get("prehash") else ""
            self.fail(f"the mock refused {first['method']} {first['path']}?{first['query']} with "
                      f"{first['code']}{prehash}")

    def fault_fired(self, path: str) -> None:
        """Make sure an injected fault on `path` acted (else the mock, not the client, is at fault)."""
        if not any(e.get("fault") for e in self.journal(path)):
            raise MockError(f"the fault injected on {path} never fired")

    def await_fault(self, path: str, seconds: float) -> None:
        """Wait (real time: the mock delays answers on the event loop) until the faulted request to `path`
        has ended and is in the journal; a delayed answer is journaled only when it has been sent."""
        deadline = time.monotonic() + seconds
        while not any(e.get("fault") for e in self.journal(path)):
            if time.monotonic() > deadline:
                raise MockError(f"the fault injected on {path} never fired")
            time.sleep(0.02)

    # -- orders that rest and never fill -------------------------------------------------------------
    def resting_buy(self, symbol: str, value_usdt: Decimal = Decimal("12")) -> tuple[Decimal, Decimal]:
        """(price, size) of a limit buy at half the last price: accepted, never filled during a check."""
        sym = SYMBOLS_BY_NAME[symbol]
        last = Decimal(self.mock.ticker(symbol, self.mock.clock.now_ms())["lastPr"])
        price = (last / 2).quantize(Decimal(1).scaleb(-sym.price_precision), ROUND_DOWN)
        size = (value_usdt / price).quantize(Decimal(1).scaleb(-sym.quantity_precision), ROUND_DOWN)
        return price, size
