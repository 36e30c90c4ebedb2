"""A bounded ring buffer of requests, their answers and verdicts; what it shows has every secret masked."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict
from urllib.parse import quote

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

BODY_LIMIT = 4096  # bytes of a request or answer body kept (and shown) per entry
MASK = "***"
# headers whose value is a credential whatever it holds
SECRET_HEADERS = frozenset({b"access-passphrase", b"x-mock-admin-token", b"authorization", b"cookie"})


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
    # what a request carried, as shown: headers in the order sent, bodies decoded as UTF-8, all masked
    headers: NotRequired[list[list[str]]]  # [name, value]
    body: NotRequired[str]  # the request body's first BODY_LIMIT bytes
    bodyBytes: NotRequired[int]  # its full length
    answer: NotRequired[str]  # the answer body's first BODY_LIMIT bytes, as sent
    answerBytes: NotRequired[int]
    # the raw forms, kept in the ring only (never shown): recording must cost next to nothing per request,
    # so masking and decoding wait until the journal is read, which only the admin API does
    _headers: NotRequired[list[tuple[bytes, bytes]]]
    _body: NotRequired[bytes]
    _answer: NotRequired[bytes]


_RAW = ("_headers", "_body", "_answer")


class Journal:
    def __init__(self, size: int = 1000, secrets: Callable[[], Iterable[str]] = tuple) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=max(1, size))
        self._secrets = secrets  # every secret key and passphrase the mock knows, masked wherever they appear
        # one entry per request: the deque's own append, without a method around it
        self.record: Callable[[JournalEntry], None] = self._entries.append

    def newest(self, limit: int) -> list[JournalEntry]:
        out: list[JournalEntry] = []
        masker = _Masker(self._secrets())
        for entry in reversed(self._entries):
            if len(out) >= limit:
                break
            out.append(masker.view(entry))
        return out

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class _Masker:
    """Replaces every known secret (raw and percent-encoded) by MASK in what an entry shows."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for s in secrets if len(s) >= 4 for form in (s, quote(s, safe=""), quote(s))}
        self.forms = sorted(forms, key=len, reverse=True)  # longest first: no half-masked secret

    def text(self, value: str) -> str:
        for form in self.forms:
            if form in value:
                value = value.replace(form, MASK)
        return value

    def view(self, entry: JournalEntry) -> JournalEntry:
        shown: dict[str, Any] = {k: v for k, v in entry.items() if k not in _RAW}
        shown["path"] = self.text(entry.get("path", ""))
        shown["query"] = self.text(entry.get("query", ""))
        headers = entry.get("_headers")
        if headers is not None:
            shown["headers"] = [[name.decode("latin-1"),
                                 MASK if name.lower() in SECRET_HEADERS else self.text(value.decode("latin-1"))]
                                for name, value in headers]
        for key in ("body", "answer"):
            raw = entry.get("_" + key)
            if isinstance(raw, bytes | bytearray):
                shown[key] = self.text(bytes(raw).decode("utf-8", "replace"))
        return shown  # type: ignore[return-value]  # built key by key above


def note_answer(info: JournalEntry, body: bytes) -> None:
    """Keep an answer's body in its entry: the first BODY_LIMIT bytes (the bytes object itself when it
    fits: no copy) and its full length. Whoever sends the answer calls this (`asgi.send_json` inlines
    it), so the journal needs no wrapper around `send` on every request."""
    info["_answer"] = body[:BODY_LIMIT]  # the bytes object itself when it fits: no copy
    info["answerBytes"] = len(body)


class JournalMiddleware:
    """Outermost layer of the API: opens the request's journal entry and records it when the request ends.

    Inner layers fill the `JournalEntry` at `scope["mock"]`: whoever answers sets `status`, `code` and
    the answer's body (`note_answer`: the dispatcher, the global limit, an injected fault), the
    dispatcher also uid, apiKey, limit bucket, prehash and the request body (inline in the dispatcher). This layer
    keeps the raw headers. A request that got no answer (dropped by a fault, client gone) keeps status
    None and no answer.
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
            "_headers": scope["headers"],
        }
        scope["mock"] = info
        try:
            await self.app(scope, receive, send)
        finally:
            self.journal.record(info)
