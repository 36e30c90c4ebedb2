"""The reference client's WebSocket (`client.ws.BitgetSocket`, async) behind the harness's synchronous
`Socket`: one event loop in a thread of its own per socket, stopped on close."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from client.ws import BitgetSocket, SocketError

from .base import Credentials
from .socket import Level, Socket

T = TypeVar("T")
CALL_TIMEOUT_S = 15.0


class ReferenceSocket(Socket):
    def __init__(self, url: str, credentials: Credentials | None, clock: Callable[[], int],
                 ping_interval: float = 25.0, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="reference-socket", daemon=True)
        self._thread.start()
        creds: dict[str, Any] = {}
        if credentials is not None:
            creds = {"api_key": credentials.api_key, "secret_key": credentials.secret_key,
                     "passphrase": credentials.passphrase}
        self.ws = BitgetSocket(url, clock=clock, ping_interval=ping_interval, **creds, **options)
        try:
            self._call(self.ws.connect())
        except BaseException:
            self._stop()
            raise
        self._pending: concurrent.futures.Future[Any] | None = None

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = CALL_TIMEOUT_S) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def subscribe(self, *args: dict[str, str]) -> None:
        self._call(self.ws.subscribe(*args))

    def recv(self, timeout_s: float) -> dict[str, Any] | None:
        # one recv in flight at a time: a timed-out one stays pending and its message is the next answer
        if self._pending is None:
            self._pending = asyncio.run_coroutine_threadsafe(self._recv(), self._loop)
        done, _ = concurrent.futures.wait([self._pending], timeout_s)
        if not done:
            return None
        pending, self._pending = self._pending, None
        message: dict[str, Any] = pending.result()
        return message

    async def _recv(self) -> dict[str, Any]:
        try:
            return await self.ws.recv()
        except SocketError as exc:
            return {"event": "error", "code": exc.code, "arg": exc.arg, "msg": str(exc)}

    def book(self, inst_type: str, inst_id: str) -> tuple[list[Level], list[Level]] | None:
        found = self.ws.books.get((inst_type.upper(), "BOOKS", inst_id.upper(), ""))
        if found is None or not found.ready:
            return None
        return found.bids, found.asks

    def close(self) -> None:
        try:
            if self._pending is not None:
                self._pending.cancel()
            with contextlib.suppress(Exception):
                self._call(self.ws.close(), timeout=5.0)
        finally:
            self._stop()

    def _stop(self) -> None:
        async def cancel_all() -> None:
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(cancel_all(), self._loop).result(5.0)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5.0)
        if not self._thread.is_alive():
            self._loop.close()
