"""Process adapters: a client in any language, driven through a small line-delimited JSON protocol.

The harness starts the adapter's command once per run and talks to it on stdin/stdout, one JSON object
per line (protocol 1, docs/conformance.md "Process adapters"). Each `Adapter` the harness builds (one per
check, more for the checks that use other keys) is one session in that process: `open` makes a fresh
client, `close` drops it, so no client state leaks between checks while the runtime loads only once.

    -> {"v": 1, "id": 3, "session": 2, "op": "fetch_ticker", "args": {"symbol": "BTCUSDT"}}
    <- {"v": 1, "id": 3, "ok": true, "result": {"last": "0.4891", "bid": "0.489", "ask": "0.4892"}}
    <- {"v": 1, "id": 3, "ok": false, "error": {"category": "rate_limit", "type": "RateLimitExceeded",
                                                 "message": "..."}}
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import shlex
import subprocess
import threading
from collections import deque
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from .base import (
    Adapter,
    Balance,
    Credentials,
    ErrorCategory,
    LimitOrder,
    Order,
    OrderBook,
    OrderRef,
    Ticker,
    Unsupported,
)

PROTOCOL = 1
CALL_TIMEOUT_S = 120.0  # one operation, with every retry and back-off the client makes inside it
HELLO_TIMEOUT_S = 30.0  # starting the runtime and loading the client
CCXT_JS = Path(__file__).with_name("ccxt_adapter.js")


class AdapterProcessError(RuntimeError):
    """The adapter process broke the protocol, timed out or exited: nothing the client meant to raise."""


class RemoteError(Exception):
    """An error the client in the adapter process raised, as the process described it. `remote_error`
    gives a subclass named as the process named the error, so reports say `InvalidNonce`, not RemoteError."""

    def __init__(self, message: str, category: ErrorCategory | None) -> None:
        super().__init__(message)
        self.category = category


_KINDS: dict[str, type[RemoteError]] = {}


def remote_error(kind: str, message: str, category: ErrorCategory | None) -> RemoteError:
    name = "".join(ch for ch in kind if ch.isalnum() or ch == "_")[:60] or "Error"
    if not name.isidentifier():
        name = "Error" + name
    cls = _KINDS.setdefault(name, type(name, (RemoteError,), {"__module__": "adapter-process"}))
    return cls(message, category)


class Peer:
    """One running adapter process: requests go out one at a time, each answer is matched by its id."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        try:
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # noqa: S603
                                         stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        except OSError as exc:
            raise AdapterProcessError(f"cannot start {shlex.join(command)}: {exc.strerror or exc}") from None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: deque[str] = deque(maxlen=20)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()
        self.hello: dict[str, Any] = {}

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def _gone(self, what: str) -> AdapterProcessError:
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        tail = " | ".join(self.stderr)
        return AdapterProcessError(f"the adapter process ({shlex.join(self.command)}) {what}"
                                   f"{f', exit code {code}' if code is not None else ''}"
                                   f"{f'; its stderr: {tail[-600:]}' if tail else ''}")

    def call(self, op: str, session: int | None, args: dict[str, Any], timeout: float = CALL_TIMEOUT_S,
             log: list[str] | None = None) -> Any:
        """The `result` of one request; RemoteError for an error the process reports. The lines the client
        logged, which an answer may carry, are appended to `log`."""
        with self.lock:
            rid = next(self.ids)
            line = json.dumps({"v": PROTOCOL, "id": rid, "session": session, "op": op, "args": args},
                              ensure_ascii=False)
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                raise self._gone("is not running") from None
            while True:
                try:
                    raw = self.lines.get(timeout=timeout)
                except queue.Empty:
                    self.stop()
                    raise self._gone(f"did not answer {op} within {timeout:.0f} s") from None
                if raw is None:
                    raise self._gone(f"exited during {op}")
                try:
                    answer = json.loads(raw)
                except ValueError:
                    raise AdapterProcessError(f"the adapter process wrote a line that is not JSON on stdout "
                                              f"(logs belong on stderr): {raw[:200]!r}") from None
                if isinstance(answer, dict) and answer.get("id") == rid:
                    break
        if answer.get("v") != PROTOCOL:
            raise AdapterProcessError(f"the adapter process speaks protocol {answer.get('v')!r}, "
                                      f"the harness {PROTOCOL}")
        if log is not None and isinstance(answer.get("log"), list):
            log.extend(str(line) for line in answer["log"])
        if answer.get("ok"):
            return answer.get("result")
        error = answer.get("error") or {}
        name = str(error.get("category"))
        if name == "unsupported":
            raise Unsupported(op)
        category = ErrorCategory(name) if name in ErrorCategory.__members__.values() else None
        raise remote_error(str(error.get("type", "Error")), str(error.get("message", "")), category)

    def stop(self) -> None:
        if self.alive:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


_PEERS: dict[tuple[str, ...], Peer] = {}
_PEERS_LOCK = threading.Lock()


