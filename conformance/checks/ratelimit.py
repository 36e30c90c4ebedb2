"""RATE: the mock enforces Bitget's per-endpoint limits with a moving window. What the exchange punishes
(a retry on the heels of a 429, a 429 that doubles an order) is major; pacing below the limit before any
429, which the exchange does not punish, is minor. Every timing is judged on the mock's clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mock_exchange.journal import JournalEntry

from ..adapters.base import ErrorCategory
from .base import MAJOR, MINOR, check
from .paths import ASSETS, PLACE_ORDER, TICKERS

if TYPE_CHECKING:
    from ..context import Context

MIN_BACKOFF_MS = 100  # a retry sooner than this after a 429 is hammering
# Pacing is judged with this share of the window as tolerance: limit+1 requests must span at least 75 % of
# the window. Scheduling jitter on a loaded host stays far below 250 ms; a client that does not pace
# misses the bound by an order of magnitude.
PACING_TOLERANCE = 0.25
TICKERS_LIMIT, ASSETS_LIMIT, WINDOW_MS = 20, 10, 1000


def _paced(ctx: Context, path: str, limit: int, calls: int, call: Callable[[], Any]) -> None:
    """`calls` calls in a row; the client's requests to `path`, by their arrival on the mock's clock, must
    never put limit+1 requests into less than (1 - tolerance) of the window."""
    for _ in range(calls):
        ctx.attempt(call)
    seen = [int(e["ts"]) for e in ctx.journal(path)]
    spans = [seen[i + limit] - seen[i] for i in range(len(seen) - limit)]
    shortest = min(spans) if spans else None
    bound = int(WINDOW_MS * (1 - PACING_TOLERANCE))
    ctx.note(f"{calls} calls -> {len(seen)} requests, {ctx.codes(path).count('429')} answered 429; the shortest "
             f"time {limit + 1} consecutive requests took: {shortest} ms (bound {bound} ms)")
    ctx.expect(shortest is None or shortest >= bound,
               f"the client sent {limit + 1} requests to {path} within {shortest} ms: it does not pace itself "
               f"below the limit of {limit} per {WINDOW_MS} ms (tolerance {PACING_TOLERANCE:.0%})")


def _no_hammering(ctx: Context, path: str, starts: list[int]) -> None:
    """Every retry the client makes on its own after a 429 on `path` comes at least MIN_BACKOFF_MS after it.
    `starts` are the mock-clock times at which the harness began each call: a request after the next
    start is the caller's new call, not the client's retry, and is not judged."""
    seen = ctx.journal(path)
    for i, entry in enumerate(seen[:-1]):
        if entry.get("code") != "429":
            continue
        nxt = seen[i + 1]
        later = [s for s in starts if s > int(entry["ts"])]
        if later and int(nxt["ts"]) >= later[0]:
            continue
        gap = int(nxt["ts"]) - int(entry["ts"])
        ctx.expect(gap >= MIN_BACKOFF_MS, f"the client retried {path} {gap} ms after a 429 (at least "
                                          f"{MIN_BACKOFF_MS} ms expected): it hammers a limited endpoint")


def _calls(ctx: Context, calls: int, call: Callable[[], Any]) -> tuple[list[int], list[str]]:
    """Make `calls` calls; (the mock-clock time each started, what went wrong in those that failed untyped
    or with an error other than a rate-limit one)."""
    starts, wrong = [], []
    for _ in range(calls):
        starts.append(ctx.mock.now_ms())
        out = ctx.attempt(call)
        if not out.ok and out.category is not ErrorCategory.RATE_LIMIT:
            wrong.append(out.describe())
    return starts, wrong


@check("RATE-001", "A burst of 30 public calls is paced under 20/s per IP", MINOR)
def public_burst(ctx: Context) -> None:
    """30 fetch_ticker calls as fast as the caller can: market tickers allow 20 per second per IP, in a
    moving window. Best practice, not punished by the exchange: a client that reacts to 429s instead fails
    only this minor check."""
    _paced(ctx, TICKERS, TICKERS_LIMIT, 30, lambda: ctx.client.fetch_ticker("BTCUSDT"))


@check("RATE-002", "A burst of 15 private calls is paced under 10/s per UID", MINOR)
def private_burst(ctx: Context) -> None:
    """15 fetch_balance calls: account assets allow 10 per second per UID."""
    _paced(ctx, ASSETS, ASSETS_LIMIT, 15, ctx.client.fetch_balance)


@check("RATE-003", "A 429 is retried after a pause or reported as a rate-limit error", MAJOR)
def forced_429(ctx: Context) -> None:
    """The mock answers the next ticker request with 429: the call succeeds (retried) or raises a
    rate-limit error, never another kind of error or a crash."""
    ctx.mock.add_faults({"path": TICKERS, "kind": "status", "status": 429, "count": 1})
    out = ctx.attempt(lambda: ctx.client.fetch_ticker("BTCUSDT"))
    ctx.note(f"fetch_ticker {out.describe()}")
    ctx.expect(out.ok or out.category is ErrorCategory.RATE_LIMIT,
               f"after a 429 the call {out.describe()}")
    ctx.fault_fired(TICKERS)
    if out.ok:
        retried = [e for e in ctx.journal(TICKERS) if e.get("code") == "00000"]
        ctx.expect(retried, f"the call {out.describe()} though its only answer was the 429")


@check("RATE-004", "A retry after a 429 waits at least 100 ms", MAJOR)
def backoff(ctx: Context) -> None:
    """When the client retries a 429 on its own, the retry must not follow at once (arrival times on the
    mock's clock: a retry cannot arrive before the 429 was answered, so host load only lengthens the gap).
    A client that reports the 429 instead passes."""
    ctx.mock.add_faults({"path": TICKERS, "kind": "status", "status": 429, "count": 1})
    starts, _ = _calls(ctx, 1, lambda: ctx.client.fetch_ticker("BTCUSDT"))
    ctx.fault_fired(TICKERS)
    seen: list[JournalEntry] = ctx.journal(TICKERS)
    ctx.note(f"arrivals (ms after the first): {[int(e['ts']) - int(seen[0]['ts']) for e in seen]}, "
             f"codes {[e.get('code') for e in seen]}")
    _no_hammering(ctx, TICKERS, starts)


@check("RATE-005", "A 429 on place-order never yields two orders", MAJOR)
def place_429(ctx: Context) -> None:
    """The mock answers the next place-order with 429 (not executed): the call succeeds after a retry or
    reports a rate-limit error, and the mock ends up holding at most one order."""
    ctx.mock.add_faults({"path": PLACE_ORDER, "kind": "status", "status": 429, "count": 1})
    price, size = ctx.resting_buy("BTCUSDT")
    out = ctx.attempt(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size))
    ctx.fault_fired(PLACE_ORDER)
    held = ctx.mock.open_orders("BTCUSDT")
    ctx.note(f"place_limit_order {out.describe()}; the mock holds {len(held)} open order(s)")
    ctx.expect(out.ok or out.category is ErrorCategory.RATE_LIMIT, f"after a 429 the call {out.describe()}")
    ctx.expect(len(held) == (1 if out.ok else 0),
               f"the mock holds {len(held)} orders after a call that {out.describe()}")


@check("RATE-006", "A burst past the limit: rate-limit errors or success, and no hammering after a 429", MAJOR)
def burst_past_limit(ctx: Context) -> None:
    """30 fetch_ticker calls in a row. A client that paces never sees a 429; one that does not must, for
    each 429 the mock's limiter answers, wait before retrying (or report a rate-limit error), and every call
    must end in success or a rate-limit error."""
    starts, wrong = _calls(ctx, 30, lambda: ctx.client.fetch_ticker("BTCUSDT"))
    codes = ctx.codes(TICKERS)
    ctx.note(f"30 calls -> {len(codes)} requests, {codes.count('429')} answered 429")
    ctx.expect(not wrong, f"{len(wrong)} of 30 calls failed with something other than a rate-limit error, "
                          f"first: {wrong[:1]}")
    _no_hammering(ctx, TICKERS, starts)
