"""A bounded ring buffer of requests and their verdicts. Secrets and passphrases never enter it."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send


class JournalEntry(TypedDict):
    """One request as the mock saw it: what `GET /_mock/journal` lists and the harness judges from.

    Written by the layers a request passes (journal, global limit, faults, dispatcher, endpoint
    limiter), each field by the one layer that knows it. Never a secret: the key's id, never its secret
    or passphrase.
    """

    ts: int  # server time (ms) when the request arrived
    method: str
    path: str
    query: str  # the raw query string as sent (latin-1 decoded bytes)
    ip: str  # the socket's peer address
    status: int | None  # HTTP status of the answer; None when no answer was sent (dropped, client gone)
    code: str | None  # the envelope's code ("00000" on success); None for answers that carry none
    uid: str | None  # the UID of the key that verified
    key: str | None  # the ACCESS-KEY presented, verified or not
    apiKey: str | None  # the key that verified (None when verification failed)
    bucket: str | None  # the rate-limit bucket counted ("<path> uid:<uid>", "global ip:<ip>")
    prehash: NotRequired[str]  # on 40009: the prehash the server computed (JSON-escaped)
    paptrading: NotRequired[str]  # the `paptrading` header, when sent
    fault: NotRequired[int]  # the id of the injected fault that matched
    # socket events (method "WS"): the event, the connection's id, the subscribe arg, the close reason
    ws: NotRequired[str]  # connect | login | subscribe | unsubscribe | error | close
    connection: NotRequired[int]
    arg: NotRequired[Any]
    reason: NotRequired[str]


class Journal:
    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=max(1, size))
        # one entry per request: the deque's own append, without a method around it
        self.record: Callable[[JournalEntry], None] = self._entries.append

    def newest(self, limit: int) -> list[JournalEntry]:
        out: list[JournalEntry] = []
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

    Inner layers fill the `JournalEntry` at `scope["mock"]`: whoever answers sets `status` and `code`
    (the dispatcher, the global limit, an injected fault), the dispatcher also uid, apiKey, limit bucket,
    prehash. A request that got no answer (dropped by a fault, client gone) keeps status None.
    """

    def __init__(self, app: Any, journal: Journal, clock: Any) -> None:
        self.app = app
        self.journal = journal
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        info: JournalEntry = {
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
        scope["mock"] = info
        try:
            await self.app(scope, receive, send)
        finally:
            self.journal.record(info)
