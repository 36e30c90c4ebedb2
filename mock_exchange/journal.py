"""A bounded ring buffer of requests, their answers and verdicts; what it shows has every secret masked."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, NotRequired, TypedDict
from urllib.parse import quote

from starlette.types import Message, Receive, Scope, Send

BODY_LIMIT = 4096  # bytes of a request or answer body kept (and shown) per entry
MASK = "***"
# headers whose value is a credential whatever it holds
SECRET_HEADERS = frozenset({b"access-passphrase", b"x-mock-admin-token", b"authorization", b"cookie"})


class JournalEntry(TypedDict):
    """One request as the journal shows it (`GET /_mock/journal`, the harness's reports)."""

    ts: int  # arrival on the mock's clock, ms
    method: str
    path: str
    query: str  # the raw query string as sent (latin-1), secrets masked
    ip: str
    status: int | None  # None: no answer was sent (dropped by a fault, client gone)
    code: str | None  # the Bitget code answered ("00000", "40009", "429", ...)
    uid: str | None
    key: str | None  # the ACCESS-KEY presented
    apiKey: str | None  # the key that verified (None when verification failed)
    bucket: str | None  # the rate-limit bucket counted
    prehash: NotRequired[str]  # on a refused signature: what the mock signed (JSON-escaped)
    fault: NotRequired[str]  # the id of the injected fault that acted
    paptrading: NotRequired[str]
    headers: NotRequired[list[list[str]]]  # [name, value] in the order sent, secrets masked
    body: NotRequired[str]  # the request body (first BODY_LIMIT bytes, UTF-8), secrets masked
    bodyBytes: NotRequired[int]  # its full length
    answer: NotRequired[str]  # the answer body as sent (first BODY_LIMIT bytes)
    answerBytes: NotRequired[int]


# What a request leaves in the ring: the entry's plain fields plus the raw headers and bodies under
# private keys. Recording must cost next to nothing per request, so the masking and decoding happen when
# the journal is read, which only the admin API does.
_RAW = ("_headers", "_body", "_answer")


class Journal:
    def __init__(self, size: int = 1000, secrets: Callable[[], Iterable[str]] = tuple) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=max(1, size))
        self._secrets = secrets  # every secret key and passphrase the mock knows, masked wherever they appear
        # one entry per request: the deque's own append, without a method around it
        self.record: Callable[[dict[str, Any]], None] = self._entries.append

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

    def view(self, entry: dict[str, Any]) -> JournalEntry:
        shown: dict[str, Any] = {k: v for k, v in entry.items() if k not in _RAW}
        shown["query"] = self.text(str(entry.get("query", "")))
        headers = entry.get("_headers")
        if headers is not None:
            shown["headers"] = [[name.decode("latin-1"),
                                 MASK if name.lower() in SECRET_HEADERS else self.text(value.decode("latin-1"))]
                                for name, value in headers]
        for key in ("body", "answer"):
            raw = entry.get("_" + key)
            if raw is not None:
                shown[key] = self.text(bytes(raw).decode("utf-8", "replace"))
        return shown  # type: ignore[return-value]  # built key by key above


class JournalMiddleware:
    """Outermost layer of the API: opens the request's journal entry and records it when the request ends.

    Inner layers fill `scope["mock"]`: whoever answers sets `status` and `code` (the dispatcher, the
    global limit, an injected fault), the dispatcher also uid, apiKey, limit bucket, prehash and the request
    body (`keep_body`, once it has read it). This layer keeps the raw headers and the answer body (bounded)
    for the journal to show masked.
    A request that got no answer (dropped by a fault, client gone) keeps status None.
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
            "_headers": scope["headers"],
        }

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                keep_body(info, "_answer", message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.journal.record(info)


def keep_body(info: dict[str, Any], key: str, chunk: bytes) -> None:
    """Add `chunk` to the raw `key` ("_body" or "_answer") of a journal entry, keeping at most BODY_LIMIT
    bytes but counting them all."""
    count = key[1:] + "Bytes"
    info[count] = info.get(count, 0) + len(chunk)
    kept = info.get(key)
    if kept is None:
        info[key] = chunk[:BODY_LIMIT]  # the chunk itself when it fits: no copy
    elif len(kept) < BODY_LIMIT:
        info[key] = kept + chunk[: BODY_LIMIT - len(kept)]
