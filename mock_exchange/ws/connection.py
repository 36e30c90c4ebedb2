"""One WebSocket connection's state: its subscriptions, login, message counters and bounded send queue.

Pushes are queued from state events (synchronously, from whatever thread changed the state) and sent
by the connection's own writer task; the queue has a cap, and a client that lets it fill is closed.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from itertools import count

from .limits import WsLimits
from .protocol import Topic

_ids = count(1)
NORMAL, POLICY, TOO_BIG, GOING_AWAY = 1000, 1008, 1009, 1001


def moving_window_full(times: deque[int], now: int, window_ms: int, limit: int) -> bool:
    """True when `limit` events already happened in (now - window, now]; else counts this one.

    The same half-open moving window as the REST limiter (docs/rules.md#rate-limits)."""
    while times and times[0] <= now - window_ms:
        times.popleft()
    if len(times) >= limit:
        return True
    times.append(now)
    return False


@dataclass(eq=False)
class Connection:
    ip: str
    private: bool
    opened_ms: int
    limits: WsLimits
    loop: asyncio.AbstractEventLoop
    id: int = field(default_factory=lambda: next(_ids))
    uid: str | None = None
    api_key: str | None = None
    last_ping_ms: int = 0
    pings: int = 0  # text pings received (the admin view shows them: the harness's keep-alive check)
    subs: dict[Topic, bytes] = field(default_factory=dict)  # topic -> its arg as sent, serialised once
    messages: deque[int] = field(default_factory=deque)
    subscribes: deque[int] = field(default_factory=deque)
    outbox: deque[bytes] = field(default_factory=deque)
    held: list[tuple[int, bytes]] = field(default_factory=list)  # delayed pushes: (due ms, message)
    swap: bytes | None = None  # a push held back to be sent after the next one (reorder fault)
    # futures `account`/`positions` topic -> the data last pushed on it (mark moves push only a change)
    futures_last: dict[Topic, bytes] = field(default_factory=dict)
    close_code: int | None = None
    close_reason: str = ""
    flush: bool = True  # send what is queued before closing
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.last_ping_ms = self.opened_ms

    @property
    def closing(self) -> bool:
        return self.close_code is not None

    def send(self, message: bytes) -> None:
        """Queue one message; past the cap the client is not reading: close without flushing."""
        if self.closing:
            return
        if len(self.outbox) >= self.limits.send_queue:
            self.close(POLICY, "send queue full", flush=False)
            return
        self.outbox.append(message)
        self._notify()

    def close(self, code: int, reason: str = "", flush: bool = True) -> None:
        if self.closing:
            return
        self.close_code, self.close_reason, self.flush = code, reason, flush
        self._notify(self.done)
        self._notify()

    def client_gone(self) -> None:
        self.close(NORMAL, "client closed", flush=False)

    def _notify(self, event: asyncio.Event | None = None) -> None:
        target = self.wake if event is None else event
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            target.set()
        elif not self.loop.is_closed():  # state changed from another thread (tests driving state directly)
            self.loop.call_soon_threadsafe(target.set)

    def view(self) -> dict[str, object]:
        """The admin API's description of the connection (no secrets: the key's id only)."""
        return {"id": self.id, "ip": self.ip, "path": "/v2/ws/private" if self.private else "/v2/ws/public",
                "openedMs": self.opened_ms, "uid": self.uid, "apiKey": self.api_key,
                "channels": len(self.subs), "queued": len(self.outbox), "pings": self.pings,
                "lastPingMs": self.last_ping_ms}
