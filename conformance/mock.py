"""The mock a harness run drives, reached only through HTTP: the Bitget API and the admin API under /_mock/.

Two ways to have one: `MockServer` starts it in-process with the harness's account and keys; `RemoteMock`
(`--base-url`) takes a mock that is already running (any bitget-mock reachable over HTTP, started with
`mock-exchange serve`) and installs the same account and keys through its admin API after every reset.
Every check works the same on both: the clock is moved, faults injected and the journal read through the
admin API, orders observed with the harness's own observer key.

The mock's clock follows system time (the time every real client signs with) plus an offset the TIME
checks move (`POST /_mock/clock {"offset": ms}`), or is frozen for a moment for the DATA checks. It is not
the mock's `--manual-clock`, because a frozen clock would put a whole paced burst into one instant and the
RATE checks could not tell a client that paces from one that does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote

import httpx

from mock_exchange.app import MockExchange, create_app
from mock_exchange.clock import Clock
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
KEYS = ((TRADER, ("read", "spot_trade", "contract_trade")), (READ_ONLY, ("read",)), (OBSERVER, ("read",)))
BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500", "龙币": "100000"}
ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"  # noqa: S105  (a header name)


class MockError(RuntimeError):
    """The mock did not do what the harness asked: a harness or mock problem, not the client's."""


class MockUnavailable(MockError):
    """There is no usable mock at the URL given (nothing listening, no admin API, a token missing)."""


def sign_headers(creds: Credentials, method: str, path: str, query: str, body: str, ts: int) -> dict[str, str]:
    """Bitget V2 auth headers, written here from the spec so the observer never shares a client's bugs."""
    prehash = f"{ts}{method}{path}{'?' + query if query else ''}{body}".encode()
    sign = base64.b64encode(hmac.new(creds.secret_key.encode(), prehash, hashlib.sha256).digest()).decode()
    return {"ACCESS-KEY": creds.api_key, "ACCESS-SIGN": sign, "ACCESS-TIMESTAMP": str(ts),
            "ACCESS-PASSPHRASE": creds.passphrase, "Content-Type": "application/json"}


class MockClock:
    """The mock's clock, moved through `/_mock/clock`: system time plus `offset_ms`, or frozen."""

    def __init__(self, mock: RemoteMock) -> None:
        self._mock = mock
        self.offset_ms = 0

    def now_ms(self) -> int:
        return int(self._mock.admin("GET", "/clock")["now"])

    def shift(self, ms: int) -> None:
        self.offset_ms += ms
        self._mock.admin("POST", "/clock", {"offset": self.offset_ms})

    def freeze(self) -> int:
        """Stop the clock where it is now; the time it stopped at."""
        return int(self._mock.admin("POST", "/clock", {"advance": 0})["now"])

    def restore(self) -> None:
        """System time again, no offset."""
        self.offset_ms = 0
        self._mock.admin("POST", "/clock", {"offset": 0})


