"""The client's logic, written once and sans-I/O: build, pace, sign, interpret, retry, re-sync the clock.

A call is a generator ("flow") that yields effects, `Send(request)` and `Sleep(seconds)`, and receives
the httpx.Response (or has the httpx exception thrown in). BitgetClient and AsyncBitgetClient are two
ten-line drivers of the same flows, so sync and async behave identically and tests can step a flow.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from .errors import (
    BitgetError,
    BitgetTransportError,
    DuplicateClientOidError,
    OrderNotFoundError,
    RateLimitError,
    ServerError,
    TimestampError,
    api_error,
)
from .pacing import Pacer, is_public
from .signing import encode_body, query_items

T = TypeVar("T")

TIME_PATH = "/api/v2/public/time"
PLACE_ORDER_PATH = "/api/v2/spot/trade/place-order"
ORDER_INFO_PATH = "/api/v2/spot/trade/orderInfo"


@dataclass(frozen=True)
class Send:
    request: httpx.Request
    auth: httpx.Auth | None


@dataclass(frozen=True)
class Sleep:
    seconds: float


Effect = Send | Sleep
Flow = Generator[Effect, Any, T]


@dataclass
class RetryPolicy:
    """Bounded retries: `max_attempts` tries in all; exponential backoff with jitter, or the server's
    Retry-After when it sends one (giving up at once when that is longer than `max_retry_after`)."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, retry: int, rng: random.Random, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number `retry` (1-based), or None to give up."""
        if retry >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        cap = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return rng.uniform(cap / 2, cap)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the delta-seconds form; an HTTP date is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds < float("inf") else None


def _where(response: httpx.Response) -> str:
    try:
        return f"{response.request.method} {response.request.url.path}"
    except RuntimeError:  # a Response built without its request
        return "request"


def _is_code(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def interpret(response: httpx.Response) -> Any:
    """The envelope's `data`, or the typed error; anything that is not an envelope is a transport error."""
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    try:
        payload = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict) or not _is_code(payload.get("code")):
        if status == 429:
            raise RateLimitError("429", "Too Many Requests", status, retry_after=retry_after)
        snippet = response.content[:120].decode("utf-8", "replace")
        raise BitgetTransportError(f"{_where(response)}: HTTP {status} with a body that is not a Bitget envelope: "
                                   f"{snippet!r}", http_status=status)
    code = str(payload["code"])
    if code == "00000":
        if status >= 300 or "data" not in payload:
            raise BitgetTransportError(f"{_where(response)}: HTTP {status} with a malformed success envelope",
                                       http_status=status)
        return payload["data"]
    msg = payload.get("msg")
    raise api_error(code, msg if isinstance(msg, str) else "", status, retry_after)


def transport_error(exc: httpx.RequestError) -> BitgetTransportError:
    """A clear error for a failed exchange; `sent=False` when the request surely never left."""
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    try:
        where = f"{exc.request.method} {exc.request.url}"
    except RuntimeError:
        where = "request"
    what = "could not connect" if never_sent else "no answer (connection dropped or timed out)"
    return BitgetTransportError(f"{where}: {what}: {type(exc).__name__}: {exc}", sent=not never_sent)


def failure_kind(exc: BitgetError) -> str | None:
    """'rejected': surely not executed, safe to retry; 'ambiguous': may have been executed; None: final."""
    if isinstance(exc, RateLimitError):
        return "rejected"
    if isinstance(exc, BitgetTransportError):
        return "ambiguous" if exc.sent else "rejected"
    if isinstance(exc, ServerError):
        return "ambiguous"
    return None


Lookup = Callable[[], Flow[Any]]


