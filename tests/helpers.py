"""Shared test helpers: an app on a manual clock with known credentials, an independent signer, THE way to
drive an app in-process (`call` / `InProcess`, raw ASGI: bytes reach it as sent), and `VirtualTime`.

The signer here is written from the spec alone (docs/rules.md#signing), not imported from the
server or the client, so a bug in either cannot hide in the tests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import math
import threading
from typing import Any
from urllib.parse import quote

from mock_exchange.app import MockExchange, create_app
from mock_exchange.config import Config
from mock_exchange.state.seed import AccountSeed, KeySeed

NOW = 1_795_465_233_000
UID = "1000000001"
API_KEY = "bg_test_key"
SECRET = "test_secret"
PASSPHRASE = "test_pass"
ALL_PERMISSIONS = frozenset({"read", "spot_trade", "margin_trade", "contract_trade", "transfer", "withdraw"})
BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500", "USDC": "100000"}


def seed_accounts(permissions: frozenset[str] = ALL_PERMISSIONS, ips: tuple[str, ...] = ()) -> list[AccountSeed]:
    key = KeySeed(API_KEY, SECRET, PASSPHRASE, permissions, ips)
    return [AccountSeed(UID, dict(BALANCES), (key,))]


def make_app(now_ms: int = NOW, accounts: list[AccountSeed] | None = None, **config: Any) -> MockExchange:
    """A mock on a manual clock at `now_ms` with one account holding the capture credentials."""
    cfg = Config(manual_clock=True, clock_start_ms=now_ms, **config)
    return create_app(cfg, accounts if accounts is not None else seed_accounts())


def sign(secret: str, prehash: str | bytes) -> str:
    message = prehash.encode("utf-8") if isinstance(prehash, str) else prehash
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode()


def signed_headers(method: str, path: str, query: str = "", body: str = "", ts: int = NOW,
                   api_key: str = API_KEY, secret: str = SECRET, passphrase: str = PASSPHRASE) -> dict[str, str]:
    """Headers for a request signed with the spec's rule over exactly what will be sent."""
    prehash = f"{ts}{method.upper()}{path}{'?' + query if query else ''}{body}"
    headers = {
        "ACCESS-KEY": api_key,
        "ACCESS-SIGN": sign(secret, prehash),
        "ACCESS-TIMESTAMP": str(ts),
        "ACCESS-PASSPHRASE": passphrase,
    }
    if method.upper() == "POST":
        headers["Content-Type"] = "application/json"
    return headers


class Answer:
    """What an ASGI app answered: status, headers (lower-case names), raw body, and the JSON.
    `status_code` and `text` as httpx names them, so tests read it as they would a response."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def status_code(self) -> int:
        return self.status

    @property
    def content(self) -> bytes:
        return self.body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str:
        return str(self.json()["code"])


async def asgi_call(app: Any, method: str, path: str, raw_query: bytes = b"",
                    headers: list[tuple[bytes, bytes]] | None = None, body: bytes = b"",
                    client: tuple[str, int] = ("127.0.0.1", 50000),
                    raw_path: bytes | None = None, chunks: list[bytes] | None = None) -> Answer:
    """Call the app with a hand-built scope, so path, query and body reach it byte for byte."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": raw_path if raw_path is not None else path.encode("utf-8"),
        "query_string": raw_query, "root_path": "", "client": client,
        "headers": [(k.lower(), v) for k, v in headers or []],  # servers hand ASGI lower-case names
        "server": ("127.0.0.1", 8080),
    }
    pending = list(chunks) if chunks is not None else [body]  # the body as one message, or as `chunks`
    started: dict[str, Any] = {}
    answer: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return {"type": "http.request", "body": pending.pop(0), "more_body": bool(pending)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            answer.append(message.get("body", b""))

    await app(scope, receive, send)
    hdrs = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in started.get("headers", [])}
    return Answer(int(started.get("status", 0)), hdrs, b"".join(answer))


def call(app: Any, method: str, path: str, raw_query: bytes = b"", headers: dict[str, str] | None = None,
         body: bytes | str = b"", **kw: Any) -> Answer:
    """Synchronous `asgi_call` with a dict of headers."""
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    data = body.encode("utf-8") if isinstance(body, str) else body
    return asyncio.run(asgi_call(app, method, path, raw_query, raw_headers, data, **kw))


class InProcess:
    """Plain HTTP calls on an app in-process, through `call` (no server, no httpx): what every test that
    talks to the mock's API or admin API uses. `path` may carry its query ("/x?a=1")."""

    def __init__(self, app: Any, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self.app = app
        self.client = client

    def request(self, method: str, path: str, *, json_body: Any = None, content: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        target, _, query = path.partition("?")
        hdrs = dict(headers or {})
        body: bytes | str = b"" if content is None else content
        if json_body is not None:
            body = json.dumps(json_body)
            hdrs.setdefault("content-type", "application/json")
        # as an HTTP client sends a URL: non-ASCII and spaces percent-encoded (UTF-8), the rest as written
        raw_query = quote(query, safe="!#$%&'()*+,/:;=?@[]~").encode("ascii")
        return call(self.app, method, target, raw_query, hdrs, body, client=self.client)

    def get(self, path: str, headers: dict[str, str] | None = None, **_: Any) -> Answer:
        return self.request("GET", path, headers=headers)  # never follows redirects (the mock sends none)

    def post(self, path: str, json: Any = None, content: bytes | str | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        return self.request("POST", path, json_body=json, content=content, headers=headers)

    def put(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Answer:
        return self.request("PUT", path, json_body=json, headers=headers)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("DELETE", path, headers=headers)


class VirtualTime:
    """A clock in ms whose sleeps advance it, so nobody waits: a mock app's own clock when given one,
    else a counter of its own (thread-safe: harness runs call it from several threads).

    `min_sleep_ms`: the least a sleep moves time (1 for loops that sleep(0) between polls)."""

    def __init__(self, app: Any = None, start: int = NOW, min_sleep_ms: int = 0) -> None:
        self.app = app
        self._now = start
        self._lock = threading.Lock()
        self.min_sleep_ms = min_sleep_ms
        self.slept: list[float] = []

    def now(self) -> int:
        if self.app is not None:
            return int(self.app.services.clock.now_ms())
        with self._lock:
            return self._now

    now_ms = now

    def advance(self, ms: int) -> None:
        if self.app is not None:
            self.app.services.clock.advance(ms)
            return
        with self._lock:
            self._now += ms

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(self.min_sleep_ms, math.ceil(seconds * 1000)))

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
