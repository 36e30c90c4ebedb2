"""Shared helpers for the WebSocket tests: a real mock server on a manual clock, sync socket clients,
and a ping barrier (a `pong` proves every push queued before it has been received)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from mock_exchange.app import MockExchange
from mock_exchange.pytest_plugin import ServerThread

from .helpers import API_KEY, NOW, PASSPHRASE, SECRET, make_app, seed_accounts, sign

# generous message and subscription limits: on a manual clock every message lands on the same ms
ROOMY = {"messages": "100000", "subscribes": "100000", "attempts": "100000"}
TICKER = {"instType": "SPOT", "channel": "ticker", "instId": "BTCUSDT"}
BOOKS = {"instType": "SPOT", "channel": "books", "instId": "BTCUSDT"}


@dataclass
class Mock:
    app: MockExchange
    port: int
    client: httpx.Client  # one client: building one per request costs ~90 ms (its SSL context)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws(self, private: bool = False, **kwargs: Any) -> ClientConnection:
        return connect(f"ws://127.0.0.1:{self.port}/v2/ws/{'private' if private else 'public'}",
                       open_timeout=5, **kwargs)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.client.request(method, f"{self.http}/_mock{path}", json=body)
        return answer.json()

    def advance(self, ms: int) -> int:
        return int(self.admin("POST", "/clock", {"advance": ms})["now"])

    def now(self) -> int:
        return int(self.admin("GET", "/clock")["now"])


@contextmanager
def running_mock(**ws_limits: str) -> Iterator[Mock]:
    app = make_app(accounts=seed_accounts(ips=()), rate_limits="off", ws_limits={**ROOMY, **ws_limits})
    with ServerThread(app) as server, httpx.Client(timeout=5) as client:
        yield Mock(app, server.port, client)


def no_connections(mock: Mock, timeout_s: float = 5.0) -> None:
    """Wait until the server has finished closing every socket (it does so after the client's close)."""
    deadline = time.monotonic() + timeout_s
    while mock.admin("GET", "/ws/connections")["connections"]:
        if time.monotonic() > deadline:
            raise AssertionError("sockets still open on the server")
        time.sleep(0.01)


def send(ws: ClientConnection, body: Any) -> None:
    ws.send(body if isinstance(body, str) else json.dumps(body))


def until_pong(ws: ClientConnection, timeout: float = 5) -> list[Any]:
    """Send `ping`; everything received before the `pong` (parsed). Pushes are queued in order, so
    what the server had queued when it read the ping is all here."""
    ws.send("ping")
    out: list[Any] = []
    while True:
        raw = ws.recv(timeout=timeout)
        if raw == "pong":
            return out
        out.append(json.loads(raw))


def login(ws: ClientConnection, now_ms: int = NOW, api_key: str = API_KEY, secret: str = SECRET,
          passphrase: str = PASSPHRASE, timestamp: Any = None) -> dict[str, Any]:
    ts = str(now_ms // 1000) if timestamp is None else timestamp
    send(ws, {"op": "login", "args": [{"apiKey": api_key, "passphrase": passphrase, "timestamp": ts,
                                       "sign": sign(secret, f"{ts}GET/user/verify")}]})
    reply: dict[str, Any] = json.loads(ws.recv(timeout=5))
    return reply


def subscribe(ws: ClientConnection, *args: dict[str, Any]) -> list[Any]:
    """Subscribe; the acks, errors and snapshots that came back."""
    send(ws, {"op": "subscribe", "args": list(args)})
    return until_pong(ws)


def signed_post(mock: Mock, path: str, body: dict[str, Any]) -> Any:
    from .helpers import signed_headers

    raw = json.dumps(body, separators=(",", ":"))
    ts = mock.now()
    return mock.client.post(mock.http + path, content=raw, headers=signed_headers("POST", path, body=raw, ts=ts)).json()


def rest_book(mock: Mock, symbol: str = "BTCUSDT") -> dict[str, Any]:
    answer = mock.client.get(f"{mock.http}/api/v2/spot/market/orderbook",
                             params={"symbol": symbol, "limit": "150"}).json()
    data: dict[str, Any] = answer["data"]
    return data


def signed_get(mock: Mock, path: str, query: str = "") -> Any:
    from .helpers import signed_headers

    url = mock.http + path + ("?" + query if query else "")
    return mock.client.get(url, headers=signed_headers("GET", path, query=query, ts=mock.now())).json()
