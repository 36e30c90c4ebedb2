"""Cost does not grow with history: place-order latency on an empty book vs a heavy one, and bytes per order.

    python bench/history.py [--resting 100000] [--fills 1000000] [--requests 5000]

1. place-order (an ioc limit buy that cannot fill) through the whole ASGI app in-process, signed, on a
   fresh mock: latency per request (p50 / p99 / mean, wall) and CPU per request.
2. The same account is given `--resting` resting orders and `--fills` fills through the state layer
   (gtc limit buys far below the market; market buys that walk ~10 levels of the book), then the
   same measurement again. Target: within 1.5x of the empty figure.
3. A full garbage collection over that heap (what a long-lived server pays now and then).
4. tracemalloc: bytes per stored closed order, resting order and fill; and the cap on closed
   orders (`max_closed_orders`) holding while more orders than the cap are placed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import MutableMapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import harness as h

sys.path.insert(0, str(h.ROOT))

from inprocess import make_scope

from mock_exchange.app import MockExchange, create_app
from mock_exchange.config import Config
from mock_exchange.state.trading import OrderSpec

PATH = "/api/v2/spot/trade/place-order"
BODY = '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'
RICH = {"USDT": "1000000000000", "BTC": "1000000"}


def build(max_closed: int) -> MockExchange:
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    accounts = tmp / "accounts.toml"
    accounts.write_text(h.accounts_toml(), encoding="utf-8")
    app = create_app(Config(accounts_file=accounts, rate_limits="off", timestamp_window_ms=24 * 3_600_000,
                            access_log=False, max_closed_orders=max_closed))
    now = app.services.clock.now_ms()
    app.services.exchange.accounts.set_balances(h.UID, RICH, now)
    return app


async def place_orders(app: MockExchange, n: int) -> tuple[list[float], float, dict[int, int]]:
    """n signed place-order requests through the app: per-request wall seconds, CPU s, statuses."""
    ts = app.services.clock.now_ms()
    scope = make_scope("POST", PATH, h.signed_headers("POST", PATH, "", BODY, ts), BODY)
    message = {"type": "http.request", "body": BODY.encode(), "more_body": False}
    statuses: dict[int, int] = {}

    async def receive() -> dict[str, Any]:
        return message

    async def send(msg: MutableMapping[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            statuses[msg["status"]] = statuses.get(msg["status"], 0) + 1

    lat = []
    cpu0 = time.process_time()
    for _ in range(n):
        t0 = time.perf_counter()
        await app(dict(scope), receive, send)
        lat.append(time.perf_counter() - t0)
    return lat, time.process_time() - cpu0, statuses


class GcWatch:
    """Collections of the oldest generation during a measurement, and the longest of them."""

    def __init__(self) -> None:
        self.full = 0
        self.longest = 0.0
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.full += 1
            self.longest = max(self.longest, time.perf_counter() - self._t0)


def measure(app: MockExchange, n: int) -> dict[str, float]:
    asyncio.run(place_orders(app, min(500, n)))  # warm up
    watch = GcWatch()
    gc.callbacks.append(watch)
    try:
        lat, cpu, statuses = asyncio.run(place_orders(app, n))
    finally:
        gc.callbacks.remove(watch)
    if set(statuses) != {200}:
        raise SystemExit(f"place-order answered {statuses}")
    lat.sort()
    return {"p50": lat[len(lat) // 2] * 1e6, "p99": lat[int(len(lat) * 0.99)] * 1e6,
            "mean": statistics.fmean(lat) * 1e6, "cpu": cpu / n * 1e6, "max": lat[-1] * 1e6,
            "gc2": watch.full, "gc2_ms": watch.longest * 1000}


def add_resting(app: MockExchange, n: int) -> None:
    trading = app.services.exchange.trading
    now = app.services.clock.now_ms()
    for i in range(n):  # 1000.00 .. 5999.99 USDT: far below the market, never filled
        price = Decimal(100_000 + i % 500_000) / 100
        trading.place(h.UID, OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.01"), "gtc", price), now)


def add_fills(app: MockExchange, n: int) -> int:
    """Market buys that each walk about ten levels of the book, until `n` fills exist; returns orders."""
    trading = app.services.exchange.trading
    made = count = 0
    while made < n:
        now = app.services.clock.now_ms()
        made += len(trading.place(h.UID, OrderSpec("BTCUSDT", "buy", "market", Decimal("25000")), now).fills)
        count += 1
    return count


def bytes_per(label: str, fn: Any, n: int) -> float:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    fn(n)
    gc.collect()
    per = (tracemalloc.get_traced_memory()[0] - before) / n
    print(f"   {label:38s} {per:8,.0f} bytes")
    return per


def memory_section(n: int) -> None:
    print(f"tracemalloc, {n:,} of each on a fresh mock (cap raised so nothing is pruned):")
    app = build(10 * n)
    trading = app.services.exchange.trading
    now = app.services.clock.now_ms()
    ioc = OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.02"), "ioc", Decimal("100"))
    tracemalloc.start()
    closed = bytes_per("per closed order (ioc, no fill)",
                       lambda k: [trading.place(h.UID, ioc, now) for _ in range(k)], n)
    bytes_per("per resting order (gtc, open)", lambda k: add_resting(app, k), n)
    orders_before = len(trading.orders_of(h.UID).closed)
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    add_fills(app, n)
    gc.collect()
    placed = len(trading.orders_of(h.UID).closed) - orders_before
    per_fill = (tracemalloc.get_traced_memory()[0] - before - placed * closed) / n
    print(f"   {'per fill (besides its order)':38s} {per_fill:8,.0f} bytes")
    tracemalloc.stop()


def cap_section(cap: int) -> None:
    app = build(cap)
    trading = app.services.exchange.trading
    now = app.services.clock.now_ms()
    ioc = OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.02"), "ioc", Decimal("100"))
    for _ in range(3 * cap):
        trading.place(h.UID, ioc, now)
    add_fills(app, 3 * cap)
    orders = trading.orders_of(h.UID)
    print(f"cap max_closed_orders={cap:,}: after {3 * cap:,} ioc orders and {3 * cap:,} fills the account keeps "
          f"{len(orders.closed):,} closed orders and {len(orders.fills):,} fills "
          f"({'ok' if len(orders.closed) <= cap + 8 and len(orders.fills) <= cap + 8 else 'NOT BOUNDED'})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--resting", type=int, default=100_000)
    ap.add_argument("--fills", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--bytes-sample", type=int, default=20_000)
    args = ap.parse_args()

    app = build(max(100_000, args.fills + args.fills // 5))
    empty = measure(app, args.requests)
    t0 = time.perf_counter()
    add_resting(app, args.resting)
    orders = add_fills(app, args.fills)
    built = time.perf_counter() - t0
    trading = app.services.exchange.trading
    acct = trading.orders_of(h.UID)
    print(f"history built through the state layer in {built:.0f} s: {len(trading.books['BTCUSDT']):,} resting "
          f"orders, {len(acct.fills):,} fills, {len(acct.closed):,} closed orders ({orders:,} market buys)")
    full = measure(app, args.requests)
    print(f"place-order in-process, {args.requests:,} requests   p50 µs   p99 µs   mean µs   cpu µs/req   max µs"
          "   full GCs (longest)")
    for name, r in (("empty book", empty), ("with the history", full)):
        print(f"   {name:40s} {r['p50']:7.1f}  {r['p99']:7.1f}  {r['mean']:8.1f}  {r['cpu']:10.1f}  {r['max']:8.0f}"
              f"   {r['gc2']:.0f} ({r['gc2_ms']:.0f} ms)")
    ratio = full["cpu"] / empty["cpu"]
    print(f"   ratio (cpu per request): {ratio:.2f}x   p50: {full['p50'] / empty['p50']:.2f}x   "
          f"target <= 1.5x: {'ok' if ratio <= 1.5 else 'EXCEEDED'}")
    t0 = time.perf_counter()
    collected = gc.collect()
    print(f"one full gc.collect() over this heap: {(time.perf_counter() - t0) * 1000:.0f} ms "
          f"({len(gc.get_objects()):,} tracked objects, {collected} freed)")
    del app, trading, acct
    gc.collect()
    memory_section(args.bytes_sample)
    cap_section(10_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
