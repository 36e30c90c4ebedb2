"""A small async client for Bitget's V2 WebSocket, on the `websockets` library: login, subscribe,
keep-alive (text `ping` every 25 s), reconnect with resubscribe, and `books` order books whose
checksum is verified (a mismatch resubscribes the book).

    async with BitgetSocket("ws://127.0.0.1:8080/v2/ws/private", api_key=..., secret_key=..., passphrase=...) as ws:
        await ws.subscribe({"instType": "SPOT", "channel": "orders", "instId": "default"})
        message = await ws.recv()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import websockets

from .auth import wall_clock_ms
from .signing import Text, sign_hmac, sign_rsa
from .ws_book import ChecksumMismatch, OrderBook

BATCH = 15  # args per subscribe request (TS-SDK's batch: Bitget bounds a request's size)
LOGIN_PREHASH = "GET/user/verify"
RECEIVE_QUEUE = 1024  # messages received and not yet read
CLOSE_TIMEOUT_S = 2.0


class SocketError(Exception):
    """An error event from the server (`code`, `msg`, and the offending `arg` when there is one)."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__(f"{event.get('code')} {event.get('msg')}")
        self.code = event.get("code")
        self.arg = event.get("arg")


def login_request(api_key: str, passphrase: str, seconds: int, secret_key: str | None = None,
                  rsa_private_key: Text | None = None) -> dict[str, Any]:
    """The login op: sign `seconds + "GET" + "/user/verify"` with the secret (HMAC) or the RSA key."""
    message = f"{seconds}{LOGIN_PREHASH}"
    sign = sign_rsa(rsa_private_key, message) if rsa_private_key is not None else sign_hmac(secret_key or "", message)
    return {"op": "login", "args": [{"apiKey": api_key, "passphrase": passphrase, "timestamp": str(seconds),
                                     "sign": sign}]}


def _key(arg: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(arg.get(k, "")).upper() for k in ("instType", "channel", "instId", "coin"))


class BitgetSocket:
    def __init__(self, url: str, *, api_key: str | None = None, secret_key: str | None = None,
                 passphrase: str | None = None, rsa_private_key: Text | None = None,
                 clock: Callable[[], int] = wall_clock_ms, ping_interval: float = 25.0,
                 reconnect: bool = True, timeout: float = 10.0) -> None:
        self.url = url
        self._creds = (api_key, secret_key, passphrase, rsa_private_key)
        self.clock = clock
        self.ping_interval = ping_interval
        self.reconnect = reconnect
        self.timeout = timeout
        self.args: list[dict[str, Any]] = []  # what is subscribed, resent after a reconnect
        self.books: dict[tuple[str, ...], OrderBook] = {}
        self.reconnects = 0
        self.resyncs = 0  # books resubscribed after a checksum mismatch
        self._ws: Any = None
        self._pinger: asyncio.Task[None] | None = None

    async def __aenter__(self) -> BitgetSocket:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        # a roomy receive queue: subscribing to many channels at once brings a burst of snapshots, and a
        # full queue stops the library reading, so even the closing handshake would wait for its timeout
        self._ws = await websockets.connect(self.url, ping_interval=None, open_timeout=self.timeout,
                                            max_queue=RECEIVE_QUEUE, close_timeout=CLOSE_TIMEOUT_S)
        api_key, secret, passphrase, rsa = self._creds
        if api_key is not None and passphrase is not None:
            await self._send(login_request(api_key, passphrase, self.clock() // 1000, secret, rsa))
            reply = await self._next(self.timeout)
            if reply.get("event") != "login" or reply.get("code") not in (0, "0"):
                raise SocketError(reply)
        if self.args:
            await self._subscribe("subscribe", self.args)
        self._pinger = asyncio.get_running_loop().create_task(self._keep_alive())

    async def close(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def subscribe(self, *args: dict[str, Any]) -> None:
        self.args += [a for a in args if a not in self.args]
        await self._subscribe("subscribe", list(args))

    async def unsubscribe(self, *args: dict[str, Any]) -> None:
        self.args = [a for a in self.args if a not in args]
        for arg in args:
            self.books.pop(_key(arg), None)
        await self._subscribe("unsubscribe", list(args))

    async def recv(self) -> dict[str, Any]:
        """The next event or push (pongs are consumed); `books` pushes are merged into `books` first.

        A dropped connection is reopened (with login and every subscription) when `reconnect` is on."""
        while True:
            try:
                message = await self._next(None)  # a quiet channel is no error: wait on
            except websockets.ConnectionClosed:
                if not self.reconnect:
                    raise
                await self._reopen()
                continue
            if message.get("event") == "error":
                raise SocketError(message)
            arg = message.get("arg") or {}
            if "action" in message and arg.get("channel") == "books":
                book = self.books.setdefault(_key(arg), OrderBook())
                try:
                    for item in message.get("data") or ():
                        book.apply(message["action"], item)
                except ChecksumMismatch:
                    self.resyncs += 1
                    await self._subscribe("unsubscribe", [arg])
                    await self._subscribe("subscribe", [arg])
                    continue
            return message

    # -- internals ------------------------------------------------------------------------
    async def _reopen(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        self.reconnects += 1
        self.books.clear()
        await self.connect()

    async def _subscribe(self, op: str, args: list[dict[str, Any]]) -> None:
        for i in range(0, len(args), BATCH):
            await self._send({"op": op, "args": args[i:i + BATCH]})

    async def _send(self, body: dict[str, Any]) -> None:
        await self._ws.send(json.dumps(body, separators=(",", ":")))

    async def _next(self, timeout: float | None) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), timeout)
            if raw == "pong":
                continue
            parsed: dict[str, Any] = json.loads(raw)
            return parsed

    async def _keep_alive(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            while True:
                await asyncio.sleep(self.ping_interval)
                await self._ws.send("ping")
