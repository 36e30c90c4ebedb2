"""The mock a harness run drives: started in-process with known keys, reached through the admin API.

The mock runs on a `HarnessClock`: wall time (the time every real client signs with) plus an offset the
TIME checks move, or frozen for the DATA checks. It is not the mock's ManualClock, because a frozen
clock would put a whole paced burst into one instant and the RATE checks could not tell a client that
paces from one that does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote

import httpx

from mock_exchange.app import MockExchange, create_app
from mock_exchange.clock import wall_ms
from mock_exchange.config import Config
from mock_exchange.journal import JournalEntry
from mock_exchange.server import ServerThread
from mock_exchange.state.seed import AccountSeed, KeySeed
from mock_exchange.views import ticker_view

from .adapters.base import Credentials

UID = "4200000001"
TRADER = Credentials("bg_c0f0a1b2c3d4e5f60718293a4b5c6d7e",
                     "5e3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f", "Conform4nce")
READ_ONLY = Credentials("bg_0badc0ffee0badc0ffee0badc0ffee1",
                        "1f2e3d4c5b6a79880f1e2d3c4b5a69788f7e6d5c4b3a29180f1e2d3c4b5a6978", "ReadOnly42")
OBSERVER = Credentials("bg_0b5e7e70b5e7e70b5e7e70b5e7e70b5e",
                       "0b5e7e70b5e7e70b5e7e70b5e7e70b5e0b5e7e70b5e7e70b5e7e70b5e7e70b5e", "Observer42")
BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500", "龙币": "100000"}


class MockError(RuntimeError):
    """The mock did not do what the harness asked: a harness or mock problem, not the client's."""


class HarnessClock:
    """Wall time plus `offset_ms`, or frozen at one instant; `restore()` undoes both."""

    def __init__(self, source: Any = wall_ms) -> None:
        self._source = source
        self.offset_ms = 0
        self._frozen: int | None = None

    def now_ms(self) -> int:
        return self._frozen if self._frozen is not None else int(self._source()) + self.offset_ms

    def shift(self, ms: int) -> None:
        self.offset_ms += ms

    def freeze(self) -> int:
        self._frozen = self.now_ms()
        return self._frozen

    def restore(self) -> None:
        self.offset_ms = 0
        self._frozen = None


def sign_headers(creds: Credentials, method: str, path: str, query: str, body: str, ts: int) -> dict[str, str]:
    """Bitget V2 auth headers, written here from the spec so the observer never shares a client's bugs."""
    prehash = f"{ts}{method}{path}{'?' + query if query else ''}{body}".encode()
    sign = base64.b64encode(hmac.new(creds.secret_key.encode(), prehash, hashlib.sha256).digest()).decode()
    return {"ACCESS-KEY": creds.api_key, "ACCESS-SIGN": sign, "ACCESS-TIMESTAMP": str(ts),
            "ACCESS-PASSPHRASE": creds.passphrase, "Content-Type": "application/json"}


class MockServer:
    """One in-process mock for a run: the account `UID` with a trading key, a read-only key and the
    harness's own observer key; admin calls; observation of orders without going through the client."""

    def __init__(self, *, seed: int = 42, clock: HarnessClock | None = None, rate_limits: str = "bitget") -> None:
        self.clock = clock or HarnessClock()
        keys = (
            KeySeed(TRADER.api_key, TRADER.secret_key, TRADER.passphrase, frozenset({"read", "spot_trade"})),
            KeySeed(READ_ONLY.api_key, READ_ONLY.secret_key, READ_ONLY.passphrase, frozenset({"read"})),
            KeySeed(OBSERVER.api_key, OBSERVER.secret_key, OBSERVER.passphrase, frozenset({"read"})),
        )
        config = Config(port=0, seed=seed, base_clock=self.clock, demo_account=False, rate_limits=rate_limits,
                        access_log=False, journal_size=5000)
        self.app: MockExchange = create_app(config, [AccountSeed(UID, dict(BALANCES), keys)])
        self._thread: ServerThread | None = None
        self._http: httpx.Client | None = None
        self.uid = UID
        self.credentials = TRADER
        self.read_only = READ_ONLY

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> MockServer:
        self._thread = ServerThread(self.app).__enter__()
        self._http = httpx.Client(base_url=self.url, timeout=10.0)
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.close()
        if self._thread is not None:
            self._thread.__exit__(None, None, None)
        self._thread = self._http = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._thread is None:
            raise RuntimeError("the mock is not running")
        return f"http://{self._thread.host}:{self._thread.port}"

    @property
    def secrets(self) -> dict[str, str]:
        """API key -> secret key of the keys a client is given (to recompute a signature from the journal)."""
        return {c.api_key: c.secret_key for c in (self.credentials, self.read_only)}

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            raise RuntimeError("the mock is not running")
        return self._http

    # -- admin API -------------------------------------------------------------------------------
    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """One admin call; raises MockError unless it answers 2xx."""
        try:
            response = self.http.request(method, "/_mock" + path, json=body)
        except httpx.HTTPError as exc:
            raise MockError(f"{method} /_mock{path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise MockError(f"{method} /_mock{path}: HTTP {response.status_code} {response.text[:200]}")
        return response.json()

    def reset(self) -> None:
        """Seeded state, empty journal, no faults, no limiter counters; the clock back to wall time."""
        self.clock.restore()
        self.admin("POST", "/reset")

    def now_ms(self) -> int:
        """The mock's clock."""
        return self.clock.now_ms()

    def journal(self) -> list[JournalEntry]:
        """Requests since the last reset, oldest first, without the harness's own observations."""
        entries = self.admin("GET", "/journal?limit=5000")["entries"]
        return [e for e in reversed(entries) if e.get("apiKey") != OBSERVER.api_key]

    def clear_journal(self) -> None:
        self.admin("DELETE", "/journal")

    def set_balances(self, balances: dict[str, str]) -> None:
        self.admin("PUT", f"/accounts/{self.uid}/balances", balances)

    def balances(self) -> dict[str, dict[str, str]]:
        """coin -> {available, frozen} of the spot wallet, as the mock holds it."""
        return dict(self.admin("GET", f"/accounts/{self.uid}")["balances"].get("spot", {}))

    def add_faults(self, *rules: dict[str, Any]) -> None:
        self.admin("POST", "/faults", {"rules": list(rules)})

    def clear_faults(self) -> None:
        self.admin("DELETE", "/faults")

    # -- observation through the Bitget API with the observer key ---------------------------------
    def observe(self, path: str, query: str = "") -> Any:
        """`data` of a signed GET by the observer key (not journaled as the client's)."""
        headers = sign_headers(OBSERVER, "GET", path, query, "", self.clock.now_ms())
        try:
            response = self.http.get(path + ("?" + query if query else ""), headers=headers)
            payload = response.json()
        except (httpx.HTTPError, ValueError):
            raise MockError(f"observer GET {path}?{query}: no JSON answer") from None
        if not isinstance(payload, dict) or payload.get("code") != "00000":
            raise MockError(f"observer GET {path}?{query}: HTTP {response.status_code} {response.text[:200]}")
        return payload["data"]

    def open_orders(self, symbol: str) -> list[dict[str, Any]]:
        return list(self.observe("/api/v2/spot/trade/unfilled-orders", f"symbol={quote(symbol)}"))

    def ticker(self, symbol: str, now_ms: int) -> dict[str, str]:
        """The mock's ticker for `symbol` at `now_ms`, read from its state (the market is a pure function
        of time), so reading it sends no request."""
        market = self.app.services.exchange.market
        return dict(ticker_view(market.ticker(market.symbol(symbol), now_ms)))
