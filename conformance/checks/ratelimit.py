"""RATE: the mock enforces Bitget's per-endpoint limits with a moving window, so a client that paces
itself passes and one that bursts gets 429s; forced 429s show whether the client backs off or reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..adapters.base import ErrorCategory
from .base import MAJOR, MINOR, check
from .paths import ASSETS, PLACE_ORDER, TICKERS

if TYPE_CHECKING:
    from ..context import Context

MIN_BACKOFF_MS = 100


def _burst(ctx: Context, path: str, calls: int, call: Callable[[], Any]) -> None:
    client = ctx.client
    failures = []
    for _ in range(calls):
        out = ctx.attempt(call, client)
        if not out.ok:
            failures.append(out.describe())
    codes = ctx.codes(path)
    limited = codes.count("429")
    ctx.note(f"{calls} calls -> {len(codes)} requests, {limited} answered 429")
    ctx.expect(not limited, f"the client exceeded the limit of {path}: {limited} of its {len(codes)} requests "
                            "were answered 429")
    ctx.expect(not failures, f"{len(failures)} of {calls} calls failed, first: {failures[:1]}")


@check("RATE-001", "A burst of 30 public calls stays under 20/s per IP", MAJOR)
def public_burst(ctx: Context) -> None:
    """30 fetch_ticker calls as fast as the caller can: market tickers allow 20 per second per IP, counted
    in a moving window; the client must pace itself (no 429 in the mock's journal)."""
    _burst(ctx, TICKERS, 30, lambda: ctx.client.fetch_ticker("BTCUSDT"))


@check("RATE-002", "A burst of 15 private calls stays under 10/s per UID", MAJOR)
def private_burst(ctx: Context) -> None:
    """15 fetch_balance calls: account assets allow 10 per second per UID."""
    _burst(ctx, ASSETS, 15, ctx.client.fetch_balance)


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


@check("RATE-004", "A retry after a 429 waits at least 100 ms", MINOR)
def backoff(ctx: Context) -> None:
    """When the client retries a 429 on its own, the retry must not follow at once (the journal's arrival
    times, on the mock's clock, are compared). A client that reports the 429 instead passes."""
    ctx.mock.add_faults({"path": TICKERS, "kind": "status", "status": 429, "count": 1})
    ctx.attempt(lambda: ctx.client.fetch_ticker("BTCUSDT"))
    ctx.fault_fired(TICKERS)
    seen = ctx.journal(TICKERS)
    if len(seen) < 2:
        ctx.note("the client did not retry (it reported the 429)")
        return
    gap = int(seen[1]["ts"]) - int(seen[0]["ts"])
    ctx.note(f"retried after {gap} ms")
    ctx.expect(gap >= MIN_BACKOFF_MS, f"the client retried {gap} ms after a 429")


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