class RemoteMock:
    """A mock already running at `url`: the account `UID` with a trading key, a read-only key and the
    harness's own observer key (installed after each reset); admin calls; observation of orders without
    going through the client. The mock should serve this run alone: its journal is the evidence."""

    installs_account = True  # a mock started elsewhere does not know the harness's account

    def __init__(self, url: str, *, admin_token: str | None = None) -> None:
        self._url = url.rstrip("/")
        self._admin_headers = {ADMIN_TOKEN_HEADER: admin_token} if admin_token else {}
        self._http: httpx.Client | None = None
        self.clock = MockClock(self)
        self.uid = UID
        self.credentials = TRADER
        self.read_only = READ_ONLY
        self.secrets = tuple(s for creds, _ in KEYS for s in (creds.secret_key, creds.passphrase))

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> RemoteMock:
        try:
            self._http = httpx.Client(base_url=self._url, timeout=10.0)
        except (httpx.InvalidURL, TypeError) as exc:
            raise MockUnavailable(f"--base-url {self._url!r} is not a URL: {exc}") from None
        try:
            self._probe()
        except MockUnavailable:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.close()
        self._http = None

    def __enter__(self) -> RemoteMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _probe(self) -> None:
        """Make sure a bitget-mock with a usable admin API answers at the URL; MockUnavailable says why not."""
        where = f"{self._url}/_mock/health"
        try:
            response = self.http.get("/_mock/health", headers=self._admin_headers)
        except httpx.HTTPError as exc:
            raise MockUnavailable(f"no mock answers at {self._url} ({type(exc).__name__}: {exc}); start one with "
                                  "`mock-exchange serve`") from None
        if response.status_code == 401:
            raise MockUnavailable(f"the mock at {self._url} requires its admin token: pass --admin-token or set "
                                  "MOCK_EXCHANGE_ADMIN_TOKEN" if not self._admin_headers else
                                  f"the mock at {self._url} refused the admin token given")
        if response.status_code == 403:
            raise MockUnavailable(f"the mock at {self._url} refuses admin calls from this address (only loopback "
                                  "callers may use it without a token): start it with --admin-token")
        try:
            healthy = response.status_code == 200 and response.json().get("status") == "ok"
        except ValueError:
            healthy = False
        if not healthy:
            raise MockUnavailable(f"{where} answered HTTP {response.status_code}, not a bitget-mock admin API: is "
                                  f"{self._url} a mock started with `mock-exchange serve`?")

    @property
    def url(self) -> str:
        return self._url

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            raise RuntimeError("the mock is not running")
        return self._http

    # -- admin API -------------------------------------------------------------------------------
    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """One admin call; raises MockError unless it answers 2xx."""
        try:
            response = self.http.request(method, "/_mock" + path, json=body, headers=self._admin_headers)
        except httpx.HTTPError as exc:
            raise MockError(f"{method} /_mock{path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise MockError(f"{method} /_mock{path}: HTTP {response.status_code} {response.text[:200]}")
        return response.json()

    def reset(self) -> None:
        """Seeded state, empty journal, no faults, no limiter counters; the clock back to system time."""
        self.clock.restore()
        self.admin("POST", "/reset")
        if self.installs_account:
            self._install_account()

    def _install_account(self) -> None:
        self.admin("POST", "/accounts", {"uid": self.uid, "balances": BALANCES})
        for creds, permissions in KEYS:
            self.admin("POST", f"/accounts/{self.uid}/api-keys",
                       {"apiKey": creds.api_key, "secretKey": creds.secret_key, "passphrase": creds.passphrase,
                        "permissions": list(permissions)})

    def now_ms(self) -> int:
        """The mock's clock."""
        return self.clock.now_ms()

    def journal(self) -> list[JournalEntry]:
        """Requests since the last reset, oldest first, without the harness's own observations."""
        entries = self.admin("GET", "/journal?limit=5000")["entries"]
        return [e for e in reversed(entries) if e.get("key") != OBSERVER.api_key]

    def clear_journal(self) -> None:
        self.admin("DELETE", "/journal")

    def set_balances(self, balances: dict[str, str]) -> None:
        self.admin("PUT", f"/accounts/{self.uid}/balances", balances)

    def balances(self) -> dict[str, dict[str, str]]:
        """coin -> {available, frozen} of the spot wallet, as the mock holds it."""
        return dict(self.admin("GET", f"/accounts/{self.uid}")["balances"].get("spot", {}))

    def add_faults(self, *rules: dict[str, Any]) -> list[dict[str, Any]]:
        """Add fault rules; every active rule as the mock shows it (with its id)."""
        return list(self.admin("POST", "/faults", {"rules": list(rules)})["rules"])

    def clear_faults(self) -> None:
        self.admin("DELETE", "/faults")

    def rate_limits_enabled(self) -> bool:
        return bool(self.admin("GET", "/limits?ip=127.0.0.1").get("enabled"))

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
        """The mock's ticker for `symbol` as it stands (`now_ms`: the time the checks judge it at, which is
        the mock's clock whenever the clock is frozen, as the DATA checks keep it)."""
        return dict(self.observe("/api/v2/spot/market/tickers", f"symbol={quote(symbol)}")[0])

    def book(self, symbol: str, now_ms: int) -> dict[str, Any]:
        """The mock's order book (Bitget's `data`: bids and asks as [price, size] strings), as `ticker`."""
        return dict(self.observe("/api/v2/spot/market/orderbook", f"symbol={quote(symbol)}&limit=150"))


class MockServer(RemoteMock):
    """A mock the harness starts in-process on 127.0.0.1 and a free port, seeded with the account and keys
    (so no installation after a reset), on `clock` (system time unless a test brings virtual time). Its
    market is read from its state (a pure function of time), which sends no request."""

    installs_account = False

    def __init__(self, *, seed: int = 42, clock: Clock | None = None, rate_limits: str = "bitget") -> None:
        keys = tuple(KeySeed(c.api_key, c.secret_key, c.passphrase, frozenset(p)) for c, p in KEYS)
        config = Config(port=0, seed=seed, base_clock=clock, demo_account=False, rate_limits=rate_limits,
                        access_log=False, journal_size=5000)
        self.app: MockExchange = create_app(config, [AccountSeed(UID, dict(BALANCES), keys)])
        self._thread: ServerThread | None = None
        super().__init__("http://127.0.0.1")

    def start(self) -> MockServer:
        self._thread = ServerThread(self.app).__enter__()
        self._url = self._thread.url
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        if self._thread is not None:
            self._thread.__exit__(None, None, None)
        self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    @property
    def url(self) -> str:
        if self._thread is None:
            raise RuntimeError("the mock is not running")
        return self._url

    def ticker(self, symbol: str, now_ms: int) -> dict[str, str]:
        market = self.app.services.exchange.market
        return dict(ticker_view(market.ticker(market.symbol(symbol), now_ms)))

    def book(self, symbol: str, now_ms: int) -> dict[str, Any]:
        market = self.app.services.exchange.market
        book = market.book(market.symbol(symbol), now_ms)
        return {side: [[format(lv.price, "f"), format(lv.size, "f")] for lv in levels]
                for side, levels in (("bids", book.bids), ("asks", book.asks))}
