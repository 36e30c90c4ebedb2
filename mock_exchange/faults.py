"""Fault injection: rules set through /_mock/faults that make the API misbehave on purpose.

A rule matches a request by path glob (fnmatch) and optionally method and API key; it fires
`count` times then expires, or with a `probability` drawn from a seeded generator, or always.
What it does (`kind`):

    status     answer `status` (default 503) with a Bitget envelope carrying `code`
    delay      wait `delay` ms (fixed, or [min, max]) and then answer normally
    malformed  answer 200 (or `status`) with a body that is not valid JSON
    truncated  answer the response (or a success envelope) cut short: valid HTTP, half the JSON
    html       answer `status` (default 502) with a proxy's HTML error page
    drop       close the connection without any answer

`phase` "before" (default) acts before the handler runs, so nothing changed; "after" lets the
handler run (the order IS placed) and then replaces or drops its answer. Any kind may also carry
a `delay`. The sleep is injectable (`Faults.sleep`), so tests never wait for real.
"""

from __future__ import annotations

import asyncio
import fnmatch
import http
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from . import envelope
from .asgi import send_json
from .errors import ERRORS, RATE_LIMITED, SYSTEM_ERROR, BitgetError, invalid, missing
from .journal import JournalEntry, note_answer

KINDS = ("status", "delay", "malformed", "truncated", "html", "drop")
PHASES = ("before", "after")
METHODS = ("GET", "POST", "PUT", "DELETE")
MAX_RULES = 100
MAX_DELAY_MS = 60_000
_FIELDS = frozenset({"path", "kind", "method", "apiKey", "status", "code", "msg", "delay", "count",
                     "probability", "phase"})
_DEFAULT_STATUS = {"status": 503, "html": 502, "malformed": 200, "truncated": 200}
MALFORMED_BODY = b'{"code":"00000","msg":"success","requestTime":,"data":{"orderId":1234"}'


class ConnectionDropped(Exception):
    """Raised where the server's transport cannot be reached (in-process clients): the caller sees
    the request fail without an answer, as a dropped connection would."""


@dataclass
class Rule:
    id: int
    path: str
    kind: str
    phase: str = "before"
    method: str | None = None
    api_key: str | None = None
    status: int = 200
    code: str = SYSTEM_ERROR
    msg: str | None = None
    delay: tuple[int, int] | None = None
    count: int | None = None  # firings left; None = unlimited
    probability: float | None = None
    fired: int = 0

    def matches(self, method: str, path: str, api_key: str | None) -> bool:
        return ((self.method is None or self.method == method)
                and (self.api_key is None or self.api_key == api_key)
                and fnmatch.fnmatchcase(path, self.path))

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": self.path, "kind": self.kind, "phase": self.phase, "method": self.method,
            "apiKey": self.api_key, "status": self.status, "code": self.code, "msg": self.msg,
            "delay": list(self.delay) if self.delay else None, "count": self.count,
            "probability": self.probability, "fired": self.fired,
        }


