"""A bounded ring buffer of requests and their verdicts. Secrets and passphrases never enter it."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.types import Receive, Scope, Send


class Journal:
    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=max(1, size))
        # one entry per request: the deque's own append, without a method around it
        self.record: Callable[[dict[str, Any]], None] = self._entries.append

    def newest(self, limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for entry in reversed(self._entries):
            if len(out) >= limit:
                break
            out.append(entry)
        return out

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class JournalMiddleware:
    """Outermost layer of the API: opens the request's journal entry and records it when the request ends.

    Inner layers fill `scope["mock"]`: whoever answers sets `status` and `code` (the dispatcher, the
    global limit, an injected fault), the dispatcher also uid, apiKey, limit bucket, prehash. Nothing
    put there is secret: the key's id, never its secret or passphrase. A request that got no answer
    (dropped by a fault, client gone) keeps status None.
    """

    def __init__(self, app: Any, journal: Journal, clock: Any) -> None:
        self.app = app
        self.journal = journal
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        scope["mock"] = info = {
            "ts": self.clock.now_ms(),
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "ip": client[0] if client else "",
            "status": None,
            "code": None,
            "uid": None,
            "key": None,  # the ACCESS-KEY presented
            "apiKey": None,  # the key that verified (None when verification failed)
            "bucket": None,
        }
        try:
            await self.app(scope, receive, send)
        finally:
            self.journal.record(info)