class Engine:
    """State shared by every flow of one client: where, who, the clock offset, the pacer, the retry policy."""

    def __init__(self, base_url: str, auth: httpx.Auth | None, *, clock: Callable[[], int], pacer: Pacer | None,
                 retry: RetryPolicy, rng: random.Random, headers: Mapping[str, str], paptrading: bool) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.clock = clock
        self.pacer = pacer
        self.retry = retry
        self.rng = rng
        self.headers = dict(headers)
        self.paptrading = paptrading
        self.offset_ms = 0  # server time minus local time, measured by sync_time()

    def server_now(self) -> int:
        """The exchange's time as the client estimates it: the signing timestamp."""
        return self.clock() + self.offset_ms

    def build(self, method: str, path: str, query: tuple[tuple[str, str], ...], content: bytes) -> httpx.Request:
        headers = dict(self.headers)
        if method == "POST":
            headers["Content-Type"] = "application/json"
        if self.paptrading and path != TIME_PATH:  # as ccxt: no demo header on the server-time probe
            headers["paptrading"] = "1"
        return httpx.Request(method, self.base_url + path, params=query, content=content, headers=headers)

    def call(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             signed: bool | None = None, lookup: Lookup | None = None,
             timing: list[tuple[int, int]] | None = None) -> Flow[Any]:
        """One API call with pacing, signing, typed errors, one re-sync on 40008, and bounded retries.

        Retries: a 429 or a refused connection (never executed) always; an ambiguous failure (timeout,
        dropped connection, 5xx) only for GETs and for bodies carrying a clientOid. `lookup` (place-order)
        asks the exchange by clientOid after an ambiguous failure, and returns what it finds instead of
        placing again.
        """
        method = method.upper()
        signed = not is_public(path) if signed is None else signed
        if signed and self.auth is None:
            raise ValueError(f"{path} is private: create the client with api_key, secret_key and passphrase")
        query = query_items(params)
        content = encode_body(body)
        idempotent = method == "GET" or (isinstance(body, Mapping) and bool(body.get("clientOid")))
        retry, resynced, ambiguous_seen = 0, False, False
        while True:
            try:
                return (yield from self._once(method, path, query, content, signed, timing))
            except TimestampError:
                if resynced or not signed:
                    raise
                resynced = True
                yield from self.sync_time()
            except DuplicateClientOidError:
                found = (yield from lookup()) if lookup is not None and ambiguous_seen else None
                if found is None:
                    raise
                return found  # an earlier, ambiguous attempt did land
            except BitgetError as exc:
                kind = failure_kind(exc)
                if kind is None or (kind == "ambiguous" and not idempotent):
                    raise
                retry += 1
                delay = self.retry.delay(retry, self.rng, getattr(exc, "retry_after", None))
                if delay is None:
                    raise
                yield Sleep(delay)
                if kind == "ambiguous" and lookup is not None:
                    ambiguous_seen = True
                    found = yield from lookup()
                    if found is not None:
                        return found

    def _once(self, method: str, path: str, query: tuple[tuple[str, str], ...], content: bytes, signed: bool,
              timing: list[tuple[int, int]] | None) -> Flow[Any]:
        pacer = self.pacer
        ticket = None
        if pacer is not None:
            while (wait := pacer.wait_ms(path, self.clock())) > 0:
                yield Sleep(wait / 1000)
            ticket = pacer.take(path, self.clock())
        request = self.build(method, path, query, content)
        sent_at = self.clock()
        try:
            response = yield Send(request, self.auth if signed else None)
        except httpx.RequestError as exc:
            raise transport_error(exc) from exc
        finally:
            if ticket is not None:
                ticket.done(self.clock())
        if timing is not None:
            timing.append((sent_at, self.clock()))
        return interpret(response)

    def sync_time(self) -> Flow[int]:
        """Measure the offset to server time from GET /api/v2/public/time (midpoint of the round trip)."""
        timing: list[tuple[int, int]] = []
        data = yield from self.call("GET", TIME_PATH, signed=False, timing=timing)
        try:
            server = int(data["serverTime"])
        except (TypeError, KeyError, ValueError):
            raise BitgetTransportError(f"GET {TIME_PATH}: malformed answer {data!r}") from None
        sent_at, received_at = timing[-1]
        self.offset_ms = server - (sent_at + received_at) // 2
        return self.offset_ms

    def place_order(self, body: dict[str, Any]) -> Flow[Any]:
        client_oid = body.get("clientOid")

        def lookup() -> Flow[Any]:
            return self.find_order(str(client_oid))

        return (yield from self.call("POST", PLACE_ORDER_PATH, body=body, lookup=lookup if client_oid else None))

    def find_order(self, client_oid: str) -> Flow[dict[str, Any] | None]:
        """{orderId, clientOid} of the order with this clientOid, or None when the exchange has none."""
        try:
            data = yield from self.call("GET", ORDER_INFO_PATH, {"clientOid": client_oid})
        except OrderNotFoundError:
            return None
        orders = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        for order in orders:
            if isinstance(order, dict) and order.get("clientOid") == client_oid:
                return {"orderId": order.get("orderId"), "clientOid": client_oid}
        return None