def _int(body: dict[str, Any], name: str, lo: int, hi: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise invalid(name)
    return value


def _text(body: dict[str, Any], name: str, options: tuple[str, ...] | None = None) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 512:
        raise invalid(name)
    if options is not None:
        if value.lower() not in {o.lower() for o in options}:
            raise invalid(name)
        return next(o for o in options if o.lower() == value.lower())
    return value


def parse_rule(body: Any, rule_id: int) -> Rule:
    """One rule from its JSON object, strictly: unknown fields and bad values are 40020."""
    if not isinstance(body, dict):
        raise invalid("rules")
    unknown = set(body) - _FIELDS
    if unknown:
        raise invalid(sorted(unknown)[0])
    path = _text(body, "path")
    kind = _text(body, "kind", KINDS)
    if path is None:
        raise missing("path")
    if kind is None:
        raise missing("kind")
    rule = Rule(rule_id, path, kind, _text(body, "phase", PHASES) or "before",
                _text(body, "method", METHODS), _text(body, "apiKey"))
    rule.status = _int(body, "status", 100, 599) or _DEFAULT_STATUS.get(kind, 200)
    code = body.get("code", RATE_LIMITED if rule.status == 429 else SYSTEM_ERROR)
    if not isinstance(code, str) or code not in ERRORS:
        raise invalid("code")
    rule.code = code
    msg = body.get("msg")
    if msg is not None and (not isinstance(msg, str) or len(msg) > 512):
        raise invalid("msg")
    rule.msg = msg
    delay = body.get("delay")
    if isinstance(delay, list):
        if (len(delay) != 2 or any(isinstance(d, bool) or not isinstance(d, int) for d in delay)
                or not 0 <= delay[0] <= delay[1] <= MAX_DELAY_MS):
            raise invalid("delay")
        rule.delay = (delay[0], delay[1])
    elif delay is not None:
        fixed = _int(body, "delay", 0, MAX_DELAY_MS) or 0
        rule.delay = (fixed, fixed)
    elif kind == "delay":
        raise missing("delay")
    rule.count = _int(body, "count", 1, 1_000_000)
    probability = body.get("probability")
    if probability is not None:
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 < probability <= 1:
            raise invalid("probability")
        rule.probability = float(probability)
    return rule


class Faults:
    """The active rules of one mock, with their own seeded generator and an injectable sleep."""

    def __init__(self, seed: int = 0, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.seed = seed
        self.sleep = sleep
        self.rules: list[Rule] = []
        self.clear()

    def clear(self) -> None:
        self.rules = []
        self.rng = random.Random(self.seed)
        self._next_id = 1

    def add(self, body: Any) -> list[dict[str, Any]]:
        """Validate every rule of `{"rules": [...]}` before adding any; returns the active rules."""
        if not isinstance(body, dict) or set(body) != {"rules"} or not isinstance(body["rules"], list):
            raise invalid("rules")
        if not body["rules"] or len(self.rules) + len(body["rules"]) > MAX_RULES:
            raise invalid("rules")
        parsed = [parse_rule(raw, self._next_id + i) for i, raw in enumerate(body["rules"])]
        self._next_id += len(parsed)
        self.rules.extend(parsed)
        return self.active()

    def active(self) -> list[dict[str, Any]]:
        return [r.view() for r in self.rules]

    def pick(self, method: str, path: str, api_key: str | None) -> Rule | None:
        """The first matching rule that fires for this request; counts it, expires it when spent."""
        for rule in self.rules:
            if not rule.matches(method, path, api_key):
                continue
            if rule.probability is not None and self.rng.random() >= rule.probability:
                continue
            rule.fired += 1
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None

    def delay_seconds(self, rule: Rule) -> float:
        if rule.delay is None:
            return 0.0
        lo, hi = rule.delay
        return (lo if lo == hi else self.rng.randint(lo, hi)) / 1000.0


class FaultsMiddleware:
    """Plain ASGI: applies the first firing rule around the dispatcher; a no-op when no rule is set."""

    def __init__(self, app: Any, faults: Faults, clock: Any) -> None:
        self.app = app
        self.faults = faults
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults = self.faults
        rule = None
        if faults.rules:
            api_key = next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"access-key"), None)
            rule = faults.pick(scope["method"], scope["path"], api_key)
        if rule is None:
            await self.app(scope, receive, send)
            return
        info: JournalEntry | None = scope.get("mock")
        if info is not None:
            info["fault"] = rule.id
        original: list[Message] = []
        if rule.phase == "after":
            async def keep(message: Message) -> None:
                original.append(message)

            await self.app(scope, receive, keep)
        pause = faults.delay_seconds(rule)
        if pause:
            await faults.sleep(pause)
        if rule.kind == "delay":
            if rule.phase == "after":
                for message in original:
                    await send(message)
            else:
                await self.app(scope, receive, send)
            return
        if rule.kind == "drop":
            if info is not None:
                info["status"] = None  # no answer reaches the client, even one the dispatcher made (after)
                info.pop("_answer", None)
                info.pop("answerBytes", None)
            await _drop(receive)
            return
        if info is not None:
            info["status"] = rule.status
            info["code"] = rule.code if rule.kind == "status" else None
        await self._answer(rule, original, send, info)

    async def _answer(self, rule: Rule, original: list[Message], send: Send, info: JournalEntry | None) -> None:
        now = self.clock.now_ms()
        if rule.kind == "status":
            err = BitgetError(rule.code, msg=rule.msg, status=rule.status)
            await send_json(send, rule.status, envelope.error(err, now), info=info)
        elif rule.kind == "malformed":
            await send_json(send, rule.status, MALFORMED_BODY, info=info)
        elif rule.kind == "truncated":
            body = b"".join(m.get("body", b"") for m in original if m["type"] == "http.response.body")
            body = body or envelope.ok(None, now)
            await send_json(send, rule.status, body[: len(body) // 2], info=info)
        else:  # html
            try:
                title = f"{rule.status} {http.HTTPStatus(rule.status).phrase}"
            except ValueError:
                title = str(rule.status)
            page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>"
                    f"\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()
            if info is not None:
                note_answer(info, page)
            await send({"type": "http.response.start", "status": rule.status,
                        "headers": [(b"content-type", b"text/html"), (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})


async def _drop(receive: Receive) -> None:
    """Close the client's socket without a response. Under uvicorn the transport hangs off the
    request cycle that `receive` is bound to; once it is closed uvicorn sends nothing more."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        raise ConnectionDropped("connection dropped by an injected fault")
    transport.close()
    await asyncio.sleep(0)  # let uvicorn see the connection go before we return
    await asyncio.sleep(0)