def peer(command: list[str]) -> Peer:
    """The running process for `command` (started, and greeted, on first use or after it died)."""
    with _PEERS_LOCK:
        running = _PEERS.get(tuple(command))
        if running is not None and running.alive:
            return running
        started = Peer(command)
        try:
            hello = started.call("hello", None, {"protocol": PROTOCOL}, timeout=HELLO_TIMEOUT_S)
        except RemoteError as exc:
            started.stop()
            raise AdapterProcessError(f"{shlex.join(command)}: {exc}") from None
        except AdapterProcessError:
            started.stop()
            raise
        if not isinstance(hello, dict) or hello.get("protocol") != PROTOCOL:
            started.stop()
            raise AdapterProcessError(f"{shlex.join(command)} answered hello with {hello!r}, not protocol {PROTOCOL}")
        started.hello = hello
        _PEERS[tuple(command)] = started
        return started


@atexit.register
def stop_all() -> None:
    """Stop every adapter process this interpreter started."""
    with _PEERS_LOCK:
        for p in _PEERS.values():
            p.stop()
        _PEERS.clear()


class ProcessAdapter(Adapter):
    """Drives the client behind `command`. Subclass with a `command`, or use `process_adapter(command)`."""

    name = "process"
    command: ClassVar[list[str]] = []

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials)
        self.peer = peer(self.command)
        self.session: int | None = next(_SESSIONS)
        self.log: list[str] = []  # what the client logged, once request_log() turned it on
        self.peer.call("open", self.session, {"baseUrl": base_url, "apiKey": credentials.api_key,
                                              "secretKey": credentials.secret_key,
                                              "passphrase": credentials.passphrase, "options": options})

    @classmethod
    def start(cls) -> dict[str, Any]:
        """Start (or find) the process and return its hello: what it says it drives."""
        return peer(cls.command).hello

    def _call(self, op: str, **args: Any) -> Any:
        return self.peer.call(op, self.session, args, log=self.log)

    def close(self) -> None:
        if self.session is not None and self.peer.alive:
            self.peer.call("close", self.session, {})
        self.session = None

    def server_time(self) -> int:
        return int(self._call("server_time"))

    def fetch_ticker(self, symbol: str) -> Ticker:
        t = self._call("fetch_ticker", symbol=symbol)
        return Ticker(symbol, t.get("last"), t.get("bid"), t.get("ask"))

    def fetch_order_book(self, symbol: str) -> OrderBook:
        b = self._call("fetch_order_book", symbol=symbol)
        return OrderBook([(p, s) for p, s in b.get("bids", [])], [(p, s) for p, s in b.get("asks", [])])

    def fetch_balance(self) -> dict[str, Balance]:
        rows = self._call("fetch_balance")
        return {coin: Balance(row.get("available"), row.get("frozen")) for coin, row in rows.items()}

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        ref = self._call("place_limit_order", symbol=symbol, side=side, price=str(price), size=str(size),
                         clientOid=client_oid)
        return OrderRef(str(ref["orderId"]), ref.get("clientOid"))

    def cancel_order(self, symbol: str, order_id: str) -> None:
        self._call("cancel_order", symbol=symbol, orderId=order_id)

    def fetch_order(self, symbol: str, order_id: str) -> Order:
        return _order(self._call("fetch_order", symbol=symbol, orderId=order_id), symbol)

    def fetch_order_by_client_oid(self, symbol: str, client_oid: str) -> Order:
        return _order(self._call("fetch_order_by_client_oid", symbol=symbol, clientOid=client_oid), symbol)

    def fetch_open_orders(self, symbol: str) -> list[Order]:
        return [_order(o, symbol) for o in self._call("fetch_open_orders", symbol=symbol)]

    def place_limit_orders(self, symbol: str, orders: Sequence[LimitOrder]) -> list[OrderRef]:
        made = self._call("place_limit_orders", symbol=symbol, orders=[
            {"side": o.side, "price": str(o.price), "size": str(o.size), "clientOid": o.client_oid} for o in orders])
        return [OrderRef(str(r["orderId"]), r.get("clientOid")) for r in made]

    def set_timeout(self, seconds: float) -> None:
        self._call("set_timeout", seconds=seconds)

    def request_log(self) -> list[str]:
        self._call("request_log")
        return self.log

    def classify_error(self, exc: BaseException) -> ErrorCategory | None:
        return exc.category if isinstance(exc, RemoteError) else None


_SESSIONS = itertools.count(1)


def _order(o: dict[str, Any], symbol: str) -> Order:
    return Order(order_id=str(o.get("orderId")), symbol=str(o.get("symbol") or symbol), side=str(o.get("side")),
                 price=o.get("price"), size=o.get("size"), status=str(o.get("status")),
                 client_oid=o.get("clientOid"), extra=o)


def process_adapter(command: str | list[str], name: str = "process") -> type[ProcessAdapter]:
    """A ProcessAdapter class for `command` (a shell-style string or an argv list)."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    return type(f"ProcessAdapter[{name}]", (ProcessAdapter,), {"command": argv, "name": name})


def ccxt_js() -> type[ProcessAdapter]:
    """ccxt's JavaScript build, run by the machine's Node.js (`node` on PATH, or $BITGET_CONFORMANCE_NODE)."""
    return process_adapter([os.environ.get("BITGET_CONFORMANCE_NODE", "node"), str(CCXT_JS)], "ccxt-js")
